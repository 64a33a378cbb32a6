// The playground page, as a learner uses it: the first cluster converges, the editor
// applies (button and Ctrl+Enter), YAML errors are marked at their line, a clicked pod
// is deleted and replaced, the console runs kubectl, and a reload keeps the work.
import assert from 'node:assert/strict';

import { test } from './harness.mjs';

/** Pods drawn with `status` (all pods when omitted). */
async function podCount(t, status) {
  const selector = status ? `[data-testid=pod][data-status="${status}"]` : '[data-testid=pod]';
  return t.page.locator(selector).count();
}

/** Waits until exactly `n` pods are drawn Running and no other pod is drawn. */
async function waitForRunningPods(t, n, timeoutMs = 15_000) {
  await t.page.waitForFunction(
    (n) => {
      const pods = [...document.querySelectorAll('[data-testid=pod]')];
      return pods.length === n && pods.every((p) => p.dataset.status === 'Running');
    },
    n,
    { timeout: timeoutMs },
  );
}

/** Opens the page on a fresh session and waits for the first cluster to converge. */
async function openConverged(t) {
  await t.goto('/');
  await t.waitForTestId('converged', { timeoutMs: 15_000 });
  await waitForRunningPods(t, 3);
}

/** Replaces the editor text, as typing would (input events fire). */
async function setEditor(t, text) {
  await t.byTestId('editor-input').fill(text);
}

async function editorText(t) {
  return t.byTestId('editor-input').inputValue();
}

async function setSpeed(t, speed) {
  await t.byTestId('speed').selectOption(String(speed));
}

export const tests = [
  test('first load: the starter cluster converges to three Running pods', async (t) => {
    const started = Date.now();
    await t.goto('/');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    const ms = Date.now() - started;
    await waitForRunningPods(t, 3);
    assert.equal(await t.page.locator('[data-testid=node]').count(), 3, 'three node lanes');
    const workload = t.byTestId('workload');
    assert.equal(await workload.getAttribute('data-health'), 'Converged');
    assert.match(await t.byTestId('workload-why').innerText(), /Actual matches desired: 3 of 3/);
    assert.match(await t.byTestId('service').innerText(), /3 ready pods/);
    console.log(`      (first converged cluster drawn ${ms} ms after navigation)`);
    // Let the chips' brief entry animation finish before the picture.
    await t.page.waitForTimeout(400);
    await t.screenshot('converged');
  }),

  test('a changed replica count shows its diff, applies with the button, and pods appear', async (t) => {
    await openConverged(t);
    await setSpeed(t, 5);
    await setEditor(t, (await editorText(t)).replace('replicas: 3', 'replicas: 5'));
    const diff = t.byTestId('apply-diff');
    await t.page.waitForFunction(() => /spec\.replicas\s*3\s*→\s*5/.test(document.querySelector('[data-testid=apply-diff]').innerText));
    assert.match(await diff.innerText(), /deployment\.apps\/web\s*will change/);
    await t.byTestId('apply').click();
    assert.match(await t.byTestId('apply-output').innerText(), /deployment\.apps\/web configured/);
    await waitForRunningPods(t, 5);
    await t.waitForTestId('converged');
  }),

  test('Ctrl+Enter in the editor applies', async (t) => {
    await openConverged(t);
    await setSpeed(t, 5);
    await setEditor(t, (await editorText(t)).replace('replicas: 3', 'replicas: 2'));
    await t.byTestId('editor-input').press('Control+Enter');
    await t.page.waitForFunction(() => /configured/.test(document.querySelector('[data-testid=apply-output]')?.innerText ?? ''));
    await waitForRunningPods(t, 2);
  }),

  test('a YAML error is marked at its line with the message and path', async (t) => {
    await openConverged(t);
    await setEditor(t, (await editorText(t)).replace('replicas: 3', 'replicas: three'));
    const problem = t.byTestId('editor-problem');
    await problem.first().waitFor({ timeout: 5_000 });
    assert.equal(await problem.count(), 1);
    assert.equal(await problem.getAttribute('data-line'), '9');
    const text = await problem.innerText();
    assert.match(text, /line 9/);
    assert.match(text, /invalid type: string "three", expected i32/);
    assert.match(text, /spec\.replicas/);
    // The gutter and the highlighted line carry the mark too.
    assert.equal(await t.page.locator('.gutter .ln.err').innerText(), '9');
    assert.match(await t.page.locator('.code-hl .line.err .line-msg').innerText(), /invalid type/);
    assert.match(await t.byTestId('problem-count').innerText(), /1 problem/);
    // Applying anyway reports kubectl's error and changes nothing.
    await t.byTestId('apply').click();
    assert.match(await t.byTestId('apply-output').innerText(), /error/);
    await t.screenshot('yaml-error');
    // Fixing it clears the mark.
    await setEditor(t, (await editorText(t)).replace('replicas: three', 'replicas: 3'));
    await problem.first().waitFor({ state: 'detached', timeout: 5_000 });
  }),

  test('Tab indents with spaces and undo works; Escape then Tab leaves the editor', async (t) => {
    await openConverged(t);
    const input = t.byTestId('editor-input');
    const before = await editorText(t);
    await input.focus();
    await t.page.evaluate(() => {
      const el = document.querySelector('[data-testid=editor-input]');
      el.setSelectionRange(0, 0);
    });
    await input.press('Tab');
    assert.equal(await editorText(t), `  ${before}`);
    await input.press('Control+z');
    assert.equal(await editorText(t), before);
    await input.press('Escape');
    await input.press('Tab');
    assert.notEqual(await t.page.evaluate(() => document.activeElement?.dataset?.testid), 'editor-input');
    assert.equal(await editorText(t), before);
  }),

  test('a pod deleted by clicking is replaced by its ReplicaSet', async (t) => {
    await openConverged(t);
    await setSpeed(t, 5);
    const first = t.page.locator('[data-testid=pod]').first();
    const name = await first.getAttribute('data-pod');
    await first.click();
    assert.match(await t.byTestId('inspect').innerText(), new RegExp(`Name:\\s+${name}`));
    // Watch for the chip's exit: it fades out in place before it is removed.
    await t.page.evaluate((name) => {
      window.__left = false;
      new MutationObserver(() => {
        if (document.querySelector(`[data-testid=pod-leaving][data-pod="${name}"]`)) window.__left = true;
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    }, name);
    await t.byTestId('inspect-delete').click();
    await t.page.waitForFunction(
      (name) => !document.querySelector(`[data-testid=pod][data-pod="${name}"]`),
      name,
      { timeout: 15_000 },
    );
    await waitForRunningPods(t, 3);
    const names = await t.page.locator('[data-testid=pod]').evaluateAll((els) => els.map((e) => e.dataset.pod));
    assert.ok(!names.includes(name), `${name} is gone, replaced by another pod`);
    assert.equal(await t.page.evaluate(() => window.__left), true, 'the deleted pod faded out');
  }),

  test('the console runs kubectl and the runner directives, with history', async (t) => {
    await openConverged(t);
    const input = t.byTestId('console-input');
    await input.fill('kubectl get pods');
    await input.press('Enter');
    const output = t.byTestId('console-output');
    await t.page.waitForFunction(() => /NAME\s+READY\s+STATUS/.test(document.querySelector('[data-testid=console-output]').innerText));
    assert.match(await output.innerText(), /web-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running/);
    await input.fill('node fail node-2');
    await input.press('Enter');
    await t.page.waitForFunction(() => /node-2/.test(document.querySelector('[data-testid=console-output]').innerText));
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'node fail node-2');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'kubectl get pods');
    await input.fill('kubectl get nodes');
    await input.press('Enter');
    await t.page.waitForFunction(() => /node-1\s+Ready/.test(document.querySelector('[data-testid=console-output]').innerText));
  }),

  test('a dry run prints a manifest the editor takes, and Undo brings the learner\'s text back', async (t) => {
    await openConverged(t);
    const mine = await editorText(t);
    const input = t.byTestId('console-input');
    await input.fill('kubectl create deployment api --image=nginx:1.27 --replicas=2 --dry-run=client -o yaml');
    await input.press('Enter');
    await t.page.waitForFunction(() => /creationTimestamp: null/.test(document.querySelector('[data-testid=console-output]').innerText));
    // Nothing was created: a client dry run only prints.
    assert.equal(await t.page.locator('[data-testid=pod]').count(), 3);
    await t.byTestId('console-to-editor').click();
    assert.match(await editorText(t), /^apiVersion: apps\/v1\nkind: Deployment\n/);
    assert.match(await editorText(t), /name: api/);
    assert.match(await t.byTestId('editor-replaced').innerText(), /--dry-run=client -o yaml/);
    await t.byTestId('editor-undo-replace').click();
    assert.equal(await editorText(t), mine, 'Undo restores the text exactly');
    assert.equal(await t.page.locator('[data-testid=editor-replaced]').count(), 0);
    // Taken again and applied: the generated manifest runs as it is.
    await t.byTestId('console-to-editor').click();
    // The preview follows text put in from outside, as it follows typing.
    await t.page.waitForFunction(() => /deployment\.apps\/api\s*will be created/.test(document.querySelector('[data-testid=apply-diff]').innerText));
    await t.screenshot('dry-run-to-editor');
    await t.byTestId('apply').click();
    await t.page.waitForFunction(() => /deployment\.apps\/api created/.test(document.querySelector('[data-testid=apply-output]')?.innerText ?? ''));
    assert.equal(await t.page.locator('[data-testid=editor-replaced]').count(), 0, 'Apply keeps the new text');
    await waitForRunningPods(t, 5);
  }, { timeoutMs: 40_000 }),

  test('kubectl get pods --watch runs the clock and prints a row per change', async (t) => {
    await openConverged(t);
    await t.byTestId('play').click(); // pause: only the watch moves time
    const input = t.byTestId('console-input');
    await input.fill('kubectl scale deployment web --replicas=5');
    await input.press('Enter');
    await input.fill('kubectl get pods -w');
    await input.press('Enter');
    await t.page.waitForFunction(() => /the watch stopped/.test(document.querySelector('[data-testid=console-output]').innerText));
    const out = await t.page.locator('[data-testid=console-out]').last().innerText();
    assert.match(out, /ContainerCreating/);
    const running = out.split('\n').filter((l) => /1\/1\s+Running/.test(l)).length;
    assert.ok(running >= 5, `rows for the pods that came up (${running})\n${out}`);
    await waitForRunningPods(t, 5);
  }, { timeoutMs: 30_000 }),

  test('a NoExecute taint typed in the console empties the node, and the pods come back elsewhere', async (t) => {
    await openConverged(t);
    await setSpeed(t, 5);
    const input = t.byTestId('console-input');
    await input.fill('kubectl taint nodes node-1 maintenance=true:NoExecute');
    await input.press('Enter');
    await t.page.waitForFunction(() => /node\/node-1 tainted/.test(document.querySelector('[data-testid=console-output]').innerText));
    await waitForRunningPods(t, 3);
    assert.equal(await t.page.locator('[data-testid=node][data-node=node-1] [data-testid=pod]').count(), 0, 'no pod left on node-1');
    await input.fill('kubectl get events --field-selector reason=TaintManagerEviction');
    await input.press('Enter');
    await t.page.waitForFunction(() => /Marking for deletion Pod default\/web-/.test(document.querySelector('[data-testid=console-output]').innerText));
  }, { timeoutMs: 30_000 }),

  test('a reload finds the editor text and the cluster as they were', async (t) => {
    await openConverged(t);
    await setSpeed(t, 5);
    const edited = (await editorText(t)).replace('replicas: 3', 'replicas: 4');
    await setEditor(t, edited);
    await t.byTestId('apply').click();
    await waitForRunningPods(t, 4);
    const before = (await t.page.locator('[data-testid=pod]').evaluateAll((els) => els.map((e) => e.dataset.pod))).sort();
    await t.page.reload();
    await t.waitForTestId('cluster');
    await waitForRunningPods(t, 4);
    assert.equal(await editorText(t), edited);
    const after = (await t.page.locator('[data-testid=pod]').evaluateAll((els) => els.map((e) => e.dataset.pod))).sort();
    assert.deepEqual(after, before, 'the same pods, by name');
    assert.match(await t.byTestId('console-output').innerText(), /kubectl apply -f editor\.yaml/);
  }),

  test('stored state that cannot be read is reported and set aside', async (t) => {
    // Stored before the page's own script runs (a reload would save over it first).
    await t.page.addInitScript(() => localStorage.setItem('kubeplay.v1.session', '{"not": "a cluster"'));
    await t.goto('/');
    const notice = await t.waitForTestId('notices');
    assert.match(await notice.innerText(), /saved cluster could not be read/);
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    const aside = await t.page.evaluate(() => localStorage.getItem('kubeplay.v1.session.unreadable'));
    assert.equal(aside, '{"not": "a cluster"');
  }),

  test('a rolling update shows two revisions side by side', async (t) => {
    await openConverged(t);
    await setEditor(t, (await editorText(t)).replace('nginx:1.27', 'nginx:1.26'));
    await t.byTestId('apply').click();
    // Mid-rollout: pods of both revisions are drawn at once.
    await t.page.waitForFunction(() => {
      const labels = [...document.querySelectorAll('[data-testid=pod]')].map((p) => p.getAttribute('aria-label'));
      return labels.some((l) => l.includes('revision 1')) && labels.some((l) => l.includes('revision 2'));
    }, null, { timeout: 10_000 });
    await t.page.waitForFunction(() => document.querySelectorAll('.revs li').length >= 2);
    assert.match(await t.byTestId('workload-why').innerText(), /older revisions|new template/);
    await t.page.waitForTimeout(600);
    await t.screenshot('mid-rollout');
    await setSpeed(t, 10);
    await t.waitForTestId('converged', { timeoutMs: 20_000 });
    await waitForRunningPods(t, 3);
  }),

  test('chaos by hand: traffic, a failed node, event filter, reset', async (t) => {
    await openConverged(t);
    await t.byTestId('send-traffic').click();
    const hits = await t.page.locator('[data-testid=pod] .hits').allInnerTexts();
    assert.equal(hits.map(Number).reduce((a, b) => a + b, 0), 30, 'every request landed on a pod');
    // Each request flies as a dot from the Service towards the pod that answered it.
    assert.equal(await t.page.locator('.traffic-dot').count(), 30, 'one dot per request');
    await t.screenshot('traffic');
    await t.page.waitForFunction(() => document.querySelectorAll('.traffic-dot').length === 0, null, { timeout: 5000 });
    assert.match(await t.byTestId('console-output').innerText(), /30 requests to service\/web/);
    await t.page.locator('[data-node=node-2] [data-testid=node-fail]').click();
    await t.byTestId('tab-events').click();
    await t.byTestId('events-filter').fill('node-2');
    await t.page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=events] tbody tr')];
      return rows.length > 0 && rows.every((r) => r.innerText.includes('node-2'));
    });
    await setSpeed(t, 20);
    await t.page.waitForFunction(
      () => document.querySelector('[data-node=node-2] [data-testid=node-status]').innerText.startsWith('NotReady'),
      null,
      { timeout: 15_000 },
    );
    await t.byTestId('reset').click();
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await waitForRunningPods(t, 3);
    assert.equal(await t.page.locator('[data-node=node-2] [data-testid=node-status]').innerText(), 'Ready');
  }),

  test('presenter mode and dark mode render', async (t) => {
    await t.page.emulateMedia({ colorScheme: 'dark' });
    await openConverged(t);
    await t.byTestId('presenter').click();
    assert.equal(await t.byTestId('presenter').getAttribute('aria-pressed'), 'true');
    await t.byTestId('tab-events').click();
    await t.waitForTestId('events');
    await t.page.waitForTimeout(400);
    await t.screenshot('presenter-dark');
  }),

  test('a scale to 90: a dense lane of compact chips, the burst without entrance, a chip still inspects', async (t) => {
    await openConverged(t);
    const input = t.byTestId('console-input');
    await input.fill('kubectl scale deployment web --replicas=90');
    await input.press('Enter');
    // 16 pods of 250m fit a 4-CPU node: 48 are bound, 42 wait in the Unscheduled lane.
    await t.page.waitForFunction(() => document.querySelectorAll('[data-testid=pod]').length === 90, null, { timeout: 15_000 });
    const lane = t.byTestId('unscheduled');
    assert.match(await lane.getAttribute('class'), /\bdense\b/);
    assert.equal(await t.page.locator('[data-testid=node].dense').count(), 0, 'the node lanes have 16 pods each');
    // A compact chip draws its glyph only; name and status are in its label.
    const chips = lane.locator('[data-testid=pod]');
    assert.equal(await chips.count(), 42);
    assert.equal(await lane.locator('.chip-name').count(), 0);
    assert.equal(await lane.locator('.glyph').count(), 42);
    // They came in one burst, so without the entrance animation.
    assert.equal(await lane.locator('[data-testid=pod].quiet').count(), 42);
    const chip = chips.last();
    const name = await chip.getAttribute('data-pod');
    assert.match(await chip.getAttribute('aria-label'), new RegExp(`^Pod ${name}: Pending`));
    // Clicks are handled by the lane's list: the chip clicked is the pod inspected.
    await chip.click();
    assert.match(await t.byTestId('inspect').innerText(), new RegExp(`Name:\\s+${name}`));
    assert.match(await chip.getAttribute('class'), /\bselected\b/);
  }),

  test('a focused pod chip keeps the focus while its status changes', async (t) => {
    await openConverged(t);
    const input = t.byTestId('console-input');
    await input.fill('kubectl scale deployment web --replicas=4');
    await input.press('Enter');
    // The new pod's chip, before it runs.
    const name = await t.page.waitForFunction(() => {
      const chip = [...document.querySelectorAll('[data-testid=pod]')].find((p) => p.dataset.status !== 'Running');
      return chip && chip.dataset.pod;
    });
    const pod = await name.jsonValue();
    await t.page.locator(`[data-testid=pod][data-pod="${pod}"]`).focus();
    await t.page.waitForFunction(
      (pod) => document.querySelector(`[data-testid=pod][data-pod="${pod}"]`)?.dataset.status === 'Running',
      pod,
      { timeout: 15_000 },
    );
    assert.equal(await t.page.evaluate(() => document.activeElement?.dataset?.pod), pod, 'focus stayed on the chip');
  }),
];
