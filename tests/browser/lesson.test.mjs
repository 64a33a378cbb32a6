// The lesson panel, as a learner uses it: choose lesson 2 (self-healing), delete a
// kuard pod by clicking it, apply the editor's extra Pod, let time run, and watch every
// goal tick with what it taught. Also: hints one at a time, progress kept over a
// reload, a refused import, and the sandbox by default.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from './harness.mjs';

/** Goals drawn as met. */
async function metGoals(t) {
  return t.page.locator('[data-testid=goal][data-met=true]').count();
}

/** Opens the page and starts lesson `id` from the lesson list. */
async function startLesson(t, id) {
  await t.goto('/');
  await t.waitForTestId('lesson-panel');
  await t.byTestId('lesson-select').selectOption(id);
  await t.page.waitForFunction((id) => document.querySelector('[data-testid=lesson]')?.dataset.lesson === id, id);
}

export const tests = [
  test('the page opens in the sandbox, with no goals', async (t) => {
    await t.goto('/');
    await t.waitForTestId('sandbox');
    assert.equal(await t.page.locator('[data-testid=goal]').count(), 0);
    assert.equal(await t.byTestId('lesson-select').inputValue(), '');
    assert.match(await t.byTestId('lesson-begin').innerText(), /Start lesson 1: Desired state/i);
    assert.equal(await t.byTestId('mode').innerText(), 'sandbox');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    await t.page.waitForTimeout(400);
    await t.screenshot('lesson-sandbox');
  }),

  test('folding the lesson gives its room to desired vs actual, and a reload keeps it folded', async (t) => {
    await t.goto('/');
    await t.waitForTestId('sandbox');
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    const desiredHeight = async () => (await t.byTestId('desired').boundingBox()).height;
    const open = await desiredHeight();
    assert.equal(await t.byTestId('lesson-fold').getAttribute('aria-expanded'), 'true');
    await t.byTestId('lesson-fold').click();
    assert.equal(await t.byTestId('lesson-fold').getAttribute('aria-expanded'), 'false');
    assert.equal(await t.byTestId('sandbox').isVisible(), false, 'the folded panel hides its body');
    const folded = await desiredHeight();
    assert.ok(folded > open + 80, `desired vs actual grew from ${open} to ${folded} px`);
    await t.page.reload();
    await t.waitForTestId('converged', { timeoutMs: 15_000 });
    assert.equal(await t.byTestId('lesson-fold').getAttribute('aria-expanded'), 'false', 'the fold survives a reload');
    // A lesson goes on while folded: its goals count shows in the head.
    await t.byTestId('lesson-select').selectOption('self-healing');
    await t.page.waitForFunction(() => document.querySelector('[data-testid=lesson]')?.dataset.lesson === 'self-healing');
    assert.match(await t.byTestId('lesson-folded-goals').innerText(), /^0\/3 goals$/);
    await t.page.waitForTimeout(600);
    await t.screenshot('lesson-folded');
    await t.byTestId('lesson-fold').click();
    await t.waitForTestId('goal');
    assert.equal(await t.page.locator('[data-testid=lesson-folded-goals]').count(), 0);
  }, { timeoutMs: 45_000 }),

  test('lesson 2, self-healing, completed by clicking and typing', async (t) => {
    await startLesson(t, 'self-healing');
    assert.match(await t.byTestId('lesson').innerText(), /Self-healing/);
    assert.equal(await t.byTestId('mode').innerText(), 'lesson: Self-healing');
    assert.equal(await t.page.locator('[data-testid=goal]').count(), 3);
    assert.equal(await metGoals(t), 0, 'nothing is met at the start');
    // The lesson's start: three kuard pods running and the extra Pod in the editor.
    await t.page.waitForFunction(() => {
      const pods = [...document.querySelectorAll('[data-testid=pod]')];
      return pods.length === 3 && pods.every((p) => p.dataset.pod.startsWith('kuard-') && p.dataset.status === 'Running');
    });
    assert.match(await t.byTestId('editor-input').inputValue(), /name: extra/);

    // A hint, one at a time.
    await t.byTestId('hint').click();
    assert.equal(await t.page.locator('[data-testid=hints] li').count(), 1);
    assert.match(await t.byTestId('hint').innerText(), /2 of 2/);

    await t.byTestId('speed').selectOption('5');
    // Step 1: click a pod, delete it from the inspector.
    const pod = t.page.locator('[data-testid=pod]').first();
    const name = await pod.getAttribute('data-pod');
    await pod.click();
    await t.byTestId('inspect-delete').click();
    await t.page.waitForFunction(() => document.querySelector('[data-testid=goal]').dataset.met === 'true');
    assert.match(await t.byTestId('goal-announce').innerText(), /Goal met: Delete one of the kuard pods/);
    assert.match(await t.page.locator('[data-testid=goal]').first().innerText(), /Deleting a pod is not a way to stop an app/);
    // The ReplicaSet replaces it.
    await t.page.waitForFunction(
      (name) => document.querySelectorAll('[data-testid=goal][data-met=true]').length >= 2 && !document.querySelector(`[data-testid=pod][data-pod="${name}"]`),
      name,
      { timeout: 15_000 },
    );

    // Step 2: apply the editor's extra Pod, and look at it in the console.
    await t.byTestId('apply').click();
    await t.byTestId('tab-console').click();
    const input = t.byTestId('console-input');
    await input.fill('kubectl get pods --show-labels');
    await input.press('Enter');
    await t.page.waitForFunction(() => /app=kuard/.test(document.querySelector('[data-testid=console-output]').innerText));

    // Time runs; the ReplicaSet deletes the surplus pod and the last goal ticks.
    await t.page.waitForFunction(() => document.querySelectorAll('[data-testid=goal][data-met=true]').length === 3, null, { timeout: 15_000 });
    await t.waitForTestId('lesson-complete');
    assert.match(await t.byTestId('goal-count').innerText(), /3 of 3/);
    assert.match(await t.byTestId('goal-announce').innerText(), /Lesson complete/);
    assert.match(await t.page.locator('[data-testid=goal]').nth(2).innerText(), /Labels are the whole contract/);
    // Goals stay met, and the lesson is marked done in the list.
    await t.page.waitForTimeout(500);
    assert.equal(await metGoals(t), 3);
    assert.match(await t.byTestId('lessons-done').innerText(), /^1 of 14 done/);
    await t.byTestId('speed').selectOption('1');
    await t.page.waitForTimeout(700);
    await t.screenshot('lesson-self-healing-complete');
    const panel = await t.byTestId('lesson-panel').boundingBox();
    assert.ok(panel.width >= 300 && panel.height >= 300, `the lesson panel is readable (${panel.width}x${panel.height})`);

    // A reload keeps the lesson, its cluster and its goals.
    await t.page.reload();
    await t.page.waitForFunction(() => document.querySelector('[data-testid=lesson]')?.dataset.lesson === 'self-healing');
    assert.equal(await metGoals(t), 3);
    assert.ok(
      await t.page.locator('[data-testid=pod][data-pod^=kuard-]').count() >= 3,
      'the lesson cluster came back',
    );
    // Reset in a lesson starts the lesson over, not the sandbox.
    await t.byTestId('reset').click();
    await t.page.waitForFunction(() => document.querySelectorAll('[data-testid=goal][data-met=true]').length === 0);
    assert.equal(await t.byTestId('lesson').getAttribute('data-lesson'), 'self-healing');
    assert.match(await t.byTestId('editor-input').inputValue(), /name: extra/);
  }, { timeoutMs: 60_000 }),

  test('lesson 14: a dry run writes the manifest, the editor takes it, Apply meets the goals', async (t) => {
    await startLesson(t, 'manifests');
    const input = t.byTestId('console-input');
    await input.fill('kubectl create deployment hello --image=gcr.io/kuar-demo/kuard-amd64:blue --port=8080 --dry-run=client -o yaml');
    await input.press('Enter');
    await t.byTestId('console-to-editor').click();
    const editor = t.byTestId('editor-input');
    const manifest = await editor.inputValue();
    assert.match(manifest, /replicas: 1\n/);
    await editor.fill(manifest.replace('replicas: 1\n', 'replicas: 2\n'));
    await t.page.waitForFunction(() => /deployment\.apps\/hello\s*will be created/.test(document.querySelector('[data-testid=apply-diff]').innerText));
    await t.byTestId('apply').click();
    await t.page.waitForFunction(() => document.querySelectorAll('[data-testid=goal][data-met=true]').length === 2, null, { timeout: 20_000 });
    await t.waitForTestId('lesson-complete');
    await t.screenshot('lesson-manifests-complete');
  }, { timeoutMs: 45_000 }),

  test('the solution runs line by line through the console', async (t) => {
    await startLesson(t, 'self-healing');
    await t.byTestId('show-solution').click();
    assert.match(await t.byTestId('solution').innerText(), /kubectl delete pod kuard-/);
    for (let i = 0; i < 5; i++) await t.byTestId('solution-step').click();
    await t.page.waitForFunction(() => /pod\/extra created/.test(document.querySelector('[data-testid=console-output]').innerText));
    await t.page.waitForFunction(() => document.querySelectorAll('[data-testid=goal][data-met=true]').length === 3, null, { timeout: 15_000 });
    // Next goes on to lesson 3.
    await t.byTestId('lesson-next').click();
    await t.page.waitForFunction(() => document.querySelector('[data-testid=lesson]')?.dataset.lesson === 'scaling');
    assert.equal(await metGoals(t), 0);
  }, { timeoutMs: 45_000 }),

  test('a lesson without the editor hides it; the sandbox brings it back', async (t) => {
    await startLesson(t, 'rollback');
    await t.byTestId('editor-input').waitFor({ state: 'detached' });
    await t.page.waitForTimeout(400);
    await t.screenshot('lesson-no-editor');
    await t.byTestId('lesson-select').selectOption('');
    await t.waitForTestId('sandbox');
    await t.waitForTestId('editor-input');
    assert.equal(await t.byTestId('mode').innerText(), 'sandbox');
  }),

  test('progress exports as a file, and a bad file is refused in words', async (t) => {
    await startLesson(t, 'desired-state');
    const [download] = await Promise.all([t.page.waitForEvent('download'), t.byTestId('progress-export').click()]);
    assert.equal(download.suggestedFilename(), 'kubeplay-progress.json');
    const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(exported.kind, 'kubeplay-progress');
    assert.equal(exported.current, 'desired-state');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"hello": "world"}');
    await t.byTestId('progress-import').setInputFiles(bad);
    await t.page.waitForFunction(() => /not kubeplay lesson progress/.test(document.querySelector('[data-testid=import-result]')?.innerText ?? ''));
    assert.equal(await t.byTestId('import-result').getAttribute('role'), 'alert');

    const good = path.join(dir, 'good.json');
    exported.lessons['self-healing'] = { met: [0, 1, 2], hints: 1, done: true };
    fs.writeFileSync(good, JSON.stringify(exported));
    await t.byTestId('progress-import').setInputFiles(good);
    await t.page.waitForFunction(() => /Progress imported: 1 of 14/.test(document.querySelector('[data-testid=import-result]')?.innerText ?? ''));
    assert.match(await t.byTestId('lessons-done').innerText(), /^1 of 14 done/);
    fs.rmSync(dir, { recursive: true, force: true });
  }),
];
