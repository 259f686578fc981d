// The demo server and the catalog generator, without a browser: what they
// serve, with which headers, and what they refuse.
//
//   node --test tests/e2e/server.test.js

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

import { CSP, DEMO_CATALOG, startServer } from '../../demo/server.mjs';
import { BRANDS, DEPARTMENTS, REFERENCE_DATE, catalogToJSON, generateCatalog, imageSvg } from '../../scripts/gen-catalog.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** @type {{ url: string, port: number, close: () => Promise<void> }} */
let server;

before(async () => {
  server = await startServer({ port: 0 });
});

after(async () => {
  await server?.close();
});

/**
 * A raw GET (or other method) that sends the path exactly as given, so
 * traversal attempts are not normalised away by a URL parser first.
 */
function get(path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

test('the page is served with the strict CSP and no inline script or style', async () => {
  const res = await get('/');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(
    res.headers['content-security-policy'],
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:",
  );
  assert.equal(res.headers['content-security-policy'], CSP);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  const html = res.body.toString();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /<style/i, 'no <style> element');
  assert.doesNotMatch(html, /\sstyle=/i, 'no style attribute');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
  assert.doesNotMatch(html, /importmap/i, 'no import map (an inline script)');
});

test('product deep links serve the same page', async () => {
  const page = await get('/');
  const deep = await get('/p/sku-00042');
  assert.equal(deep.status, 200);
  assert.equal(deep.headers['content-security-policy'], CSP);
  assert.deepEqual(deep.body, page.body);
});

test('static files and package files have the right MIME types', async () => {
  const cases = [
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'image/svg+xml; charset=utf-8'],
    ['/hearth/index.js', 'text/javascript; charset=utf-8'],
    ['/hearth/errors.js', 'text/javascript; charset=utf-8'],
    ['/catalog.json', 'application/json; charset=utf-8'],
    ['/img/sku-00001.svg', 'image/svg+xml; charset=utf-8'],
  ];
  for (const [path, type] of cases) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers['content-type'], type, path);
    assert.equal(res.headers['content-security-policy'], CSP, path);
  }
});

test('the package is served from where `hearth` resolves', async () => {
  const served = await get('/hearth/index.js');
  const resolved = fileURLToPath(import.meta.resolve('hearth'));
  const { readFileSync } = await import('node:fs');
  assert.deepEqual(served.body, readFileSync(resolved));
});

test('the wasm, when built, is served as application/wasm', async (t) => {
  const { existsSync } = await import('node:fs');
  const wasm = new URL('../../js/wasm/hearth_wasm.wasm', import.meta.url);
  if (!existsSync(wasm)) {
    // The browser test (foundation.test.js) fails loudly without the wasm;
    // this one only checks the header.
    t.diagnostic('js/wasm/hearth_wasm.wasm not built; checking the 404 instead');
    assert.equal((await get('/hearth/wasm/hearth_wasm.wasm')).status, 404);
    return;
  }
  const res = await get('/hearth/wasm/hearth_wasm.wasm');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/wasm');
  assert.deepEqual([...res.body.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  assert.equal((await get('/hearth/wasm/hearth_wasm.mjs')).headers['content-type'], 'text/javascript; charset=utf-8');
});

test('nothing outside demo/public and the package directory is reachable', async () => {
  const paths = [
    '/hearth/../package.json',
    '/hearth/%2e%2e/package.json',
    '/hearth/..%2fpackage.json',
    '/hearth/..%5cpackage.json',
    '/..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/server.mjs',
    '/../server.mjs',
    '/hearth/',
    '/hearth',
    '/img/../server.mjs',
    '/img/sku-99999.svg',
    '/img/%3Cscript%3E.svg',
    '/p/../../server.mjs',
    '/.git/config',
    '/hearth/.hidden',
    '/%00',
    '/%E0%A4%A',
  ];
  for (const path of paths) {
    const res = await get(path);
    assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
    assert.doesNotMatch(res.body.toString(), /root:|import |"name"/, path);
  }
});

test('only GET and HEAD are allowed; HEAD has no body', async () => {
  const post = await get('/', { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  const head = await get('/catalog.json', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.ok(Number(head.headers['content-length']) > 0);
});

test('ETags make revalidation cheap', async () => {
  for (const path of ['/catalog.json', '/app.js', '/img/sku-00002.svg']) {
    const first = await get(path);
    assert.ok(first.headers.etag, path);
    const again = await get(path, { headers: { 'if-none-match': first.headers.etag } });
    assert.equal(again.status, 304, path);
    assert.equal(again.body.length, 0, path);
  }
});

test('the served catalog is the fixed-seed demo catalog', async () => {
  const res = await get('/catalog.json');
  const items = JSON.parse(res.body.toString());
  assert.equal(items.length, DEMO_CATALOG.items);
  assert.equal(res.body.toString(), catalogToJSON(generateCatalog(DEMO_CATALOG)));
  for (const it of items.slice(0, 20)) {
    const img = await get(it.image);
    assert.equal(img.status, 200, it.image);
    assert.match(img.body.toString(), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  }
});

test('the server prints its URL, picks a free port for PORT=0 and stops on SIGTERM', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['demo/server.mjs'], { cwd: ROOT, env: { ...process.env, PORT: '0' } });
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    assert.match(line, /^Hearth demo: http:\/\/127\.0\.0\.1:\d+\/$/);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const { code } = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, 'a clean exit on SIGTERM');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

// ---- The generator -----------------------------------------------------------

test('the generator is deterministic and seed-dependent', () => {
  const a = generateCatalog({ items: 500, seed: 7 });
  assert.deepEqual(generateCatalog({ items: 500, seed: 7 }), a);
  assert.deepEqual(generateCatalog({ items: 500, seed: '7' }), a, 'numeric and string seeds agree');
  assert.notDeepEqual(generateCatalog({ items: 500, seed: 8 }), a);
  // A prefix of a bigger catalog is not required, but ids are stable by position.
  assert.deepEqual(
    a.map((it) => it.id).slice(0, 3),
    ['sku-00001', 'sku-00002', 'sku-00003'],
  );
});

test('generated items are realistic and within the core\'s limits', () => {
  const items = generateCatalog({ items: 2000, seed: 'limits' });
  const ids = new Set();
  const departments = new Set(DEPARTMENTS.map((d) => d.name));
  const brands = new Set(BRANDS.map((b) => b.name));
  const ref = Date.parse(REFERENCE_DATE);
  const categories = new Set();
  let outOfStock = 0;
  for (const it of items) {
    assert.ok(!ids.has(it.id), `duplicate id ${it.id}`);
    ids.add(it.id);
    assert.match(it.id, /^sku-\d{5}$/);
    assert.ok(it.title.length > 3 && it.title.length < 80, it.title);
    const [dept, sub, ...rest] = it.category.split(' > ');
    assert.ok(departments.has(dept) && sub && rest.length === 0, it.category);
    categories.add(it.category);
    assert.ok(it.tags.length <= 4 && new Set(it.tags).size === it.tags.length, JSON.stringify(it.tags));
    assert.ok(brands.has(it.brand), it.brand);
    assert.ok(Number.isFinite(it.price) && it.price > 0 && it.price < 10_000, String(it.price));
    assert.equal(Math.round(it.price * 100) / 100, it.price, 'prices have at most two decimals');
    const created = Date.parse(it.created_at);
    assert.ok(created <= ref && created > ref - 731 * 86_400_000, it.created_at);
    assert.ok(Number.isInteger(it.stock) && it.stock >= 0);
    if (it.stock === 0) outOfStock++;
    assert.ok(it.popularity >= 0 && it.popularity <= 100);
    assert.equal(it.image, `/img/${it.id}.svg`);
    assert.equal(it.url, `/p/${it.id}`);
    assert.ok(it.description.length > 40, it.description);
  }
  assert.ok(categories.size >= 24 && categories.size <= 40, `${categories.size} categories`);
  assert.ok(outOfStock > 50 && outOfStock < 300, `${outOfStock} out of stock`);
});

test('10,000 items are about 4-5 MB of JSON, the same bytes from the command line', () => {
  const cli = execFileSync(process.execPath, ['scripts/gen-catalog.mjs', '--items', '10000', '--seed', '42'], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  assert.ok(cli.length > 4e6 && cli.length < 5.5e6, `${cli.length} bytes`);
  assert.equal(cli.toString(), catalogToJSON(generateCatalog({ items: 10000, seed: 42 })));
  assert.equal(JSON.parse(cli.toString()).length, 10000);
});

test('the command line rejects bad arguments', () => {
  for (const args of [['--items', 'ten'], ['--bogus'], ['--items']]) {
    assert.throws(
      () => execFileSync(process.execPath, ['scripts/gen-catalog.mjs', ...args], { cwd: ROOT, stdio: 'pipe' }),
      (e) => e.status === 2 && /gen-catalog:/.test(e.stderr.toString()),
      args.join(' '),
    );
  }
});

test('product images escape item text', () => {
  const svg = imageSvg({ id: 'x', title: '<script>alert(1)</script> & "Co"', category: 'Books > Design' });
  assert.doesNotMatch(svg, /<script/);
  assert.match(svg, /&lt;script&gt;/);
  assert.match(svg, /&amp; &quot;Co&quot;/);
});
