// Helpers for kubeplay's page tests: the browser launch, the static server,
// and the per-test page handle `t` that every test receives.
//
// A test file is any `*.test.mjs` in this folder. It exports `tests`, a list
// built with `test(name, fn)`; `fn` receives a `PageTest`:
//
//   import assert from 'node:assert/strict';
//   import { test } from './harness.mjs';
//
//   export const tests = [
//     test('the page shows a pod', async (t) => {
//       await t.goto('/');
//       const pod = await t.waitForTestId('pod-list');
//       assert.match(await pod.innerText(), /web-/);
//       await t.screenshot('pod-list');
//     }),
//   ];
//
// Every test fails if the page logged a console error, threw an uncaught
// exception, or had a request fail (network error or HTTP status >= 400),
// unless the test allowed it with `t.allowConsoleError(/regex/)` or
// `t.allowFailedRequest(/regex/)`.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const SCREENSHOT_DIR = path.join(HERE, 'screenshots');

/** Debian's Chromium; never a browser downloaded by Playwright. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine with a closed network. Without
 * the background-networking ones Chromium keeps trying to reach Google.
 * Playwright adds a fresh, temporary --user-data-dir on every launch (and
 * refuses one in `args`), so no profile leaks between runs.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const VIEWPORT = { width: 1280, height: 800 };

/** How long one test may take, in milliseconds, unless it says otherwise. */
export const DEFAULT_TEST_TIMEOUT_MS = 30_000;

/** Declares one page test. `options.timeoutMs` overrides the default timeout. */
export function test(name, fn, options = {}) {
  if (typeof name !== 'string' || typeof fn !== 'function') {
    throw new TypeError('test(name, fn): name must be a string and fn a function');
  }
  return { name, fn, timeoutMs: options.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS };
}

/** Launches Debian's headless Chromium through playwright-core. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run scripts/setup.sh (it installs Debian's chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Serves `dir` on 127.0.0.1 with python3's http.server (it serves .wasm as
 * application/wasm) and resolves once it answers. Returns { url, stop, log }.
 */
export async function startStaticServer(dir, { attempts = 3, readyTimeoutMs = 10_000 } = {}) {
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const child = spawn(
      'python3',
      ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = [];
    const keep = (chunk) => {
      log.push(chunk.toString());
      if (log.length > 200) log.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });

    const stop = () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });

    const deadline = Date.now() + readyTimeoutMs;
    while (!exited && Date.now() < deadline) {
      try {
        const response = await fetch(url);
        await response.arrayBuffer();
        return { url, stop, log, pid: child.pid };
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await stop();
    lastError = new Error(
      `static server on port ${port} did not start (attempt ${attempt}): ${log.join('').trim() || lastError}`,
    );
  }
  throw lastError;
}

/** The handle a test receives: the Playwright page plus small helpers. */
export class PageTest {
  constructor(page, { baseUrl, name }) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.name = name;
    this.consoleErrors = [];
    this.failedRequests = [];
    this.screenshots = [];
    this._allowedConsoleErrors = [];
    this._allowedFailedRequests = [];

    page.on('console', (message) => {
      if (message.type() === 'error') {
        const { url, lineNumber } = message.location();
        const where = url ? ` (${url}:${lineNumber})` : '';
        this.consoleErrors.push(`console.error: ${message.text()}${where}`);
      }
    });
    page.on('pageerror', (error) => {
      this.consoleErrors.push(`uncaught: ${error.stack || error.message}`);
    });
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? 'failed';
      this.failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) {
        this.failedRequests.push(`${response.request().method()} ${response.url()}: HTTP ${response.status()}`);
      }
    });
  }

  /** Opens `target` (a path relative to the served dist/) and waits for `load`. */
  async goto(target = '/', { waitUntil = 'load' } = {}) {
    const url = new URL(target, this.baseUrl).toString();
    const response = await this.page.goto(url, { waitUntil });
    if (!response || !response.ok()) {
      throw new Error(`goto ${url}: HTTP ${response ? response.status() : 'no response'}`);
    }
    return response;
  }

  /** The locator for `[data-testid=id]`. */
  byTestId(id) {
    return this.page.getByTestId(id);
  }

  /** Waits until `[data-testid=id]` is visible (or `state`) and returns its locator. */
  async waitForTestId(id, { state = 'visible', timeoutMs = 10_000 } = {}) {
    const locator = this.byTestId(id);
    await locator.first().waitFor({ state, timeout: timeoutMs });
    return locator;
  }

  /** Waits until no request has been in flight for 500 ms. */
  async waitForNetworkIdle({ timeoutMs = 10_000 } = {}) {
    await this.page.waitForLoadState('networkidle', { timeout: timeoutMs });
  }

  /** Saves a viewport screenshot to tests/browser/screenshots/<name>.png and returns its path. */
  async screenshot(name) {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file, fullPage: false });
    this.screenshots.push(file);
    return file;
  }

  /** Lets console errors matching `pattern` through the automatic check. */
  allowConsoleError(pattern) {
    this._allowedConsoleErrors.push(pattern);
  }

  /** Lets failed requests matching `pattern` through the automatic check. */
  allowFailedRequest(pattern) {
    this._allowedFailedRequests.push(pattern);
  }

  /** Throws if the page logged an unexpected console error or a request failed. */
  assertClean() {
    const unexpected = (entries, allowed) => entries.filter((entry) => !allowed.some((re) => re.test(entry)));
    const problems = [
      ...unexpected(this.consoleErrors, this._allowedConsoleErrors),
      ...unexpected(this.failedRequests, this._allowedFailedRequests),
    ];
    if (problems.length > 0) {
      throw new Error(`the page reported ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    }
  }
}
