// Share links: a link rebuilds the same cluster in another browser (same seed and log,
// same pod names); a damaged link says so and leaves a working, empty sandbox.
import assert from 'node:assert/strict';

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

/** A page in a fresh browser context (its own storage), checked like the test's page. */
async function freshPage(t) {
  const context = await t.page.context().browser().newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  return { context, other: new PageTest(page, { baseUrl: t.baseUrl, name: `${t.name} (other)` }) };
}

export const tests = [
  test('share: a link opened in another browser shows the same pods', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await t.byTestId('console-input').fill('kubectl scale deployment web --replicas=5');
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

    const { context, other } = await freshPage(t);
    try {
      await other.goto(link);
      await other.waitForTestId('notices');
      assert.match(await other.byTestId('notices').innerText(), /Opened a shared session/);
      await waitForRunning(other.page, 5);
      assert.deepEqual(await podNames(other.page), names, 'same seed and log, same pod names');
      // The fragment is gone from the address bar, so a reload does not import again.
      assert.equal(new URL(other.page.url()).hash, '');
      other.assertClean();
    } finally {
      await context.close().catch(() => {});
    }
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
