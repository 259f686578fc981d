// The package as a consumer gets it: `npm pack`, install the tarball into a
// fresh app in a temp dir (offline: the package has no dependencies; the
// app's @openfeature/web-sdk peer is copied from this repository's
// node_modules), bundle the app (tests/consumer/app/) with esbuild, Vite and
// webpack, and run each bundle in Chromium under the strict CSP
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'
// with zero CSP violations and console errors, checking real behaviour
// (catalog load, track, picks, profile changes, the OpenFeature provider).
// Then Node as a server renderer: recommend from a restored snapshot in a
// process with no DOM.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, test } from 'node:test';

import { launchChromium, ROOT, SHOTS, TEST_TIMEOUT, watch } from './harness.js';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TYPES = { '.svg': 'image/svg+xml', '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** @type {string} */ let tmp;
/** @type {string} */ let app;
/** @type {{ path: string }[]} */ let packed;
/** @type {import('playwright-core').Browser | null} */ let browser = null;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'hearth-consumer-'));
  // 1. npm pack, as `npm publish` would.
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out);
  packed = info.files;
  // 2. A fresh app that installs the tarball (offline: nothing else is needed).
  app = join(tmp, 'app');
  await cp(join(ROOT, 'tests', 'consumer', 'app'), app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2));
  execFileSync(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', join(tmp, info.filename)], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The OpenFeature SDK is the app's own dependency (a peer of hearth/openfeature).
  for (const pkg of ['web-sdk', 'core']) {
    await cp(join(ROOT, 'node_modules', '@openfeature', pkg), join(app, 'node_modules', '@openfeature', pkg), { recursive: true });
  }
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the tarball holds the package and nothing else; every export resolves inside it', async () => {
  const files = new Set(packed.map((f) => f.path));
  for (const must of ['js/index.js', 'js/index.d.ts', 'js/wasm/hearth_wasm.mjs', 'js/wasm/hearth_wasm.wasm', 'js/openfeature/index.js', 'js/openfeature/index.d.ts', 'README.md', 'CHANGELOG.md', 'package.json']) {
    assert.ok(files.has(must), `${must} is missing from the tarball`);
  }
  for (const f of files) assert.match(f, /^(js\/|README\.md$|CHANGELOG\.md$|package\.json$)/, `${f} should not be published`);
  assert.ok(![...files].some((f) => f.startsWith('js/wasm-debug/')), 'the debug wasm is not published');
  const pkg = JSON.parse(await readFile(join(app, 'node_modules', 'hearth', 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies, undefined, 'the SDK has no runtime dependencies (the collector\'s live in devDependencies)');
  for (const [sub, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(files.has(file.replace(/^\.\//, '')), `exports['${sub}'] → ${file} is not in the tarball`);
    }
  }
});

/**
 * Serves `dir` with the strict CSP on every response.
 * @param {string} dir
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function serve(dir) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    res.setHeader('Content-Security-Policy', CSP);
    if (!file.startsWith(dir + sep)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r(undefined))) };
}

const BUNDLERS = {
  /** esbuild: the .wasm is not an asset to esbuild; copy it next to the bundle (the README recipe). */
  async esbuild(outDir) {
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      absWorkingDir: app,
      entryPoints: ['src/main.js'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outfile: join(outDir, 'main.js'),
      logLevel: 'silent',
    });
    await mkdir(join(outDir, 'wasm'), { recursive: true });
    await cp(join(app, 'node_modules', 'hearth', 'js', 'wasm', 'hearth_wasm.wasm'), join(outDir, 'wasm', 'hearth_wasm.wasm'));
    const html = (await readFile(join(app, 'index.html'), 'utf8')).replace('./src/main.js', './main.js');
    await writeFile(join(outDir, 'index.html'), html);
    await cp(join(app, 'public'), outDir, { recursive: true });
    return r.warnings.map((w) => w.text);
  },
  /** Vite: `new URL('./wasm/hearth_wasm.wasm', import.meta.url)` becomes a hashed asset. */
  async vite(outDir) {
    const { build } = await import('vite');
    /** @type {string[]} */
    const warnings = [];
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      customLogger: {
        info() {},
        warn: (m) => warnings.push(m),
        warnOnce: (m) => warnings.push(m),
        error: (m) => warnings.push(`error: ${m}`),
        clearScreen() {},
        hasErrorLogged: () => false,
        hasWarned: false,
      },
      build: {
        outDir,
        emptyOutDir: true,
        chunkSizeWarningLimit: 2000,
        rollupOptions: { input: { main: join(app, 'index.html'), worker: join(app, 'worker.html') } },
      },
    });
    // Rolldown's plugin-timing notice says the machine was busy, not that the build is wrong.
    return warnings.filter((w) => !w.includes('[PLUGIN_TIMINGS]'));
  },
  /** webpack 5: the same `new URL(…, import.meta.url)` is an asset/resource module. */
  async webpack(outDir) {
    const webpack = (await import('webpack')).default;
    const compiler = webpack({
      mode: 'production',
      context: app,
      entry: { main: './src/main.js', 'worker-page': './src/worker-page.js' },
      output: { path: outDir, filename: '[name].js', clean: true },
      devtool: false,
      performance: { hints: false },
    });
    const stats = await new Promise((resolve, reject) => compiler.run((err, s) => (err ? reject(err) : resolve(s))));
    await new Promise((r) => compiler.close(r));
    const info = stats.toJson({ all: false, errors: true, warnings: true });
    assert.deepEqual(info.errors?.map((e) => e.message) ?? [], [], 'webpack errors');
    const html = (await readFile(join(app, 'index.html'), 'utf8')).replace('<script type="module" src="./src/main.js">', '<script src="./main.js" defer>');
    await writeFile(join(outDir, 'index.html'), html);
    const workerHtml = (await readFile(join(app, 'worker.html'), 'utf8')).replace('<script type="module" src="./src/worker-page.js">', '<script src="./worker-page.js" defer>');
    await writeFile(join(outDir, 'worker.html'), workerHtml);
    await cp(join(app, 'public'), outDir, { recursive: true });
    return info.warnings?.map((w) => w.message) ?? [];
  },
};

for (const [name, bundle] of Object.entries(BUNDLERS)) {
  test(`${name}: the bundled app runs in Chromium under the strict CSP`, { timeout: TEST_TIMEOUT * 2 }, async () => {
    const outDir = join(app, 'dist', name);
    await mkdir(outDir, { recursive: true });
    const warnings = await bundle(outDir);
    assert.deepEqual(warnings, [], `${name} warnings`);
    // One .wasm and no stray copy of the Emscripten glue among the assets.
    const emitted = await readdir(outDir, { recursive: true });
    assert.equal(emitted.filter((f) => f.endsWith('.wasm')).length, 1, `${name} emitted ${emitted}`);
    assert.deepEqual(emitted.filter((f) => f.endsWith('.mjs')), [], `${name} emitted the glue as an asset`);
    const server = await serve(outDir);
    try {
      await checkInChromium(server.url, name);
      // The Worker recipe, bundled (esbuild has no worker bundling of its own).
      if (name !== 'esbuild') await checkWorkerPage(`${server.url}worker.html`, name);
    } finally {
      await server.close();
    }
  });
}

test('vite dev server: the app runs unbundled from node_modules under the strict CSP', { timeout: TEST_TIMEOUT * 2 }, async () => {
  const { createServer } = await import('vite');
  const server = await createServer({
    root: app,
    configFile: false,
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, strictPort: false, headers: { 'Content-Security-Policy': CSP }, hmr: false },
  });
  await server.listen();
  try {
    await checkInChromium(server.resolvedUrls.local[0], 'vite-dev');
  } finally {
    await server.close();
  }
});

/**
 * The worker page: Hearth runs in the module worker the bundler emitted.
 * @param {string} url
 * @param {string} name
 */
async function checkWorkerPage(url, name) {
  browser ??= await launchChromium();
  const context = await browser.newContext();
  const seen = await watch(context);
  const workers = [];
  try {
    const page = await context.newPage();
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(url);
    await page.waitForFunction(() => /** @type {any} */ (globalThis).__consumer, null, { timeout: 30_000 });
    const r = await page.evaluate(() => /** @type {any} */ (globalThis).__consumer);
    assert.equal(r.error, undefined, `the worker page failed: ${r.error}`);
    assert.equal(r.items, 5);
    assert.equal(r.events, 2);
    assert.ok(r.interests.includes('cat:camping'), `${r.interests}`);
    assert.equal(r.picks.length, 3);
    assert.ok(r.picks.every((/** @type {any} */ p) => p.reason.length > 0));
    assert.ok(r.changes >= 1, "'change' events reach the page");
    assert.equal(r.refused, 'INVALID_ARGUMENT', 'a method outside METHODS is refused');
    assert.equal(workers.length, 1, `one worker: ${workers}`);
    const wasm = seen.requests.filter((q) => q.url.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `${name}: the worker fetched the .wasm: ${wasm.map((q) => q.url)}`);
    assert.deepEqual(seen.cspViolations, [], 'CSP violations');
    assert.deepEqual(seen.consoleErrors, [], 'console errors');
    assert.deepEqual(seen.pageErrors, [], 'page errors');
    assert.deepEqual(seen.failedRequests, [], 'failed requests');
  } finally {
    await context.close();
  }
}

/**
 * Opens the app, checks what it did, reloads (a returning visitor), and
 * checks the page stayed clean: no CSP violation, console error, page error
 * or failed request; one .wasm request; every request same-origin.
 * @param {string} url
 * @param {string} name
 */
async function checkInChromium(url, name) {
  browser ??= await launchChromium();
  const context = await browser.newContext();
  const seen = await watch(context);
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => /** @type {any} */ (globalThis).__consumer, null, { timeout: 30_000 });
    const r = await page.evaluate(() => /** @type {any} */ (globalThis).__consumer);
    await page.screenshot({ path: join(SHOTS, `consumer-${name}.png`) });
    assert.equal(r.error, undefined, `the app failed: ${r.error}`);
    // Real behaviour: the catalog loads (one bad item reported), events
    // change the profile, picks come with reasons, state is saved.
    assert.deepEqual(r.catalog, { items: 5, rejected: 1, size: 5 });
    assert.equal(r.version, '0.1.0');
    assert.deepEqual(r.before, { events: 0, interests: 0, segment: 'new' });
    assert.equal(r.after.events, 4);
    assert.equal(r.after.purchases, 1);
    assert.ok(r.after.interests.includes('cat:shoes'), `interests ${r.after.interests}`);
    assert.ok(r.after.summary.length > 0);
    assert.equal(r.picks.length, 3);
    for (const p of r.picks) {
      assert.ok(p.reason.length > 0 && p.propensity > 0 && p.propensity <= 1, JSON.stringify(p));
    }
    assert.equal(r.status, 'ready');
    assert.equal(r.afterSave, 'ready', 'saved to IndexedDB without a storage error');
    const { firstPick, ...of } = r.openfeature;
    assert.deepEqual(of, { segment: r.after.segment, reason: 'TARGETING_MATCH', missing: 'FLAG_NOT_FOUND' });
    assert.match(firstPick, /^(trail-2|city-1|tent-1|mug-1)$/, 'the provider picks a catalog item (not the purchased one)');
    const wasm = seen.requests.filter((q) => q.url.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one .wasm request: ${wasm.map((q) => q.url)}`);
    // A returning visitor: the profile comes back from IndexedDB.
    await page.reload();
    await page.waitForFunction(() => /** @type {any} */ (globalThis).__consumer, null, { timeout: 30_000 });
    const again = await page.evaluate(() => /** @type {any} */ (globalThis).__consumer);
    assert.equal(again.error, undefined, `the app failed on reload: ${again.error}`);
    assert.equal(again.before.events, 4, 'restored from IndexedDB');
    // The purchase carries the same order id: recorded once, not twice.
    assert.deepEqual([again.after.events, again.after.purchases], [7, 1]);
    assert.ok(seen.requests.every((q) => q.url.startsWith(url)), 'every request is same-origin');
    assert.deepEqual(seen.cspViolations, [], 'CSP violations');
    assert.deepEqual(seen.consoleErrors, [], 'console errors');
    assert.deepEqual(seen.pageErrors, [], 'page errors');
    assert.deepEqual(seen.failedRequests, [], 'failed requests');
  } finally {
    await context.close();
  }
}

test('Node (SSR): recommend from a restored snapshot in a process with no DOM', () => {
  const state = join(tmp, 'state.bin');
  const run = (/** @type {string[]} */ args) => {
    const r = spawnSync(process.execPath, ['ssr.mjs', ...args], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `node ssr.mjs ${args[0]}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const first = run(['export', state]);
  assert.equal(first.after.events, 4);
  const ssr = run(['render', state]);
  assert.equal(ssr.hasDom, false);
  assert.equal(ssr.events, 4, 'the profile came back from the snapshot');
  assert.equal(ssr.segment, first.after.segment);
  assert.equal(ssr.picks.length, 3);
  assert.ok(ssr.picks.every((/** @type {any} */ p) => p.reason.length > 0));
  assert.match(ssr.html, /^<ul>(<li data-sku="[^"]+">[^<]+<\/li>){3}<\/ul>$/);
  // The shopper bought trail-1: it is not picked again.
  assert.ok(!ssr.picks.some((/** @type {any} */ p) => p.item === 'trail-1'));
});
