// embed.html#...: one <k8s-playground> filling an iframe, for hosts that allow no
// scripts of their own. It is configured from the URL fragment, with the same names as
// the element's attributes (`embed.html#seed=7&panels=cluster,console&manifest=...`),
// and talks to its parent through postMessage, as {ns, v, id, type, payload}:
//
//   parent -> frame   {ns:'kubeplay', v:1, type:'hello', id}     the handshake, first
//                     {type:'command', id, payload:{line}}        run a console line
//                     {type:'state', id} / {type:'pause'} / {type:'resume'}
//   frame -> parent   hello (the answer, same id), ready, state, command, goal, error,
//                     resize
//
// The frame learns its parent's origin and window from the hello (which must come from
// window.parent, from a real origin), then accepts messages only when both match, and
// posts only to that origin: never to '*'. Events before the hello wait in a queue.

import './k8s-playground.js';

const NS = 'kubeplay';
const V = 1;
const QUEUE_MAX = 100;

const params = new URLSearchParams(location.hash.slice(1));
const el = document.createElement('k8s-playground');
for (const [name, value] of params) {
  try {
    el.setAttribute(name, value);
  } catch {
    // Not a valid attribute name: ignored, like any unknown name.
  }
}
if (!params.has('start')) el.setAttribute('start', 'eager');
el.classList.add('kp-fill');
document.documentElement.style.height = '100%';
document.body.style.margin = '0';
document.body.style.height = '100%';
document.body.append(el);

let parent = null;
const queue = [];

function post(type, payload, id = null) {
  const message = { ns: NS, v: V, id, type, payload };
  if (!parent) {
    queue.push(message);
    if (queue.length > QUEUE_MAX) queue.shift();
    return;
  }
  parent.source.postMessage(message, parent.origin);
}

el.addEventListener('kubeplay', (event) => {
  const { type, payload } = event.detail;
  post(type, payload);
});

new ResizeObserver(() => {
  post('resize', { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight });
}).observe(document.documentElement);

window.addEventListener('message', async (event) => {
  const m = event.data;
  if (!m || typeof m !== 'object' || m.ns !== NS || m.v !== V) return;
  if (!parent) {
    // The handshake: only from the window that embeds this frame, from a real origin.
    if (m.type !== 'hello' || event.source !== window.parent || window.parent === window) return;
    if (!event.origin || event.origin === 'null') return;
    parent = { origin: event.origin, source: event.source };
    post('hello', { widget: el.widgetId, status: el.status }, m.id ?? null);
    for (const queued of queue.splice(0)) parent.source.postMessage(queued, parent.origin);
    return;
  }
  if (event.origin !== parent.origin || event.source !== parent.source) return;
  const id = m.id ?? null;
  switch (m.type) {
    case 'command': {
      const line = m.payload && typeof m.payload.line === 'string' ? m.payload.line : '';
      const result = await el.run(line);
      post('command', { line, ...result }, id);
      break;
    }
    case 'state':
      post('state', el.state(), id);
      break;
    case 'pause':
      el.pause();
      break;
    case 'resume':
      el.resume();
      break;
    default:
      post('error', { message: `unknown message type ${JSON.stringify(m.type)}` }, id);
  }
});
