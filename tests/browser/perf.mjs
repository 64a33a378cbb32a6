#!/usr/bin/env node
// Speed figures of the built page in headless Chromium (run by scripts/size-report.sh):
//
//   node tests/browser/perf.mjs [--dist DIR]
//
// 1. Time from navigation start to the first converged cluster drawn: the moment the
//    "Converged" badge enters the DOM, measured in the page with performance.now().
// 2. Frame times while a 300-pod cluster animates: the editor's Deployment is scaled to
//    300 small replicas and applied at 5x speed; every requestAnimationFrame interval
//    over the next seconds is recorded, with the long tasks (> 50 ms) the page ran.
// Not a *.test.mjs: it measures and prints, it does not pass or fail on the targets.

import path from 'node:path';

import { REPO_ROOT, VIEWPORT, launchBrowser, startStaticServer } from './harness.mjs';

const args = process.argv.slice(2);
const dist = args[0] === '--dist' ? path.resolve(args[1]) : path.join(REPO_ROOT, 'dist');
const RUNS = 3;
const ANIMATE_MS = 6000;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const server = await startStaticServer(dist);
const browser = await launchBrowser();
try {
  const converged = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (window.__drawnAt === undefined && document.querySelector('[data-testid=pod]')) {
          window.__drawnAt = performance.now();
        }
        if (document.querySelector('[data-testid=converged]')) {
          window.__convergedAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__convergedAt !== undefined, null, { timeout: 20_000 });
    converged.push(await page.evaluate(() => [window.__drawnAt, window.__convergedAt]));
    await context.close();
  }

  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId('converged').waitFor({ timeout: 20_000 });
  const editor = page.getByTestId('editor-input');
  const yaml = (await editor.inputValue())
    .replace('replicas: 3', 'replicas: 300')
    .replace('cpu: 250m', 'cpu: 10m')
    .replace('memory: 128Mi', 'memory: 16Mi');
  await editor.fill(yaml);
  await page.getByTestId('speed').selectOption('5');
  await page.evaluate(() => {
    window.__frames = [];
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.getByTestId('apply').click();
  await page.waitForTimeout(ANIMATE_MS);
  const result = await page.evaluate(() => {
    window.__stopFrames = true;
    const pods = [...document.querySelectorAll('[data-testid=pod]')];
    return {
      frames: window.__frames.slice(1),
      longTasks: window.__longTasks,
      pods: pods.length,
      running: pods.filter((p) => p.dataset.status === 'Running').length,
    };
  });
  await context.close();

  const frames = [...result.frames].sort((a, b) => a - b);
  // rAF intervals jitter around 16.7 ms; a frame counts as late when it took over 20 ms
  // (a missed vsync), and the share over 16.7 ms is printed too.
  const over = frames.filter((f) => f > 16.7).length;
  const late = frames.filter((f) => f > 20).length;
  const fmt = (x) => `${x.toFixed(1)} ms`;
  console.log('\nspeed (headless Chromium, this machine)');
  console.log(`  first cluster drawn (pods starting): ${converged.map((c) => fmt(c[0])).join(', ')} after navigation (${RUNS} runs)`);
  console.log(`  first converged cluster drawn:       ${converged.map((c) => fmt(c[1])).join(', ')} after navigation`);
  console.log(`  300-pod cluster animating at 5x for ${ANIMATE_MS / 1000} s (${result.pods} pods drawn, ${result.running} Running at the end):`);
  console.log(
    `    ${frames.length} frames: median ${fmt(percentile(frames, 50))}, p95 ${fmt(percentile(frames, 95))}, max ${fmt(frames[frames.length - 1])}; ${over} over 16.7 ms, ${late} over 20 ms (${((100 * late) / frames.length).toFixed(1)}%)`,
  );
  const lt = result.longTasks;
  console.log(`    long tasks (> 50 ms): ${lt.length}${lt.length ? `, longest ${fmt(Math.max(...lt))}` : ''}`);
} finally {
  await browser.close();
  await server.stop();
}
