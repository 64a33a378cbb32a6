#!/usr/bin/env node
// What the <k8s-playground> element costs a docs page (run by scripts/size-report.sh):
//
//   node tests/browser/embed-perf.mjs [--dist DIR]
//
// 1. Bytes: the element's module, the glue it imports, the wasm and the stylesheet each
//    shadow root links, raw and gzip -9 (what a docs page downloads once, for any number
//    of widgets).
// 2. Time from navigation to the first widget's converged cluster on the example docs
//    page (wasm download and compile included), and from the far widget scrolling into
//    view to its first converged cluster (the wasm already loaded by the others).
// 3. Memory with the three widgets running: the shared wasm memory and the JS heap
//    (Chromium's Performance.getMetrics), next to the same figures with one widget.
// Not a *.test.mjs: it measures and prints, it does not pass or fail.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { REPO_ROOT, VIEWPORT, launchBrowser, startStaticServer } from './harness.mjs';

const args = process.argv.slice(2);
const dist = args[0] === '--dist' ? path.resolve(args[1]) : path.join(REPO_ROOT, 'dist');
const RUNS = 3;

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. Bytes.
const element = fs.readFileSync(path.join(dist, 'k8s-playground.js'), 'utf8');
const named = (name) => element.match(new RegExp(`const ${name} = '\\./([^']+)'`))[1];
const files = ['k8s-playground.js', named('GLUE'), named('WASM'), named('CSS')];
const snippets = path.join(dist, 'snippets');
if (fs.existsSync(snippets)) {
  for (const f of fs.readdirSync(snippets, { recursive: true })) {
    if (String(f).endsWith('.js')) files.push(path.join('snippets', String(f)));
  }
}
let raw = 0;
let gz = 0;
console.log('\nwhat <k8s-playground> adds to a docs page (loaded once for any number of widgets):');
for (const f of files) {
  const bytes = fs.readFileSync(path.join(dist, f));
  const z = zlib.gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`  ${f.padEnd(44)} ${kib(bytes.length).padStart(12)} ${kib(z).padStart(12)} gzip`);
}
console.log(`  ${'total'.padEnd(44)} ${kib(raw).padStart(12)} ${kib(gz).padStart(12)} gzip`);

// 2 and 3. Times and memory in headless Chromium.
const server = await startStaticServer(dist);
const browser = await launchBrowser();
const url = `${server.url}examples/docs-page.html`;

async function metrics(page, client) {
  const wasm = await page.evaluate(() => customElements.get('k8s-playground').memoryBytes());
  const { metrics } = await client.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  return { wasm, heap };
}

try {
  const firstConverged = [];
  const scrolledConverged = [];
  let three = null;
  let one = null;
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const client = await context.newCDPSession(page);
    await client.send('Performance.enable');
    await page.goto(url);
    await page.locator('#first-widget [data-testid=converged]').waitFor({ timeout: 30_000 });
    firstConverged.push(await page.evaluate(() => performance.now()));
    await page.locator('#scale-widget [data-testid=converged]').waitFor({ timeout: 30_000 });
    if (i === 0) {
      await client.send('HeapProfiler.collectGarbage');
      one = await metrics(page, client);
    }
    const ms = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const el = document.getElementById('healing-widget');
          const t0 = performance.now();
          const done = () => el.shadowRoot.querySelector('[data-testid=converged]');
          const mo = new MutationObserver(() => {
            if (done()) {
              mo.disconnect();
              resolve(performance.now() - t0);
            }
          });
          mo.observe(el.shadowRoot, { childList: true, subtree: true });
          el.scrollIntoView({ block: 'center' });
        }),
    );
    scrolledConverged.push(ms);
    if (i === 0) {
      // All three running: scroll so that every widget is near (a tall viewport).
      await page.setViewportSize({ width: 1280, height: 6000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(3000);
      const running = await page.$$eval('k8s-playground', (els) => els.map((e) => e.status));
      await client.send('HeapProfiler.collectGarbage');
      three = { ...(await metrics(page, client)), running };
    }
    await context.close();
  }
  console.log('\nexample docs page (examples/docs-page.html), headless Chromium, median of', RUNS);
  console.log(`  navigation to the first widget's converged cluster: ${median(firstConverged).toFixed(0)} ms (${firstConverged.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  far widget scrolled into view to its converged cluster: ${median(scrolledConverged).toFixed(0)} ms (${scrolledConverged.map((x) => x.toFixed(0)).join(', ')})`);
  console.log('\nmemory (after a garbage collection):');
  console.log(`  two widgets started:   wasm memory ${mib(one.wasm)}, JS heap ${mib(one.heap)}`);
  console.log(`  three widgets running (${three.running.join(', ')}): wasm memory ${mib(three.wasm)}, JS heap ${mib(three.heap)}`);
} finally {
  await browser.close();
  await server.stop();
}
