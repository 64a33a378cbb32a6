// The <k8s-playground> element and embed.html, as a docs author uses them: the example
// docs page (examples/docs-page.html, three widgets, a strict CSP) loads, each widget
// converges on its own cluster, the one far below the fold waits until scrolled to, and
// the iframe page answers postMessage from its parent only.
import assert from 'node:assert/strict';

import { test } from './harness.mjs';

const DOCS = '/examples/docs-page.html';

/** Records CSP violations and which wasm files the page fetched. */
async function watchPage(t) {
  const wasm = [];
  t.page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  await t.page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`),
      true,
    );
  });
  return { wasm };
}

/** Pod names drawn in a widget, and whether all are Running. */
async function pods(t, id) {
  return t.page.locator(`#${id} [data-testid=pod]`).evaluateAll((els) => ({
    names: els.map((e) => e.dataset.pod).sort(),
    running: els.every((e) => e.dataset.status === 'Running'),
  }));
}

async function waitConverged(t, id, timeout = 20_000) {
  await t.page.locator(`#${id} [data-testid=converged]`).waitFor({ timeout });
}

async function status(t, id) {
  return t.page.$eval(`#${id}`, (el) => el.status);
}

export const tests = [
  test(
    'docs page: three widgets, each its own cluster; the far one waits until scrolled to; strict CSP holds',
    async (t) => {
      const { wasm } = await watchPage(t);
      await t.goto(DOCS);

      const csp = await t.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);

      await waitConverged(t, 'first-widget');
      await waitConverged(t, 'scale-widget');
      await t.page.waitForFunction(() =>
        ['first-widget', 'scale-widget'].every((id) =>
          [...document.getElementById(id).shadowRoot.querySelectorAll('[data-testid=pod]')].every(
            (p) => p.dataset.status === 'Running',
          ),
        ),
      );
      const first = await pods(t, 'first-widget');
      const scale = await pods(t, 'scale-widget');
      assert.equal(first.names.length, 2, `first widget: ${first.names}`);
      assert.ok(first.names.every((n) => n.startsWith('hello-')), `${first.names}`);
      assert.equal(scale.names.length, 4, `scale widget: ${scale.names}`);
      assert.ok(scale.names.every((n) => n.startsWith('api-')), `${scale.names}`);

      // The far widget has not started: a poster, no cluster, and no clock.
      assert.equal(await status(t, 'healing-widget'), 'waiting');
      assert.equal(await t.page.locator('#healing-widget [data-testid=app]').count(), 0);
      assert.equal(await t.page.$eval('#healing-widget', (el) => el.state()), null);
      // Its manifest is visible to readers as the slotted <pre> meanwhile.
      assert.match(await t.page.locator('#healing-widget pre[slot=manifest]').innerText(), /name: heal/);

      // Let the chips' entry animation finish before the picture.
      await t.page.waitForTimeout(400);
      await t.screenshot('docs-page');

      // Space on the host page belongs to the host page (it scrolls): no widget pauses.
      await t.page.locator('h1').click();
      await t.page.keyboard.press('Space');
      assert.equal(await t.page.locator('#first-widget [data-testid=play]').getAttribute('aria-pressed'), 'true');
      await t.page.waitForFunction(() => window.scrollY > 0);

      // The goal widget: scaling meets the goal, announced in its aria-live region; a
      // command the widget does not allow is refused; the other widget is untouched.
      assert.equal(await t.page.locator('#scale-widget [data-testid=widget-goal]').getAttribute('data-met'), 'false');
      await t.page.evaluate(() => {
        window.__goals = [];
        document.getElementById('scale-widget').addEventListener('kubeplay:goal', (e) => window.__goals.push(e.detail));
      });
      const input = t.page.locator('#scale-widget [data-testid=console-input]');
      await input.fill('kubectl delete deployment api');
      await input.press('Enter');
      await t.page.locator('#scale-widget [data-testid=console-output]').getByText('allows only these commands').waitFor();
      await input.fill('kubectl scale deployment api --replicas=5');
      await input.press('Enter');
      await t.page.locator('#scale-widget [data-testid=widget-goal][data-met=true]').waitFor({ timeout: 15_000 });
      await t.page.waitForFunction(() => window.__goals.some((g) => g.met && g.goal === 'deployment api: available 5'));
      assert.match(await t.page.locator('#scale-widget [data-testid=goal-announce]').innerText(), /Goal met: deployment api/);
      const firstAfter = await pods(t, 'first-widget');
      assert.deepEqual(firstAfter.names, first.names, 'the first widget never saw the other one\'s commands');

      // Scrolled to, the far widget starts and converges; the first one pauses.
      const started = Date.now();
      await t.page.locator('#healing-widget').scrollIntoViewIfNeeded();
      await waitConverged(t, 'healing-widget');
      const ms = Date.now() - started;
      const heal = await pods(t, 'healing-widget');
      assert.ok(heal.names.length === 3 && heal.names.every((n) => n.startsWith('heal-')), `${heal.names}`);
      assert.equal(await status(t, 'first-widget'), 'paused');
      const clock = () => t.page.locator('#first-widget [data-testid=clock]').innerText();
      const before = await clock();
      await t.page.waitForTimeout(600);
      assert.equal(await clock(), before, 'a widget scrolled far away does not advance');
      console.log(`      (far widget: scrolled into view to converged in ${ms} ms)`);

      assert.equal(new Set(wasm).size, 1, `one wasm for the page, fetched once: ${wasm}`);
      assert.deepEqual(await t.page.evaluate(() => window.__csp), []);
    },
    { timeoutMs: 60_000 },
  ),

  test('a widget with bad attributes says why, and unknown ones are ignored', async (t) => {
    await t.goto(DOCS);
    await t.page.evaluate(() => {
      const el = document.createElement('k8s-playground');
      el.id = 'bad';
      el.setAttribute('start', 'eager');
      el.setAttribute('seed', 'many');
      el.setAttribute('panels', 'cluster,terminal');
      el.setAttribute('data-whatever', 'x');
      window.__errors = [];
      el.addEventListener('kubeplay:error', (e) => window.__errors.push(e.detail.message));
      document.querySelector('main').prepend(el);
    });
    const notices = t.page.locator('#bad [data-testid=notices]');
    await notices.waitFor();
    const text = await notices.innerText();
    assert.match(text, /seed="many"/);
    assert.match(text, /"terminal" is not a panel/);
    assert.equal((await t.page.evaluate(() => window.__errors)).length, 2);
    await waitConverged(t, 'bad');
  }),

  test('a widget removed from the page stops cleanly; one moved keeps its cluster', async (t) => {
    await t.goto(DOCS);
    await waitConverged(t, 'first-widget');
    // Moved: disconnected and connected again in one task, the same cluster goes on.
    const before = await pods(t, 'first-widget');
    await t.page.evaluate(() => {
      const el = document.getElementById('first-widget');
      document.querySelector('main').prepend(el);
    });
    await t.page.waitForTimeout(300);
    assert.equal(await status(t, 'first-widget'), 'running');
    assert.deepEqual((await pods(t, 'first-widget')).names, before.names);
    // Removed: its timers stop with it (a tick after disposal would throw), and the other
    // widgets go on.
    await t.page.evaluate(() => {
      window.__removed = document.getElementById('first-widget');
      window.__removed.remove();
    });
    await t.page.waitForTimeout(800);
    assert.equal(await t.page.evaluate(() => window.__removed.status), 'removed');
    assert.equal(await t.page.evaluate(() => window.__removed.state()), null);
    const clock = () => t.page.locator('#scale-widget [data-testid=clock]').innerText();
    const a = await clock();
    await t.page.waitForTimeout(1200);
    assert.notEqual(await clock(), a, 'the other widget still runs');
  }),

  test('a widget can start a lesson: its goals, checked as the cluster changes', async (t) => {
    await t.goto(DOCS);
    await t.page.evaluate(() => {
      const el = document.createElement('k8s-playground');
      el.id = 'lesson';
      el.setAttribute('start', 'eager');
      el.setAttribute('lesson', 'self-healing');
      el.setAttribute('panels', 'cluster,console');
      document.querySelector('main').prepend(el);
    });
    await t.page.locator('#lesson [data-testid=lesson][data-lesson=self-healing]').waitFor();
    assert.ok((await t.page.locator('#lesson [data-testid=goal]').count()) > 0);
    assert.equal(await t.page.locator('#lesson [data-testid=editor-panel]').count(), 0);
  }),

  test('start=click shows a poster until clicked; keys stay inside the widget; theme=auto follows the host', async (t) => {
    await t.goto(DOCS);
    await waitConverged(t, 'first-widget');
    await t.page.evaluate(() => {
      const el = document.createElement('k8s-playground');
      el.id = 'click';
      el.setAttribute('start', 'click');
      el.setAttribute('seed', '9');
      document.querySelector('main').prepend(el);
    });
    const button = t.page.locator('#click .kp-start');
    await button.waitFor();
    assert.equal(await status(t, 'click'), 'waiting');
    await t.page.waitForTimeout(500);
    assert.equal(await t.page.locator('#click [data-testid=app]').count(), 0, 'nothing runs before the click');
    await button.click();
    await waitConverged(t, 'click');

    // The editor inside a shadow root: Tab indents, Escape then Tab leaves (and says so).
    const editor = t.page.locator('#first-widget [data-testid=editor-input]');
    await editor.click();
    await t.page.keyboard.press('Control+End');
    await t.page.keyboard.press('Tab');
    assert.match(await editor.inputValue(), / {2}$/, 'Tab typed two spaces');
    await t.page.keyboard.press('Escape');
    assert.match(await t.page.locator('#first-widget .editor-panel').innerText(), /Tab now leaves the editor/);
    await t.page.keyboard.press('Tab');
    assert.equal(
      await t.page.$eval('#first-widget', (el) => el.shadowRoot.activeElement?.dataset.testid ?? null) === 'editor-input',
      false,
      'focus left the editor',
    );
    // Space with focus inside a widget pauses that widget only.
    await t.page.locator('#first-widget [data-testid=cluster]').click({ position: { x: 5, y: 5 } });
    await t.page.keyboard.press('Space');
    assert.equal(await t.page.locator('#first-widget [data-testid=play]').getAttribute('aria-pressed'), 'false');
    assert.equal(await t.page.locator('#scale-widget [data-testid=play]').getAttribute('aria-pressed'), 'true');

    // theme=auto reads the host page, not the OS; theme=light stays light.
    const theme = (id) => t.page.$eval(`#${id}`, (el) => el.shadowRoot.querySelector('.kp-frame').dataset.theme);
    await t.page.emulateMedia({ colorScheme: 'dark' });
    await t.page.waitForTimeout(100);
    assert.equal(await theme('first-widget'), 'light', 'a light page in a dark OS keeps light widgets');
    await t.page.evaluate(() => {
      document.body.style.setProperty('background', '#101418');
    });
    await t.page.waitForFunction(() =>
      document.getElementById('first-widget').shadowRoot.querySelector('.kp-frame').dataset.theme === 'dark',
    );
    assert.equal(await theme('scale-widget'), 'light');
  }),

  test('embed.html answers postMessage from its parent only', async (t) => {
    // Two origins on one server: the frame on 127.0.0.1, its parent on localhost. The
    // parent is any plain document of the server (no CSP of its own) that the test
    // scripts; a page fulfilled by Playwright would be refused by Chromium's local
    // network access checks when it frames 127.0.0.1.
    const frameOrigin = new URL(t.baseUrl).origin;
    const parentOrigin = frameOrigin.replace('127.0.0.1', 'localhost');
    const plain = '/examples/docs-page.css';
    const frameUrl = `${frameOrigin}/embed.html#seed=5&panels=cluster,console&start=eager`;
    // A plain document asks for /favicon.ico, which dist/ does not have.
    t.allowConsoleError(/favicon\.ico/);
    t.allowFailedRequest(/favicon\.ico/);
    await t.page.goto(`${parentOrigin}${plain}`);
    await t.page.evaluate(
      ([src, frameOrigin]) =>
        new Promise((resolve) => {
          window.received = [];
          addEventListener('message', (e) => {
            if (e.origin === frameOrigin) window.received.push(e.data);
          });
          const f = document.createElement('iframe');
          f.id = 'kp';
          f.width = 900;
          f.height = 520;
          f.src = src;
          f.onload = resolve;
          document.body.append(f);
        }),
      [frameUrl, frameOrigin],
    );
    const frame = t.page.frameLocator('#kp');
    await frame.locator('[data-testid=converged]').waitFor({ timeout: 20_000 });

    // Someone else's frames, one on the parent's origin (another window) and one on
    // another origin, try the handshake and a command before the parent says hello.
    const intruders = [];
    for (const origin of [parentOrigin, frameOrigin]) {
      const name = `intruder-${intruders.length}`;
      await t.page.evaluate(
        ([src, name]) =>
          new Promise((resolve) => {
            const f = document.createElement('iframe');
            f.name = name;
            f.src = src;
            f.onload = resolve;
            document.body.append(f);
          }),
        [`${origin}${plain}`, name],
      );
      const intruder = t.page.frame({ name });
      await intruder.evaluate(() => {
        window.got = [];
        addEventListener('message', (e) => window.got.push(e.data));
        const target = parent.frames[0];
        const send = (m) => target.postMessage({ ns: 'kubeplay', v: 1, ...m }, '*');
        send({ type: 'hello', id: 90 });
        send({ type: 'command', id: 91, payload: { line: 'kubectl scale deployment web --replicas=1' } });
      });
      intruders.push(intruder);
    }
    await t.page.waitForTimeout(300);
    assert.deepEqual(await t.page.evaluate(() => window.received), [], 'nothing is posted before the hello');

    const send = (m) =>
      t.page.evaluate(
        ([m, origin]) => document.getElementById('kp').contentWindow.postMessage({ ns: 'kubeplay', v: 1, ...m }, origin),
        [m, frameOrigin],
      );
    const reply = (type, id) =>
      t.page
        .waitForFunction(([type, id]) => window.received.find((m) => m.type === type && m.id === id), [type, id], {
          timeout: 10_000,
        })
        .then((h) => h.jsonValue());

    await send({ type: 'hello', id: 1 });
    const hello = await reply('hello', 1);
    assert.equal(hello.ns, 'kubeplay');
    assert.equal(hello.v, 1);
    await send({ type: 'command', id: 2, payload: { line: 'kubectl get deployment web' } });
    const answer = await reply('command', 2);
    assert.equal(answer.payload.ok, true);
    assert.match(answer.payload.output, /web\s+3\/3/, answer.payload.output);

    // The events queued before the hello arrived after it, in the message format.
    const types = await t.page.evaluate(() => window.received.map((m) => m.type));
    assert.ok(types.includes('ready'), `${types}`);
    // Pausing and resuming through messages is reported as `state` events.
    await send({ type: 'pause' });
    const paused = await t.page.waitForFunction(
      () => window.received.find((m) => m.type === 'state' && m.id === null && m.payload.running === false),
      null,
      { timeout: 10_000 },
    );
    assert.equal((await paused.jsonValue()).payload.converged, true);
    // The intruders were neither answered nor obeyed.
    for (const m of await t.page.evaluate(() => window.received)) {
      assert.ok(![90, 91].includes(m.id), `answered an intruder: ${JSON.stringify(m)}`);
    }
    for (const intruder of intruders) assert.deepEqual(await intruder.evaluate(() => window.got), []);
    assert.doesNotMatch(await frame.locator('[data-testid=console-output]').innerText(), /replicas=1/);
    assert.equal(await frame.locator('[data-testid=pod]').count(), 3);

    // A message from another origin after the handshake is ignored too.
    await intruders[1].evaluate(() =>
      parent.frames[0].postMessage({ ns: 'kubeplay', v: 1, type: 'command', id: 92, payload: { line: 'node fail node-1' } }, '*'),
    );
    await send({ type: 'state', id: 3 });
    await reply('state', 3);
    assert.doesNotMatch(await frame.locator('[data-testid=console-output]').innerText(), /node fail/);
  }),
];
