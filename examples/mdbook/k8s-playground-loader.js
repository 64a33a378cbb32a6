// mdBook's additional-js files are classic scripts; the element is an ES module, so this
// loader adds it as one. KUBEPLAY is where the kubeplay build (dist/) is served from.
(function () {
  var KUBEPLAY = '/kubeplay/';
  var script = document.createElement('script');
  script.type = 'module';
  script.src = KUBEPLAY + 'k8s-playground.js';
  document.head.appendChild(script);
})();
