// <k8s-playground>: kubeplay's simulated Kubernetes cluster as one custom element.
//
//   <script type="module" src="/kubeplay/k8s-playground.js"></script>
//   <k8s-playground seed="7" panels="editor,cluster,console">
//     <pre slot="manifest">apiVersion: apps/v1 ...</pre>
//   </k8s-playground>
//
// One ES module and one .wasm for the whole page: the first widget that starts loads
// the wasm (a module-level promise); every other widget mounts into the same instance.
// Each widget has its own cluster, seed and state inside its own shadow root. The file
// names below are filled in at build time (scripts/embed-assets.sh, a trunk hook), so
// this module works under a strict CSP (script-src 'self' 'wasm-unsafe-eval';
// style-src 'self'): no inline script, no inline style, no eval.

const GLUE = '__KP_GLUE__';
const WASM = '__KP_WASM__';
const CSS = '__KP_CSS__';

/** Attributes a widget reads (the same names as embed.html's URL parameters). */
export const ATTRIBUTES = [
  'seed', 'manifest', 'lesson', 'goal', 'panels', 'readonly', 'commands',
  'start', 'autoplay', 'speed', 'theme', 'persist',
];

/** "Near" for start=visible: widgets start this far before they scroll into view. */
const NEAR = '300px 0px';

let engine = null;

/** Loads and instantiates the wasm once per page; every widget awaits the same promise. */
export function loadEngine() {
  engine ??= import(new URL(GLUE, import.meta.url).href).then(async (glue) => {
    const exports = await glue.default({ module_or_path: new URL(WASM, import.meta.url) });
    return { glue, exports };
  });
  return engine;
}

/** Bytes of the shared wasm memory (for measurements), or 0 before it loads. */
export async function engineMemoryBytes() {
  if (!engine) return 0;
  const { exports } = await engine;
  return exports.memory.buffer.byteLength;
}

// theme=auto follows the host page, not the operating system: the first opaque
// background up the tree (through shadow hosts) decides, then the text colour.
function rgba(css) {
  const m = /rgba?\(([^)]+)\)/.exec(css || '');
  if (!m) return null;
  const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return { r, g, b, a };
}
function luminance({ r, g, b }) {
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
export function hostTheme(el) {
  for (let n = el; n; ) {
    const bg = rgba(getComputedStyle(n).backgroundColor);
    if (bg && bg.a > 0.5) return luminance(bg) < 0.2 ? 'dark' : 'light';
    const root = n.getRootNode();
    n = n.parentElement || (root instanceof ShadowRoot ? root.host : null);
  }
  const text = rgba(getComputedStyle(el).color);
  if (text) return luminance(text) > 0.5 ? 'dark' : 'light';
  return 'light';
}

// One observer for all widgets: the host page switching its theme (a class or attribute
// on <html> or <body>, or its own media query) re-themes every widget with theme=auto.
const widgets = new Set();
let themeWatch = null;
function watchHostTheme() {
  if (themeWatch) return;
  const again = () => widgets.forEach((w) => w.applyTheme());
  themeWatch = new MutationObserver(again);
  const opts = { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] };
  themeWatch.observe(document.documentElement, opts);
  if (document.body) themeWatch.observe(document.body, opts);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', again);
}

let nextId = 1;

export class K8sPlayground extends HTMLElement {
  #shadow;
  #frame;
  #poster;
  #mount;
  #widget = null;
  #starting = null;
  #observer = null;
  #near = false;
  #status = 'idle';
  #internals = null;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    this.#internals = this.attachInternals?.() ?? null;
    this.widgetId = `kp-${nextId++}`;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL(CSS, import.meta.url).href;
    this.#frame = document.createElement('div');
    this.#frame.className = 'kp-frame';
    this.#frame.setAttribute('part', 'frame');
    this.#frame.setAttribute('role', 'region');
    this.#frame.setAttribute('aria-label', 'Kubernetes playground');
    this.#poster = document.createElement('div');
    this.#poster.className = 'kp-poster';
    this.#poster.setAttribute('part', 'poster');
    this.#mount = document.createElement('div');
    this.#mount.className = 'kp-mount';
    this.#mount.hidden = true;
    this.#frame.append(this.#poster, this.#mount);
    this.#shadow.append(link, this.#frame);
  }

  /** waiting (not started), loading, running, paused (scrolled far), error, removed. */
  get status() {
    return this.#status;
  }

  #setStatus(status) {
    if (this.#internals?.states) {
      try {
        this.#internals.states.delete(this.#status);
        this.#internals.states.add(status);
      } catch {
        // Older browsers: the `status` property still says it.
      }
    }
    this.#status = status;
  }

  connectedCallback() {
    widgets.add(this);
    watchHostTheme();
    this.applyTheme();
    if (this.#widget || this.#starting) {
      this.#observe();
      return;
    }
    this.#setStatus('waiting');
    const mode = this.getAttribute('start') || 'visible';
    this.#drawPoster(mode === 'click');
    if (mode === 'eager') this.start();
    // Every started widget pauses when far; click widgets begin observing once started.
    if (mode !== 'click') this.#observe();
  }

  disconnectedCallback() {
    widgets.delete(this);
    this.#observer?.disconnect();
    this.#observer = null;
    // Moved elsewhere in the page: connectedCallback comes at once and keeps the widget.
    queueMicrotask(() => {
      if (!this.isConnected) this.#teardown();
    });
  }

  #teardown() {
    if (this.#widget) {
      this.#widget.unmount();
      this.#widget.free();
      this.#widget = null;
    }
    this.#setStatus('removed');
  }

  #drawPoster(click) {
    const p = this.#poster;
    p.replaceChildren();
    const manifest = document.createElement('slot');
    manifest.name = 'manifest';
    const head = document.createElement('div');
    head.className = 'kp-poster-head';
    const brand = document.createElement('span');
    brand.className = 'kp-brand';
    brand.textContent = '⎈ Kubernetes playground';
    head.append(brand);
    if (click) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'kp-start';
      button.setAttribute('part', 'start-button');
      button.textContent = '▶ Start the cluster';
      button.addEventListener('click', () => this.start({ focus: true }));
      head.append(button);
    } else {
      const note = document.createElement('span');
      note.className = 'kp-note';
      note.textContent = 'starts when scrolled into view';
      head.append(note);
    }
    p.append(head, manifest);
  }

  #observe() {
    if (this.#observer) return;
    this.#observer = new IntersectionObserver(
      (entries) => {
        const near = entries[entries.length - 1].isIntersecting;
        this.#near = near;
        const mode = this.getAttribute('start') || 'visible';
        if (near && !this.#widget && !this.#starting && mode === 'visible') this.start();
        if (this.#widget) this.#setRunning(near);
      },
      { rootMargin: NEAR },
    );
    this.#observer.observe(this);
  }

  #setRunning(running) {
    if (!this.#widget) return;
    this.#widget.set_running(running);
    this.#setStatus(running ? 'running' : 'paused');
  }

  /** Re-reads theme=: light, dark, or auto (the host page's colours). */
  applyTheme() {
    const asked = this.getAttribute('theme');
    const theme = asked === 'light' || asked === 'dark' ? asked : hostTheme(this);
    this.#frame.dataset.theme = theme;
  }

  /** The attributes as [name, value] pairs, the manifest slot's text included. */
  params() {
    const pairs = [];
    for (const { name, value } of this.attributes) pairs.push([name, value]);
    const pre = this.querySelector(':scope > [slot="manifest"]');
    if (pre && !this.hasAttribute('manifest')) pairs.push(['manifest', pre.textContent]);
    return pairs;
  }

  /** Starts the widget (loads the wasm if no widget has yet). Resolves when mounted. */
  start({ focus = false } = {}) {
    this.#starting ??= (async () => {
      this.#setStatus('loading');
      this.#poster.classList.add('kp-loading');
      try {
        const { glue } = await loadEngine();
        if (!this.isConnected) {
          // Removed while loading: a later connect starts afresh.
          this.#starting = null;
          this.#poster.classList.remove('kp-loading');
          return;
        }
        // The host's stylesheets may have loaded since the element was connected.
        this.applyTheme();
        this.#mount.hidden = false;
        this.#poster.hidden = true;
        this.#widget = glue.mount_widget(this.#mount, JSON.stringify(this.params()), (type, json) =>
          this.#emit(type, JSON.parse(json)),
        );
        const mode = this.getAttribute('start') || 'visible';
        // Running unless an observer has already said the widget is far away.
        this.#setRunning(!this.#observer || this.#near || mode === 'click');
        if (mode === 'click') this.#observe();
        if (focus) this.#mount.querySelector('button, textarea, input')?.focus();
      } catch (error) {
        this.#setStatus('error');
        this.#poster.hidden = false;
        this.#poster.classList.remove('kp-loading');
        const p = document.createElement('p');
        p.className = 'kp-error';
        p.setAttribute('role', 'alert');
        p.textContent = `The playground could not start: ${error.message || error}`;
        this.#poster.append(p);
        this.#emit('error', { message: String(error.message || error) });
      }
    })();
    return this.#starting;
  }

  #emit(type, payload) {
    const detail = { type, payload, id: this.widgetId };
    this.dispatchEvent(new CustomEvent('kubeplay', { detail }));
    this.dispatchEvent(new CustomEvent(`kubeplay:${type}`, { detail: payload }));
  }

  /** Runs a console line (starting the widget first if needed): {ok, output}. */
  async run(line) {
    await this.start();
    if (!this.#widget) return { ok: false, output: 'the playground is not running\n' };
    return JSON.parse(this.#widget.run(String(line)));
  }

  /** {clock, ms, converged, running, pods}, or null before the widget starts. */
  state() {
    return this.#widget ? JSON.parse(this.#widget.state()) : null;
  }

  /** Stops the clock until resume() (scrolling does the same for start=visible). */
  pause() {
    this.#setRunning(false);
  }

  resume() {
    this.#setRunning(true);
  }

  /** Bytes of the wasm memory all widgets on the page share. */
  static memoryBytes() {
    return engineMemoryBytes();
  }
}

if (!customElements.get('k8s-playground')) customElements.define('k8s-playground', K8sPlayground);
