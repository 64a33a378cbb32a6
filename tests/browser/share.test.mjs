// Share links: a link rebuilds the same cluster in another browser (same seed and log,
// same pod names) with the console that built it (same commands, outputs and times); so
// does a session file, and "Restore my session" brings one's own console back; a
// damaged link says so and leaves a working, empty sandbox.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';

import { test, PageTest, VIEWPORT } from './harness.mjs';

/** Pod names the cluster panel draws, sorted. */
async function podNames(page) {
  const names = await page.locator('[data-testid=pod]').evaluateAll((els) => els.map((e) => e.dataset.pod));
  return names.sort();
}

/** Waits until `n` pods are drawn, all Running. */
async function waitForRunning(page, n) {
  await page.waitForFunction(
    (n) => {
      const pods = [...document.querySelectorAll('[data-testid=pod]')];
      return pods.length === n && pods.every((p) => p.dataset.status === 'Running');
    },
    n,
    { timeout: 20_000 },
  );
}

/** The console's entries, oldest first: command, simulated time and output as shown. */
async function consoleEntries(page) {
  return page.locator('[data-testid=console-entry]').evaluateAll((els) =>
    els.map((e) => ({
      command: e.querySelector('[data-testid=console-command]').textContent,
      at: e.querySelector('[data-testid=console-at]').textContent,
      output: e.querySelector('[data-testid=console-out]')?.textContent ?? '',
    })),
  );
}

const SCALE = 'kubectl scale deployment web --replicas=5';

/** The session file Share offers for a long link, made from a link (`#s1.` + base64url
 * of raw deflate of the JSON): the same JSON with `"v": 1`. */
function sessionFile(link) {
  const packed = Buffer.from(link.split('#s1.')[1], 'base64url');
  const json = JSON.parse(zlib.inflateRawSync(packed).toString('utf8'));
  return {
    name: 'kubeplay-session.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ v: 1, ...json })),
  };
}

/** Runs a console line and waits until its entry is shown. */
async function typeLine(t, line) {
  const before = await t.page.locator('[data-testid=console-entry]').count();
  await t.byTestId('console-input').fill(line);
  await t.byTestId('console-input').press('Enter');
  await t.page.locator('[data-testid=console-entry]').nth(before).waitFor();
}

/** A page in a fresh browser context (its own storage), checked like the test's page. */
async function freshPage(t) {
  const context = await t.page.context().browser().newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  return { context, other: new PageTest(page, { baseUrl: t.baseUrl, name: `${t.name} (other)` }) };
}

export const tests = [
  test('share: a link opened in another browser shows the same pods and console', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await t.byTestId('console-input').fill(SCALE);
    await t.byTestId('console-input').press('Enter');
    await waitForRunning(t.page, 5);
    // Pause, so both pages can be compared at rest.
    await t.byTestId('play').click();
    await t.byTestId('share').click();
    const dialog = await t.waitForTestId('share-dialog');
    const link = await t.byTestId('share-link').inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[^#]*#s1\.[A-Za-z0-9_-]+$/);
    assert.ok(link.length < 8000, `${link.length} characters`);
    assert.match(await dialog.innerText(), /characters/);
    const names = await podNames(t.page);
    assert.equal(names.length, 5);
    const entries = await consoleEntries(t.page);
    assert.deepEqual(
      entries.map((e) => e.command),
      ['kubectl apply -f editor.yaml', SCALE],
    );
    assert.equal(entries[1].output, 'deployment.apps/web scaled\n');

    const { context, other } = await freshPage(t);
    try {
      await other.goto(link);
      await other.waitForTestId('notices');
      assert.match(await other.byTestId('notices').innerText(), /Opened a shared session/);
      await waitForRunning(other.page, 5);
      assert.deepEqual(await podNames(other.page), names, 'same seed and log, same pod names');
      // The console shows the lines that built the session, each with the output and
      // the simulated time it had in the page that made it.
      const shown = await consoleEntries(other.page);
      assert.deepEqual(shown, entries);
      assert.equal(shown[1].command, SCALE);
      assert.equal(shown[1].output, 'deployment.apps/web scaled\n');
      // The console line is in the input history.
      await other.byTestId('console-input').press('ArrowUp');
      assert.equal(await other.byTestId('console-input').inputValue(), SCALE);
      // The fragment is gone from the address bar, so a reload does not import again.
      assert.equal(new URL(other.page.url()).hash, '');
      other.assertClean();
    } finally {
      await context.close().catch(() => {});
    }
  }),

  test('share: a session file opens with its console; Restore my session brings back your own', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await typeLine(t, 'kubectl scale deployment web --replicas=2');
    await t.byTestId('share').click();
    const file = sessionFile(await t.byTestId('share-link').inputValue());
    const shared = await consoleEntries(t.page);
    await t.byTestId('share').click();
    // Later work of one's own, then someone else's session from a file.
    await typeLine(t, 'kubectl get nodes');
    const own = await consoleEntries(t.page);
    await t.byTestId('share').click();
    await t.byTestId('share-open-file').setInputFiles(file);
    await t.page.getByText('Opened a shared session from the file').waitFor();
    assert.deepEqual(await consoleEntries(t.page), shared);
    assert.equal(shared[1].output, 'deployment.apps/web scaled\n');
    // Restore: the saved console, as it was.
    await t.byTestId('share').click();
    await t.byTestId('share-restore').click();
    await t.page.getByText('Your own session is back.').waitFor();
    assert.deepEqual(await consoleEntries(t.page), own);
  }),

  test('share: a damaged link says what is wrong and starts an empty sandbox', async (t) => {
    await t.goto('/#s1.@@@');
    const notices = await t.waitForTestId('notices');
    assert.match(await notices.innerText(), /share link is damaged: not valid base64 at character 4/);
    assert.match(await notices.innerText(), /empty sandbox/);
    assert.equal(new URL(t.page.url()).hash, '');
    // No workloads, and the page works: the console runs and the editor applies.
    assert.equal(await t.page.locator('[data-testid=pod]').count(), 0);
    assert.equal(await t.page.locator('[data-testid=node]').count(), 3);
    await t.byTestId('console-input').fill('kubectl get nodes');
    await t.byTestId('console-input').press('Enter');
    await t.page.getByText('node-3').first().waitFor();
    await t.byTestId('apply').click();
    await waitForRunning(t.page, 3);
    await t.screenshot('share-damaged');
  }),

  test('share: a link from a newer kubeplay is refused in words', async (t) => {
    await t.goto('/#s9.AAAA');
    const notices = await t.waitForTestId('notices');
    assert.match(await notices.innerText(), /newer kubeplay \(version 9\)/);
  }),
];
