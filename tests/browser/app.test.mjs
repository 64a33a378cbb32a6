// The first page test: the built page loads and the Leptos app mounts.
import assert from 'node:assert/strict';

import { test } from './harness.mjs';

export const tests = [
  test('the app mounts with no console error and no failed request', async (t) => {
    await t.goto('/');
    const app = await t.waitForTestId('app');
    assert.equal(await app.count(), 1, 'exactly one element has data-testid="app"');
    assert.equal(await t.page.title(), 'kubeplay');
    // Let every request the page started (wasm, JS glue, CSS) finish, so a
    // late failure is caught by the automatic clean-page check.
    await t.waitForNetworkIdle();
    await t.screenshot('app-mounted');
    t.assertClean();
  }),
];
