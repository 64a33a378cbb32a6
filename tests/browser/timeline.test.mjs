// Time travel: the timeline under the cluster goes back to any moment (the whole page
// shows the cluster as it was), steps one controller action at a time (also inside a
// console line that runs the clock, such as `kubectl rollout status`), and acting in
// the past starts a new branch while the old future is kept.
import assert from 'node:assert/strict';

import { test } from './harness.mjs';

async function podNames(t) {
  return t.page.$$eval('[data-testid=pod]', (pods) => pods.map((p) => p.dataset.pod).sort());
}

/** Pod names with their drawn status. */
async function podStates(t) {
  return t.page.$$eval('[data-testid=pod]', (pods) => pods.map((p) => `${p.dataset.pod} ${p.dataset.status}`).sort());
}

async function waitForRunningPods(t, n, timeoutMs = 20_000) {
  await t.page.waitForFunction(
    (n) => {
      const pods = [...document.querySelectorAll('[data-testid=pod]')];
      return pods.length === n && pods.every((p) => p.dataset.status === 'Running');
    },
    n,
    { timeout: timeoutMs },
  );
}

async function run(t, line) {
  const input = t.byTestId('console-input');
  await input.fill(line);
  await input.press('Enter');
}

/** The ReplicaSet of each drawn pod (`web-HASH-xxxxx`) with its status. */
async function podRevisions(t) {
  return t.page.$$eval('[data-testid=pod]', (pods) =>
    pods.map((p) => ({ rs: p.dataset.pod.replace(/-[^-]+$/, ''), status: p.dataset.status })),
  );
}

/** Who acted at the moment shown (`replicaset-controller`, `you`), empty for now. */
async function shownBy(t) {
  const by = t.page.locator('[data-testid=tl-label] .tl-by');
  return (await by.count()) ? by.innerText() : '';
}

export const tests = [
  test('drag the timeline back: the older pod set is shown, then step and return to now', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await waitForRunningPods(t, 3);
    await t.byTestId('speed').selectOption('5');
    const before = await podNames(t);
    const beforeStates = await podStates(t);
    await run(t, 'kubectl delete pod --all');
    await t.page.waitForFunction(
      (old) => {
        const pods = [...document.querySelectorAll('[data-testid=pod]')];
        const names = pods.map((p) => p.dataset.pod);
        return pods.length === 3 && pods.every((p) => p.dataset.status === 'Running') && names.every((n) => !old.includes(n));
      },
      before,
      { timeout: 20_000 },
    );
    const after = await podNames(t);
    assert.notDeepEqual(after, before);

    // Drag to the moment just before the delete (a user action, marked on the track).
    const range = t.byTestId('tl-range');
    const target = await t.page.evaluate(() => {
      const marks = [...document.querySelectorAll('.tl-mark')];
      return marks.map((m) => m.title);
    });
    assert.ok(target.some((m) => /kubectl delete pod --all/.test(m)), `marks: ${target}`);
    // Walk back with the arrow keys from the present until the old pods are shown.
    await range.focus();
    let shown = await podStates(t);
    for (let i = 0; i < 400 && JSON.stringify(shown) !== JSON.stringify(beforeStates); i++) {
      await range.press('ArrowLeft');
      shown = await podStates(t);
    }
    assert.deepEqual(shown, beforeStates, 'the Running pods from before the delete are drawn again');
    await t.waitForTestId('tl-past');
    assert.equal(await t.byTestId('play').getAttribute('aria-pressed'), 'false', 'travelling pauses the clock');
    assert.match(await t.byTestId('tl-label').innerText(), /\d\d:\d\d/);

    // One step forward is the delete itself: a user action.
    await t.byTestId('tl-forward').click();
    assert.match(await t.byTestId('tl-label').innerText(), /you\s+kubectl delete pod --all/);
    assert.deepEqual(await podNames(t), before, 'deleted pods are still drawn, Terminating');
    // The next step is a controller reacting to it at the same instant: the
    // ReplicaSet creates the replacements.
    await t.byTestId('tl-forward').click();
    assert.match(await t.byTestId('tl-label').innerText(), /replicaset-controller\s+ReplicaSet web-\w+ wants 3 pods and has 0/);
    await t.waitForTestId('tl-past');
    await t.screenshot('timeline-past');

    await t.byTestId('tl-now').click();
    assert.deepEqual(await podNames(t), after);
    assert.equal(await t.byTestId('tl-past').count(), 0);
  }),

  test('acting in the past starts a branch; the old future can be switched back to', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await waitForRunningPods(t, 3);
    await t.byTestId('speed').selectOption('5');
    await run(t, 'kubectl scale deployment web --replicas=5');
    await waitForRunningPods(t, 5);
    // Back to the first moment after the scale command.
    const range = t.byTestId('tl-range');
    await range.focus();
    for (let i = 0; i < 400; i++) {
      if (/kubectl scale deployment web --replicas=5/.test(await t.byTestId('tl-label').innerText())) break;
      await range.press('ArrowLeft');
    }
    await range.press('ArrowLeft');
    assert.equal(await t.page.locator('[data-testid=pod]').count(), 3, 'three pods before the scale');
    // Acting here branches: scale to 2 instead.
    await run(t, 'kubectl scale deployment web --replicas=2');
    await t.waitForTestId('tl-branch');
    assert.match(await t.byTestId('tl-branch').innerText(), /old future/);
    await t.byTestId('play').click();
    await waitForRunningPods(t, 2);
    await t.byTestId('tl-switch').click();
    await waitForRunningPods(t, 5);
    await t.byTestId('tl-discard').click();
    assert.equal(await t.byTestId('tl-branch').count(), 0);
  }),

  test('kubectl rollout status is a run of moments: step back through the rollout, then return to now', async (t) => {
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await waitForRunningPods(t, 3);
    // Pause the clock, so the whole rollout happens inside `rollout status`.
    if ((await t.byTestId('play').getAttribute('aria-pressed')) === 'true') await t.byTestId('play').click();
    const [oldRs] = [...new Set((await podRevisions(t)).map((p) => p.rs))];
    const editor = t.byTestId('editor-input');
    await editor.fill((await editor.inputValue()).replace('nginx:1.27', 'nginx:1.28'));
    await t.byTestId('apply').click();
    assert.match(await t.byTestId('apply-output').innerText(), /deployment\.apps\/web configured/);
    const appliedAt = await t.page.locator('[data-testid=console-entry] [data-testid=console-at]').last().innerText();
    await run(t, 'kubectl rollout status deployment/web');
    const out = t.page.locator('[data-testid=console-entry]').last();
    await t.page.waitForFunction(() =>
      /successfully rolled out/.test([...document.querySelectorAll('[data-testid=console-entry]')].at(-1)?.innerText ?? ''),
    );
    assert.match(await out.innerText(), /kubectl rollout status deployment\/web/);
    assert.match(await out.innerText(), /Waiting for deployment "web" rollout to finish/);
    const now = await podNames(t);
    const newRs = (await podRevisions(t)).find((p) => p.rs !== oldRs && p.status === 'Running')?.rs;
    assert.ok(newRs, `a Running pod of the new revision at now: ${now}`);

    // Back to the line's own moment (the cluster after it); before it come the
    // controller actions inside it, newest first.
    for (let i = 0; i < 5; i++) {
      await t.byTestId('tl-back').click();
      if (/you\s+kubectl rollout status deployment\/web/.test(await t.byTestId('tl-label').innerText())) break;
    }
    assert.match(await t.byTestId('tl-label').innerText(), /you\s+kubectl rollout status deployment\/web/);
    const seen = new Set();
    let both = false;
    for (let i = 0; i < 200 && !both; i++) {
      await t.byTestId('tl-back').click();
      const at = await t.page.locator('[data-testid=tl-label] .tl-at').innerText();
      // Later than the apply: the clock was paused, so only the line ran it.
      assert.ok(at > appliedAt, `moment at ${at} is inside the line (applied at ${appliedAt})`);
      const by = await shownBy(t);
      assert.notEqual(by, 'you', 'inside the line, every moment is a controller action');
      seen.add(by);
      const pods = await podRevisions(t);
      // An intermediate pod set: the new revision's pods beside old ones still serving.
      both = pods.some((p) => p.rs === newRs) && pods.some((p) => p.rs === oldRs && p.status !== 'Terminating');
    }
    assert.ok(both, 'old and new revision pods are drawn together at a moment inside the rollout');
    assert.ok(seen.has('deployment-controller'), `moments by: ${[...seen]}`);
    assert.ok(seen.has('replicaset-controller'), `moments by: ${[...seen]}`);
    await t.waitForTestId('tl-past');
    assert.match(await t.byTestId('tl-past').innerText(), /moment \d+ of \d+/);
    await t.screenshot('timeline-inside-rollout');

    await t.byTestId('tl-now').click();
    assert.equal(await t.byTestId('tl-past').count(), 0);
    assert.deepEqual(await podNames(t), now);
  }),
];
