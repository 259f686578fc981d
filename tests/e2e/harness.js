// Shared setup of the Chromium end-to-end suites (not a test file itself:
// `node --test tests/e2e/` runs only *.test.js).
//
// - startDemoServer(): demo/server.mjs as a child process on a free port
// - launchChromium(): Debian's /usr/bin/chromium through playwright-core
//   (never a downloaded browser); CHROMIUM_PATH overrides the path
// - watch(context): collects CSP violations, console errors, uncaught page
//   errors and every request, from the first script of every page on
// - waitForHearth(page): until the page says Hearth started (or failed)
// - shutDown(browser, server): a suite's `after`
// - startupProbes (an init script): start-up milestones as performance marks
// - waitForShop(page): until the storefront is ready (or its first picks drew)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags Chromium floods the closed network
// with refused connections (see shared/TOOLCHAIN.md).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SHOTS = join(ROOT, 'out', 'screenshots');
export const STEP_TIMEOUT = 20_000;
export const TEST_TIMEOUT = 90_000;

/**
 * Spawns the demo server on a free port (PORT=0).
 * @returns {Promise<{ url: string, log: () => string, stop: () => Promise<void> }>}
 */
export function startDemoServer({ collector = false } = {}) {
  let log = '';
  const child = spawn(process.execPath, ['demo/server.mjs'], {
    cwd: ROOT,
    // Most suites do not need the collector (and its PGlite start); with
    // `collector` it runs with an in-memory store.
    env: { ...process.env, PORT: '0', HEARTH_DEMO_COLLECTOR: collector ? 'memory' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`demo server did not start within 15 s:\n${log}`));
    }, 15_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => (log += d));
    child.stdout.on('data', (d) => {
      log += d;
      const m = /Hearth demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], log: () => log, stop });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited early (code ${code}, signal ${signal}):\n${log}`));
    });
  });
}

/**
 * A suite's `after`: closes the browser, then stops the demo server (also
 * when closing the browser failed). Either may be missing (a failed before).
 * @param {import('playwright-core').Browser | null | undefined} browser
 * @param {{ stop: () => Promise<void> } | null | undefined} server
 */
export async function shutDown(browser, server) {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
}

/** Launches headless Chromium; fails loudly (never skips) when it is missing. */
export async function launchChromium() {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (scripts/setup.sh does) or set CHROMIUM_PATH`,
  );
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * Collects, for every page of the context: CSP violations (the DOM event,
 * caught from the very first script by an init script, and Chromium's console
 * message), console errors, uncaught page errors, requests and failed requests.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function watch(context) {
  const seen = { consoleErrors: [], pageErrors: [], cspViolations: [], requests: [], failedRequests: [] };
  await context.exposeBinding('__hearthTestCspViolation', (_source, v) => seen.cspViolations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // @ts-ignore: the binding exists only in these tests
      globalThis.__hearthTestCspViolation({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        source: `${e.sourceFile}:${e.lineNumber}`,
        sample: e.sample,
      });
    });
  });
  context.on('request', (r) =>
    seen.requests.push({ method: r.method(), url: r.url(), type: r.resourceType(), body: r.postData() }),
  );
  context.on('requestfailed', (r) => seen.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  context.on('console', (msg) => {
    const text = msg.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) seen.cspViolations.push({ console: text });
    if (msg.type() === 'error') seen.consoleErrors.push(`${text} (${msg.location().url}:${msg.location().lineNumber})`);
  });
  context.on('weberror', (e) => seen.pageErrors.push(String(e.error()?.stack ?? e.error())));
  return seen;
}

/**
 * An init script (`context.addInitScript(startupProbes)`): start-up
 * milestones as `probe:<name>` performance marks — wasm compile, the
 * cross-tab lock asked for and granted, IndexedDB open (blocked, failed) and
 * reads — so that a slow or stalled start says where. Self-contained: it runs
 * in the page.
 */
export function startupProbes() {
  const mark = (/** @type {string} */ n) => performance.mark(`probe:${n}`);
  const inst = WebAssembly.instantiateStreaming;
  if (inst) {
    WebAssembly.instantiateStreaming = function (...a) {
      mark('wasm-start');
      const p = inst.apply(this, /** @type {any} */ (a));
      p.then(
        () => mark('wasm-done'),
        () => mark('wasm-failed'),
      );
      return p;
    };
  }
  // A reload waits here when the page before it still holds the lock.
  if (typeof LockManager === 'function') {
    const request = LockManager.prototype.request;
    LockManager.prototype.request = function (name, ...rest) {
      mark('lock-request');
      const fn = rest[rest.length - 1];
      if (typeof fn === 'function') {
        rest[rest.length - 1] = (/** @type {any[]} */ ...a) => {
          mark('lock-granted');
          return fn(...a);
        };
      }
      return request.call(this, name, .../** @type {[any, any]} */ (rest));
    };
  }
  if (typeof IDBFactory !== 'function') return;
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...a) {
    mark(`idb-open${a.length > 1 ? `-v${a[1]}` : ''}`);
    const r = open.apply(this, /** @type {any} */ (a));
    r.addEventListener('success', () => mark('idb-open-ok'));
    r.addEventListener('blocked', () => mark('idb-open-blocked'));
    r.addEventListener('error', () => mark('idb-open-error'));
    return r;
  };
  const get = IDBObjectStore.prototype.get;
  IDBObjectStore.prototype.get = function (...a) {
    mark('idb-get');
    const r = get.apply(this, /** @type {any} */ (a));
    r.addEventListener('success', () => mark('idb-get-ok'));
    return r;
  };
}

/**
 * Until the storefront says it is ready (`data-shop`) — with `firstPicks`,
 * also until its picks rows first rendered (the `shop:first-picks` mark) — or
 * that Hearth failed. Returns the page's state (its `data-*`, the notice, the
 * marks); on timeout throws with that state (and `errors()`, when given).
 * @param {import('playwright-core').Page} page
 * @param {{ firstPicks?: boolean, timeout?: number, errors?: () => string[] }} [options]
 */
export async function waitForShop(page, { firstPicks = false, timeout = 45_000, errors } = {}) {
  const state = () =>
    page.evaluate(() => ({
      ...document.body.dataset,
      scrollY,
      notice: document.getElementById('notice')?.textContent,
      marks: performance.getEntriesByType('mark').map((m) => `${m.name}@${Math.round(m.startTime)}`),
    }));
  try {
    await page.waitForFunction(
      (picks) =>
        (document.body.dataset.shop === 'ready' && (!picks || performance.getEntriesByName('shop:first-picks').length > 0)) ||
        ['failed', 'closed'].includes(document.body.dataset.hearthStatus ?? ''),
      firstPicks,
      { timeout },
    );
  } catch (e) {
    const more = errors ? `; errors: ${errors().join(' | ')}` : '';
    throw new Error(`the shop did not start${firstPicks ? ' or render its first picks' : ''}: ${JSON.stringify(await state())}${more}`, { cause: e });
  }
  return state();
}

/** Until Hearth has started or failed; asserts it is ready. */
export async function waitForHearth(page) {
  await page.waitForFunction(
    () => ['ready', 'memory-only', 'closed', 'failed'].includes(document.body.dataset.hearthStatus ?? ''),
    null,
    { timeout: 30_000 },
  );
  const status = await page.getAttribute('body', 'data-hearth-status');
  assert.equal(status, 'ready', `Hearth status after load (notice: ${await page.textContent('#notice')})`);
  await grantConsent(page);
}

/**
 * The store asks for consent on a first visit and learns nothing until then:
 * answers "Allow all" when the prompt shows (a returning visitor has none).
 */
export async function grantConsent(page) {
  await waitForShop(page, { timeout: 30_000 });
  const allow = page.locator('hearth-consent button', { hasText: 'Allow all' });
  if (await allow.isVisible()) {
    await allow.click();
    await page.waitForFunction(() => document.body.dataset.consent === 'granted');
    // The prompt shows "saved" for a few seconds, over the bottom of the page.
    await page.locator('hearth-consent').waitFor({ state: 'hidden', timeout: 10_000 });
  }
}
