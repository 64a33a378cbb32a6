// The Graph tab: the starter cluster as Deployment -> ReplicaSet -> Pods -> Nodes with
// its Service, and a click on a box selects that object everywhere.
import assert from 'node:assert/strict';

import { test } from './harness.mjs';

/** Names of the boxes of `kind` drawn in the graph. */
async function boxes(t, kind) {
  return t.page.locator(`[data-testid=graph-node][data-kind=${kind}]`).evaluateAll((els) => els.map((e) => e.dataset.name));
}

export const tests = [
  test('graph: the starter Deployment, its ReplicaSet, three pods and the nodes; a click inspects a pod', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await t.byTestId('tab-graph').click();
    await t.waitForTestId('graph');
    await t.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=graph-node][data-kind=Pod]')].filter((e) => /Running/.test(e.getAttribute('aria-label'))).length === 3,
      null,
      { timeout: 15_000 },
    );
    assert.deepEqual(await boxes(t, 'Deployment'), ['web']);
    assert.deepEqual(await boxes(t, 'Service'), ['web']);
    const rs = await boxes(t, 'ReplicaSet');
    assert.equal(rs.length, 1);
    assert.match(rs[0], /^web-[a-z0-9]+$/);
    const pods = await boxes(t, 'Pod');
    assert.equal(pods.length, 3);
    assert.deepEqual((await boxes(t, 'Node')).sort(), ['node-1', 'node-2', 'node-3']);
    // Pods are the ones the cluster panel draws.
    const chips = await t.page.locator('[data-testid=pod]').evaluateAll((els) => els.map((e) => e.dataset.pod));
    assert.deepEqual([...pods].sort(), [...chips].sort());
    // Edges: 1 + 3 ownerships, 3 selected pods, 3 placements.
    assert.equal(await t.page.locator('svg.graph path.edge').count(), 10);

    await t.page.waitForTimeout(300);
    await t.screenshot('graph');

    // Keyboard: the boxes are focusable buttons with a label.
    const pod = t.page.locator(`[data-testid=graph-node][data-name="${pods[1]}"]`);
    assert.equal(await pod.getAttribute('tabindex'), '0');
    assert.match(await pod.getAttribute('aria-label'), new RegExp(`^Pod ${pods[1]}: Running`));
    await pod.click();
    assert.match(await t.byTestId('inspect').innerText(), new RegExp(`Name:\\s+${pods[1]}`));
    assert.equal(await t.page.locator(`[data-testid=pod][data-pod="${pods[1]}"]`).getAttribute('class').then((c) => c.includes('selected')), true, 'the chip is selected too');
    // Back in the graph the box is marked, and Enter selects another object.
    await t.byTestId('tab-graph').click();
    await t.page.locator('[data-testid=graph-node].selected').first().waitFor();
    assert.equal(await t.page.locator('[data-testid=graph-node].selected').getAttribute('data-name'), pods[1]);
    await t.page.locator('[data-testid=graph-node][data-kind=Node][data-name=node-2]').focus();
    await t.page.keyboard.press('Enter');
    assert.match(await t.byTestId('inspect').innerText(), /Name:\s+node-2/);
    // Arrow keys walk the graph like a table: Deployment -> ReplicaSet -> a pod -> the next pod.
    await t.byTestId('tab-graph').click();
    await t.page.locator('[data-testid=graph-node][data-kind=Deployment]').focus();
    const focused = () => t.page.evaluate(() => document.activeElement?.getAttribute('data-kind'));
    await t.page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'ReplicaSet');
    await t.page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'Pod');
    const first = await t.page.evaluate(() => document.activeElement.getAttribute('data-name'));
    await t.page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Pod');
    assert.notEqual(await t.page.evaluate(() => document.activeElement.getAttribute('data-name')), first);
  }),
];
