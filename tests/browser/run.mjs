#!/usr/bin/env node
// Runs kubeplay's page tests in headless Debian Chromium.
//
//   node tests/browser/run.mjs [--dist DIR | --base-url URL] [FILTER...]
//
// Serves the built site (default: dist/, from `trunk build --release`) on
// 127.0.0.1 at a free port, runs every test exported by tests/browser/*.test.mjs
// (each in a fresh browser context, 1280x800), prints one line per test and a
// closing line with the counts, stops the server, and exits non-zero if any
// test failed. FILTER words keep only tests whose "file > name" contains one.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { HERE, REPO_ROOT, VIEWPORT, PageTest, launchBrowser, startStaticServer } from './harness.mjs';

function parseArgs(argv) {
  const options = { dist: path.join(REPO_ROOT, 'dist'), baseUrl: null, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dist') options.dist = path.resolve(argv[++i]);
    else if (arg === '--base-url') options.baseUrl = argv[++i];
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: node tests/browser/run.mjs [--dist DIR | --base-url URL] [FILTER...]');
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.filters.push(arg);
  }
  return options;
}

async function discoverTests(filters) {
  const files = fs
    .readdirSync(HERE)
    .filter((file) => file.endsWith('.test.mjs'))
    .sort();
  const cases = [];
  const loadErrors = [];
  for (const file of files) {
    try {
      const module = await import(pathToFileURL(path.join(HERE, file)).href);
      if (!Array.isArray(module.tests)) throw new Error('it must export `tests`, an array built with test()');
      for (const testCase of module.tests) cases.push({ ...testCase, title: `${file} > ${testCase.name}` });
    } catch (error) {
      loadErrors.push({ title: `${file} (loading)`, error });
    }
  }
  const selected = filters.length ? cases.filter((c) => filters.some((f) => c.title.includes(f))) : cases;
  return { files, cases: selected, loadErrors };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function indent(text) {
  return String(text)
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

async function runOne(browser, baseUrl, testCase) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const t = new PageTest(page, { baseUrl, name: testCase.name });
  try {
    await withTimeout(testCase.fn(t), testCase.timeoutMs, `test "${testCase.name}"`);
    t.assertClean();
  } finally {
    await context.close().catch(() => {});
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  let passed = 0;
  let failed = 0;
  const fail = (title, error, ms) => {
    failed++;
    console.log(`  FAIL ${title}${ms === undefined ? '' : ` (${ms} ms)`}`);
    console.log(indent(error && error.stack ? error.stack : error));
  };

  let server = null;
  let browser = null;
  const cleanUp = async () => {
    if (browser) await browser.close().catch(() => {});
    browser = null;
    if (server) await server.stop();
    server = null;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      await cleanUp();
      process.exit(130);
    });
  }

  try {
    const { files, cases, loadErrors } = await discoverTests(options.filters);
    console.log(`browser tests: ${cases.length} test(s) in ${files.length} file(s)`);
    for (const { title, error } of loadErrors) fail(title, error);
    if (cases.length === 0 && loadErrors.length === 0) {
      throw new Error(`no tests found in ${HERE}${options.filters.length ? ` matching ${options.filters.join(', ')}` : ''}`);
    }

    let baseUrl = options.baseUrl;
    if (!baseUrl) {
      if (!fs.existsSync(path.join(options.dist, 'index.html'))) {
        throw new Error(`${options.dist}/index.html not found: build first with \`trunk build --release\` (make test does)`);
      }
      server = await startStaticServer(options.dist);
      baseUrl = server.url;
      const shown = path.relative(process.cwd(), options.dist);
      console.log(`serving ${shown && !shown.startsWith('..') ? shown : options.dist} at ${baseUrl} (pid ${server.pid})`);
    }

    browser = await launchBrowser();
    for (const testCase of cases) {
      const started = Date.now();
      try {
        await runOne(browser, baseUrl, testCase);
        passed++;
        console.log(`  ok   ${testCase.title} (${Date.now() - started} ms)`);
      } catch (error) {
        fail(testCase.title, error, Date.now() - started);
      }
    }
  } catch (error) {
    fail('browser test run', error);
  } finally {
    await cleanUp();
  }

  console.log(`browser tests: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
