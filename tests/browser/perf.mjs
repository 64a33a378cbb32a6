#!/usr/bin/env node
// Speed figures of the built page in headless Chromium (run by scripts/size-report.sh):
//
//   node tests/browser/perf.mjs [--dist DIR] [--runs N] [--cpu-profile FILE]
//
// 1. Time from navigation start to the first converged cluster drawn: the moment the
//    "Converged" badge enters the DOM, measured in the page with performance.now().
// 2. Frames while a 300-pod cluster animates: the editor's Deployment is scaled to 300
//    small replicas and applied at 5x speed, then the page runs for ANIMATE_MS. Each of
//    the N runs (default 3) records
//    - every requestAnimationFrame interval (vsync pacing: a 16.7 ms interval says the
//      frame was on time, not how much of it the main thread spent working);
//    - the main thread's work per frame, from a Chromium trace (CDP Tracing): the time
//      the renderer's main thread spent in tasks within each rAF interval, split by what
//      it ran (script, style, layout, paint and compositing, other) by self time of the
//      innermost trace event;
//    - Long Animation Frames (PerformanceObserver 'long-animation-frame', frames over
//      50 ms) with their script, style and layout, and render durations, and long tasks.
//    The distribution of each run is printed, then the median over runs of each figure.
// --cpu-profile FILE also records one more run with the CDP Profiler (sampling every
// 100 us), writes FILE (.cpuprofile, opens in Chromium's DevTools) and prints the
// functions with the most self and total time over the run. Function names show only if
// the wasm kept its name section (a build whose wasm-opt ran with -g, or no wasm-opt).
// Not a *.test.mjs: it measures and prints, it does not pass or fail on the targets.

import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, VIEWPORT, launchBrowser, startStaticServer } from './harness.mjs';

function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const dist = path.resolve(option('--dist', path.join(REPO_ROOT, 'dist')));
const RUNS = Number(option('--runs', 3));
const CPU_PROFILE = option('--cpu-profile', null);
const LOAD_RUNS = 3;
const ANIMATE_MS = 6000;
/** A frame's budget at 60 Hz. */
const BUDGET_MS = 16;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => `${x.toFixed(1)} ms`;

/** Trace categories: top-level tasks, the devtools timeline events, user timing marks. */
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
].join(',');

/** What a trace event's self time counts as. */
function classify(name) {
  if (/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|InvalidateLayout|StyleRecalcInvalidationTracking)$/.test(name)) return 'style';
  if (/^(Layout|UpdateLayout|LayoutShift)$/.test(name)) return 'layout';
  if (/^(Paint|PrePaint|Layerize|UpdateLayer|UpdateLayerTree|CompositeLayers|Commit|PaintSetup|PaintImage|Decode Image|ScrollLayer|IntersectionObserverController::computeIntersections)$/.test(name)) return 'paint';
  if (/^(FunctionCall|TimerFire|EventDispatch|FireAnimationFrame|EvaluateScript|RunMicrotasks|v8\.|V8\.|MinorGC|MajorGC|BlinkGC|GCEvent|FireIdleCallback|XHRReadyStateChange|v8\.callFunction|v8\.run|v8\.compile|CppGC|ScheduledAction)/.test(name)) return 'script';
  return null;
}
const PARTS = ['script', 'style', 'layout', 'paint', 'other'];

/** Starts a trace on a page; `stop()` ends it and resolves to the events. */
async function startTrace(context, page) {
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (m) => events.push(...m.value));
  await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await done;
      await cdp.detach();
      return events;
    },
  };
}

/**
 * Sums, per frame interval, the merged task time and the self time per part. Parts are
 * computed exactly by an interval sweep over every main-thread span.
 */
function frameWork(events, frames, markAt) {
  const mark = events.find((e) => e.name === 'kp-frames' && e.cat.includes('blink.user_timing'));
  if (!mark) throw new Error('perf: the trace has no kp-frames mark');
  const pid = mark.pid;
  const mainTid =
    events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')
      ?.tid ?? mark.tid;
  const toTrace = (ms) => mark.ts + (ms - markAt) * 1000; // microseconds
  const spans = [];
  const open = new Map();
  for (const e of events) {
    if (e.pid !== pid || e.tid !== mainTid) continue;
    if (e.ph === 'X' && e.dur !== undefined) spans.push({ name: e.name, start: e.ts, end: e.ts + e.dur });
    else if (e.ph === 'B') {
      if (!open.has(e.name)) open.set(e.name, []);
      open.get(e.name).push(e.ts);
    } else if (e.ph === 'E') {
      const start = open.get(e.name)?.pop();
      if (start !== undefined) spans.push({ name: e.name, start, end: e.ts });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const isTask = (n) => n === 'RunTask' || n === 'ThreadControllerImpl::RunTask';
  // Sweep: every boundary of every span; between two boundaries the innermost open span
  // (the last pushed that is still open) decides the part, if a task is open at all.
  const pieces = []; // [start, end, part, trace event name]
  const stack = []; // { end, part, name, task }
  let at = -Infinity;
  const advance = (to) => {
    // Closes spans ending before `to`, emitting self time piece by piece.
    while (stack.length) {
      const top = stack[stack.length - 1];
      const until = Math.min(top.end, to);
      if (until > at && stack.some((s) => s.task)) pieces.push([at, until, top.part, top.name]);
      at = Math.max(at, until);
      if (top.end <= to) stack.pop();
      else break;
    }
    at = Math.max(at, to);
  };
  for (const s of spans) {
    advance(s.start);
    const inherited = stack.length ? stack[stack.length - 1].part : 'other';
    const part = classify(s.name) ?? inherited;
    const end = stack.length ? Math.min(s.end, stack[stack.length - 1].end) : s.end;
    stack.push({ end, part, name: s.name, task: isTask(s.name) });
  }
  advance(Infinity);
  // Pieces, in order, bucketed into frame intervals (clipped at the boundaries).
  const bounds = frames.map(toTrace);
  const out = [];
  const byName = new Map();
  const [first, last] = [bounds[0], bounds[bounds.length - 1]];
  for (const [a, b, , name] of pieces) {
    const d = (Math.min(b, last) - Math.max(a, first)) / 1000;
    if (d > 0) byName.set(name, (byName.get(name) ?? 0) + d);
  }
  out.byName = byName;
  let p = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i], bounds[i + 1]];
    const w = { total: 0, script: 0, style: 0, layout: 0, paint: 0, other: 0 };
    while (p < pieces.length && pieces[p][1] <= from) p++;
    for (let q = p; q < pieces.length && pieces[q][0] < to; q++) {
      const d = (Math.min(pieces[q][1], to) - Math.max(pieces[q][0], from)) / 1000;
      if (d > 0) {
        w[pieces[q][2]] += d;
        w.total += d;
      }
    }
    out.push(w);
  }
  return out;
}

/** Loads the page, fills in the 300-replica Deployment and picks 5x: ready to apply. */
async function prepare(browser) {
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
  return { context, page };
}

/** Starts recording frames, long tasks and long animation frames in the page. */
async function recordFrames(page) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__longTasks = [];
    window.__loafs = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const script = e.scripts.reduce((s, x) => s + x.duration, 0);
          const forced = e.scripts.reduce((s, x) => s + x.forcedStyleAndLayoutDuration, 0);
          const end = e.startTime + e.duration;
          window.__loafs.push({
            duration: e.duration,
            blocking: e.blockingDuration,
            script,
            forced,
            // The frame's rendering after its scripts: style, layout, paint and commit.
            render: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
            invokers: e.scripts.map((x) => `${x.invoker} ${x.duration.toFixed(0)}`),
          });
        }
      }).observe({ type: 'long-animation-frame', buffered: false });
    }
    // The mark ties performance.now() to the trace's clock (frameWork).
    performance.mark('kp-frames');
    window.__markAt = performance.getEntriesByName('kp-frames')[0].startTime;
    const tick = (now) => {
      window.__frames.push(now);
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function collect(page) {
  return page.evaluate(() => {
    window.__stopFrames = true;
    const pods = [...document.querySelectorAll('[data-testid=pod]')];
    return {
      frames: window.__frames,
      markAt: window.__markAt,
      longTasks: window.__longTasks,
      loafs: window.__loafs,
      pods: pods.length,
      running: pods.filter((p) => p.dataset.status === 'Running').length,
    };
  });
}

/** One animation run: rAF intervals, work per frame, long frames and tasks. */
async function animate(browser) {
  const { context, page } = await prepare(browser);
  const trace = await startTrace(context, page);
  await recordFrames(page);
  await page.waitForTimeout(100);
  await page.getByTestId('apply').click();
  await page.waitForTimeout(ANIMATE_MS);
  const result = await collect(page);
  const events = await trace.stop();
  await context.close();
  const intervals = result.frames.slice(1).map((t, i) => t - result.frames[i]);
  const work = frameWork(events, result.frames, result.markAt);
  return { ...result, intervals, work };
}

/** One run under the CPU profiler; prints the functions with the most self time. */
async function profile(browser, file) {
  const { context, page } = await prepare(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.getByTestId('apply').click();
  await page.waitForTimeout(ANIMATE_MS);
  const { profile: prof } = await cdp.send('Profiler.stop');
  await context.close();
  fs.writeFileSync(file, JSON.stringify(prof));
  // Self time per function name, and total (inclusive) time per name.
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  prof.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + prof.timeDeltas[i] / 1000));
  const self = new Map();
  const total = new Map();
  let all = 0;
  for (const [id, ms] of dt) {
    const name = (n) => n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'anonymous'})`;
    const n = byId.get(id);
    if (['(idle)', '(program)'].includes(n.callFrame.functionName)) continue;
    all += ms;
    self.set(name(n), (self.get(name(n)) ?? 0) + ms);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const nm = name(byId.get(cur));
      if (!seen.has(nm)) total.set(nm, (total.get(nm) ?? 0) + ms);
      seen.add(nm);
    }
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(`\n  CPU profile (${file}): ${fmt(all)} of JavaScript and wasm in ${ANIMATE_MS / 1000} s`);
  console.log('    most self time:');
  for (const [n, ms] of top(self, 25)) console.log(`      ${fmt(ms).padStart(10)}  ${n.slice(0, 110)}`);
  console.log('    most total time:');
  for (const [n, ms] of top(total, 40)) console.log(`      ${fmt(ms).padStart(10)}  ${n.slice(0, 110)}`);
}

function distribution(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] };
}

const server = await startStaticServer(dist);
const browser = await launchBrowser();
try {
  const converged = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
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
  console.log('\nspeed (headless Chromium, this machine)');
  console.log(`  first cluster drawn (pods starting): ${converged.map((c) => fmt(c[0])).join(', ')} after navigation (${LOAD_RUNS} runs)`);
  console.log(`  first converged cluster drawn:       ${converged.map((c) => fmt(c[1])).join(', ')} after navigation`);
  console.log(`  300-pod cluster animating at 5x for ${ANIMATE_MS / 1000} s, ${RUNS} runs (traced):`);

  const summaries = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await animate(browser);
    const iv = distribution(r.intervals);
    const late = r.intervals.filter((f) => f > 20).length;
    const totals = r.work.map((w) => w.total);
    const wd = distribution(totals);
    const overBudget = totals.filter((t) => t > BUDGET_MS).length;
    const sum = Object.fromEntries(PARTS.map((k) => [k, r.work.reduce((s, w) => s + w[k], 0)]));
    const lt = r.longTasks;
    const loafs = r.loafs;
    summaries.push({
      ivMedian: iv.median,
      ivP95: iv.p95,
      ivMax: iv.max,
      late: (100 * late) / r.intervals.length,
      workMedian: wd.median,
      workP95: wd.p95,
      workMax: wd.max,
      overBudget,
      longTasks: lt.length,
      longestTask: lt.length ? Math.max(...lt) : 0,
      loafs: loafs.length,
    });
    console.log(`   run ${run}: ${r.pods} pods drawn, ${r.running} Running at the end`);
    console.log(
      `    rAF intervals, ${r.intervals.length} frames: median ${fmt(iv.median)}, p95 ${fmt(iv.p95)}, max ${fmt(iv.max)}; ${late} over 20 ms (${((100 * late) / r.intervals.length).toFixed(1)}%)`,
    );
    console.log(
      `    main-thread work per frame: median ${fmt(wd.median)}, p95 ${fmt(wd.p95)}, max ${fmt(wd.max)}; ${overBudget} of ${totals.length} frames over ${BUDGET_MS} ms`,
    );
    console.log(`      in all ${PARTS.map((k) => `${k} ${fmt(sum[k])}`).join(', ')}`);
    const names = [...r.work.byName].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`      most self time: ${names.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ')} ms`);
    const heaviest = [...r.work].sort((a, b) => b.total - a.total).slice(0, 5);
    console.log(`      heaviest frames: ${heaviest.map((w) => `${w.total.toFixed(0)} (${PARTS.map((k) => w[k].toFixed(0)).join('/')})`).join(', ')} ms (${PARTS.join('/')})`);
    console.log(`    long tasks (> 50 ms): ${lt.length}${lt.length ? `: ${lt.map(fmt).join(', ')}` : ''}`);
    console.log(`    long animation frames (> 50 ms): ${loafs.length}`);
    for (const l of loafs) {
      console.log(
        `      ${fmt(l.duration)} (blocking ${fmt(l.blocking)}): scripts ${fmt(l.script)} (of which forced style and layout ${fmt(l.forced)}), then rendering ${fmt(l.render)}; ${l.invokers.slice(0, 3).join('; ')}`,
      );
    }
  }
  const m = (k) => median(summaries.map((s) => s[k]));
  console.log(`   median of ${RUNS} runs:`);
  console.log(`    rAF intervals: median ${fmt(m('ivMedian'))}, p95 ${fmt(m('ivP95'))}, max ${fmt(m('ivMax'))}; ${m('late').toFixed(1)}% over 20 ms`);
  console.log(
    `    main-thread work per frame: median ${fmt(m('workMedian'))}, p95 ${fmt(m('workP95'))}, max ${fmt(m('workMax'))}; ${m('overBudget')} frames over ${BUDGET_MS} ms`,
  );
  console.log(`    long tasks: ${m('longTasks')}, longest ${fmt(m('longestTask'))}; long animation frames: ${m('loafs')}`);

  if (CPU_PROFILE) await profile(browser, path.resolve(CPU_PROFILE));
} finally {
  await browser.close();
  await server.stop();
}
