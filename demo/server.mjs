#!/usr/bin/env node
// The Hearth demo storefront server: dependency-free, loopback only.
//
//   node demo/server.mjs               # http://127.0.0.1:8080/
//   PORT=0 node demo/server.mjs        # a free port, printed on start
//
// Serves
//   /                 demo/public/ (the storefront page, its script and styles)
//   /p/<id>           the same page, opened on a product (deep links)
//   /hearth/...       the `hearth` package's files, including its wasm, found
//                     the way an app finds it (package resolution, not a path
//                     into the repo's sources)
//   /catalog.json     a demo catalog generated at startup (fixed seed)
//   /img/<id>.svg     a product image generated from the item
//   /collector/...    the private-report collector and its dashboard
//                     (demo/collector/server.mjs), when started with one
//   POST /api/simulate?n=N  plays N (1–500, default 150) synthetic shoppers
//                     through the real SDK in this process against that
//                     collector (demo/simulator.mjs); one run at a time
// Every response carries the strict Content-Security-Policy the SDK promises
// to work under: no inline scripts or styles, wasm allowed, nothing else.

import { createServer, request } from 'node:http';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';

import { catalogToJSON, generateCatalog, imageSvg } from '../scripts/gen-catalog.mjs';
import { mountCollector } from './collector/server.mjs';
import { DEFAULT_SHOPPERS, MAX_SHOPPERS, simulateShoppers } from './simulator.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = join(HERE, 'public');

export const DEMO_CATALOG = { items: 300, seed: 'hearth-demo' };

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
};

/**
 * The directory of the `hearth` package's entry module, resolved as an app
 * would resolve `import 'hearth'` (here through the repo's own package.json
 * "exports", i.e. package self-reference).
 */
export function resolvePackageDir() {
  let entry;
  try {
    entry = import.meta.resolve('hearth');
  } catch (e) {
    throw new Error(
      `cannot resolve the "hearth" package (${e.message}). ` +
        'Run the demo from the repository (its package.json is named "hearth" and has "exports") ' +
        'or install the package next to the demo.',
      { cause: e },
    );
  }
  return dirname(fileURLToPath(entry));
}

/**
 * Starts the demo server. Resolves once it listens.
 * `collector`: options for mountCollector (store URL, k, …) to serve the
 * collector under /collector/ from this process, or null (default) for none.
 * `collectorProcess`: command-line arguments for demo/collector/server.mjs
 * run as a child process (its own event loop: PGlite runs queries on the
 * thread that calls it) and proxied under /collector/; the CLI uses this.
 * @param {{ port?: number, host?: string, log?: (line: string) => void, collector?: object | null, collectorProcess?: string[] | null }} [options]
 * @returns {Promise<{ url: string, port: number, collectorUrl: string | null, close: () => Promise<void> }>}
 */
export async function startServer({ port = 8080, host = '127.0.0.1', log = () => {}, collector = null, collectorProcess = null } = {}) {
  const packageDir = resolvePackageDir();
  const items = generateCatalog(DEMO_CATALOG);
  const itemsById = new Map(items.map((it) => [it.id, it]));
  const catalogBody = Buffer.from(catalogToJSON(items));
  const catalogTag = etagOf(catalogBody);
  // The collector opens its store in the background (PGlite takes seconds):
  // the shop is up at once, /collector/ answers 503 until the store is open.
  let mounted = null;
  let collectorError = null;
  const mounting = collector
    ? mountCollector({ log, ...collector }).then(
        (m) => (mounted = m),
        (e) => {
          collectorError = e;
          log(`collector not available: ${e.message}`);
        },
      )
    : null;
  const child = collectorProcess ? startCollectorProcess(collectorProcess, log) : null;

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`500 ${req.method} ${req.url}: ${err.stack || err}`);
      if (!res.headersSent) send(req, res, 500, 'text/plain; charset=utf-8', 'Internal server error\n');
      else res.destroy();
    });
  });

  async function handle(req, res) {
    if (child && /^\/collector(\/|$|\?)/.test(req.url)) return child.proxy(req, res);
    if (mounted?.handle(req, res)) return;
    if (mounting && !mounted && /^\/collector(\/|$)/.test(req.url)) {
      res.setHeader('Retry-After', '2');
      return send(req, res, 503, 'text/plain; charset=utf-8', collectorError ? `Collector unavailable: ${collectorError.message}\n` : 'Collector starting, retry in a moment\n');
    }
    if (/^\/api\/simulate(\?|$)/.test(req.url)) return simulate(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(req, res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(req, res, 400, 'text/plain; charset=utf-8', 'Bad request\n');
    }
    if (path.includes('\0')) return send(req, res, 400, 'text/plain; charset=utf-8', 'Bad request\n');

    if (path === '/catalog.json') {
      res.setHeader('Vary', 'Accept-Encoding');
      const encoding = pickEncoding(req.headers['accept-encoding']);
      if (encoding && req.headers['if-none-match'] !== catalogTag) {
        return send(req, res, 200, MIME['.json'], await compressed('/catalog.json', catalogTag, catalogBody, encoding, res), catalogTag, undefined, encoding);
      }
      return send(req, res, 200, MIME['.json'], catalogBody, catalogTag);
    }
    const img = /^\/img\/([A-Za-z0-9_-]{1,64})\.svg$/.exec(path);
    if (img) {
      const item = itemsById.get(img[1]);
      if (!item) return notFound(req, res);
      const body = Buffer.from(imageSvg(item));
      return send(req, res, 200, MIME['.svg'], body, etagOf(body), 'public, max-age=86400');
    }
    if (path === '/hearth' || path.startsWith('/hearth/')) {
      return sendFile(req, res, packageDir, path.slice('/hearth'.length));
    }
    if (path === '/' || /^\/p\/[A-Za-z0-9_-]{1,64}$/.test(path)) {
      return sendFile(req, res, PUBLIC_DIR, '/index.html');
    }
    return sendFile(req, res, PUBLIC_DIR, path);
  }

  let simulating = false;
  async function simulate(req, res) {
    const json = (status, body) => send(req, res, status, MIME['.json'], JSON.stringify(body));
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return json(405, { error: { code: 'INVALID_ARGUMENT', message: 'POST /api/simulate?n=N' } });
    }
    req.resume(); // no body expected
    if (!collector && !child) return json(503, { error: { code: 'UNAVAILABLE', message: 'this server runs without a collector' } });
    const raw = new URL(req.url, 'http://localhost').searchParams.get('n') ?? String(DEFAULT_SHOPPERS);
    const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= MAX_SHOPPERS)) {
      return json(400, { error: { code: 'INVALID_ARGUMENT', message: `n must be an integer in [1, ${MAX_SHOPPERS}], got ${JSON.stringify(raw.slice(0, 20))}` } });
    }
    if (simulating) return json(409, { error: { code: 'ABORTED', message: 'a simulation is already running; try again when it ends' } });
    simulating = true;
    try {
      await (mounting ?? child?.ready);
      const [promotions, campaigns] = await Promise.all([
        readFile(join(PUBLIC_DIR, 'data', 'promotions.json'), 'utf8'),
        readFile(join(PUBLIC_DIR, 'data', 'campaigns.json'), 'utf8'),
      ]);
      const self = `http://127.0.0.1:${server.address().port}/collector`;
      const result = await simulateShoppers({ n, endpoint: self, catalogText: catalogBody.toString('utf8'), promotions, campaigns });
      log(`simulated ${result.shoppers} shoppers: ${result.reportsAcked} reports accepted in ${result.ms} ms`);
      return json(200, result);
    } catch (e) {
      return json(500, { error: { code: 'INTERNAL', message: String(e?.message ?? e) } });
    } finally {
      simulating = false;
    }
  }

  async function sendFile(req, res, root, relPath) {
    const file = resolve(root, `.${relPath}`);
    // Never leave the root (../, encoded or not) and never serve dotfiles.
    if ((file !== root && !file.startsWith(root + sep)) || /[\\/]\./.test(file.slice(root.length))) {
      return notFound(req, res);
    }
    let info;
    try {
      info = await stat(file);
    } catch {
      return notFound(req, res);
    }
    if (info.isDirectory()) return notFound(req, res);
    const tag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const type = file.endsWith('.d.ts') ? MIME['.d.ts'] : MIME[extname(file)] ?? 'application/octet-stream';
    if (req.headers['if-none-match'] === tag) return send(req, res, 304, type, null, tag);
    const body = await readFile(file);
    if (COMPRESSIBLE.has(extname(file)) && !file.endsWith('.d.ts')) {
      res.setHeader('Vary', 'Accept-Encoding');
      const encoding = pickEncoding(req.headers['accept-encoding']);
      if (encoding) return send(req, res, 200, type, await compressed(file, tag, body, encoding, res), tag, undefined, encoding);
    }
    return send(req, res, 200, type, body, tag);
  }

  try {
    await new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (e) {
    await mounting;
    await mounted?.close();
    throw e;
  }
  const actualPort = server.address().port;
  precompress([PUBLIC_DIR, packageDir], [{ key: '/catalog.json', tag: catalogTag, body: catalogBody }]).catch((e) =>
    log(`precompressing the static files failed (they are compressed on request instead): ${e.message}`),
  );
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    collectorUrl: collector || child ? `http://${host}:${actualPort}/collector/` : null,
    /** Resolves once the collector's store is open (or failed to open). */
    collectorReady: mounting ?? child?.ready ?? Promise.resolve(),
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      })
        .then(() => child?.stop())
        .then(() => mounting)
        .then(() => mounted?.close()),
  };
}

/**
 * The collector as a child process on a free loopback port, and a proxy to
 * it for /collector/… (503 while it starts or if it is gone).
 */
function startCollectorProcess(args, log) {
  const script = join(HERE, 'collector', 'server.mjs');
  const proc = spawn(process.execPath, [script, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let target = null;
  let failure = null;
  let out = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => log(`collector: ${String(d).trimEnd()}`));
  const ready = new Promise((ok) => {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /Hearth collector .*: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m && !target) {
        target = Number(m[1]);
        ok();
      }
    });
    proc.on('exit', (code, signal) => {
      target = null;
      failure = `the collector process exited (${code ?? signal})`;
      log(failure);
      ok();
    });
  });
  function unavailable(res, why) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '2', ...SECURITY_HEADERS });
    res.end(`Collector unavailable: ${why}\n`);
  }
  return {
    ready,
    proxy(req, res) {
      const path = req.url.slice('/collector'.length);
      if (path === '' || path.startsWith('?')) {
        res.writeHead(308, { Location: `/collector/${path}` });
        return res.end();
      }
      if (!target) return unavailable(res, failure ?? 'starting, retry in a moment');
      const upstream = request({ host: '127.0.0.1', port: target, path, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (e) => (res.headersSent ? res.destroy() : unavailable(res, e.message)));
      req.pipe(upstream);
    },
    stop: () =>
      new Promise((ok) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return ok();
        proc.once('exit', () => ok());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

// ---- Compression -------------------------------------------------------------
//
// Scripts, styles, the wasm and the page travel compressed (brotli when the
// browser offers it, else gzip), as any production static host would send
// them, so the demo's "JS + wasm transferred" is the realistic number. Each
// file version (size + mtime) is compressed once and kept in memory: first
// fast (brotli 5 / gzip 6: ~0.1 s for the 0.9 MB wasm), and then, in the
// background and one file at a time, at the best setting (brotli 11 /
// gzip 9), which later responses use. Brotli 11 of the wasm takes seconds
// of CPU: done on the request path it held up the first page load, and
// several at once filled libuv's thread pool so that even file reads waited.

const COMPRESSIBLE = new Set(['.js', '.mjs', '.wasm', '.css', '.html', '.svg', '.json']);
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** file → { tag, encodings: Map<encoding, { fast: Promise<Buffer>, best: Buffer | null }> } */
const compressedCache = new Map();
/** The background queue of best-setting compressions (one at a time). */
let bestQueue = Promise.resolve();

/** 'br', 'gzip' or null from an Accept-Encoding header (q=0 means "not this one"). */
export function pickEncoding(header) {
  if (typeof header !== 'string') return null;
  const offered = new Map();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    offered.set(name.trim(), q ? Number(q[1]) : 1);
  }
  for (const e of ['br', 'gzip']) if ((offered.get(e) ?? offered.get('*') ?? 0) > 0) return e;
  return null;
}

function compress(body, encoding, best) {
  if (encoding === 'gzip') return gzipAsync(body, { level: best ? 9 : 6 });
  return brotliAsync(body, {
    params: { [zlibConstants.BROTLI_PARAM_QUALITY]: best ? 11 : 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}

/**
 * The body compressed with `encoding`: the best setting once it is ready, else
 * the fast one. `res`, when given, gets `X-Compression: best | fast`.
 */
async function compressed(file, tag, body, encoding, res = null) {
  let entry = compressedCache.get(file);
  if (!entry || entry.tag !== tag) {
    entry = { tag, encodings: new Map() };
    compressedCache.set(file, entry);
  }
  let variant = entry.encodings.get(encoding);
  if (!variant) {
    const v = { fast: compress(body, encoding, false), best: null };
    variant = v;
    entry.encodings.set(encoding, v);
    v.fast.catch(() => entry.encodings.delete(encoding));
    bestQueue = bestQueue
      .then(() => compress(body, encoding, true))
      .then(
        (bytes) => (v.best = bytes),
        () => {}, // keep serving the fast one
      );
  }
  res?.setHeader('X-Compression', variant.best ? 'best' : 'fast');
  return variant.best ?? variant.fast;
}

/**
 * Queues the compression of what every first visit fetches (the page, its
 * scripts and styles, the package's JS and wasm, the catalog) at start, so
 * that the first shopper already gets the best setting.
 */
async function precompress(roots, extra) {
  const files = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'wasm-debug' && !entry.name.startsWith('.')) await walk(p);
      } else if (COMPRESSIBLE.has(extname(entry.name)) && !entry.name.endsWith('.d.ts')) {
        files.push(p);
      }
    }
  };
  for (const root of roots) await walk(root);
  for (const file of files) {
    const info = await stat(file);
    const tag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const body = await readFile(file);
    for (const encoding of ['br', 'gzip']) compressed(file, tag, body, encoding).catch(() => {});
  }
  for (const { key, tag, body } of extra) for (const encoding of ['br', 'gzip']) compressed(key, tag, body, encoding).catch(() => {});
}

function etagOf(body) {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

function notFound(req, res) {
  return send(req, res, 404, 'text/plain; charset=utf-8', 'Not found\n');
}

/**
 * Writes a complete response. `no-cache` means "revalidate each time": the
 * demo is edited while it runs, and ETags keep revalidation cheap.
 */
function send(req, res, status, type, body, etag, cacheControl = 'no-cache', encoding = null) {
  if (status === 200 && etag && req.headers['if-none-match'] === etag) status = 304;
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cacheControl);
  if (etag) res.setHeader('ETag', etag);
  if (encoding) res.setHeader('Content-Encoding', encoding);
  // Compressed or not depends on the request: caches must keep both apart.
  if (encoding) res.setHeader('Vary', 'Accept-Encoding');
  if (status === 304 || body == null) {
    res.writeHead(status);
    return res.end();
  }
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.setHeader('Content-Length', bytes.length);
  res.writeHead(status);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

// ---------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const raw = process.env.PORT ?? '8080';
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    process.stderr.write(`demo server: PORT must be an integer in [0, 65535], got "${raw}"\n`);
    process.exit(2);
  }
  // Handlers first: a signal that arrives while starting (or right after the
  // URL is printed) must still end the process cleanly.
  /** @type {{ close: () => Promise<void> } | null} */
  let running = null;
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`demo server: ${signal}, closing\n`);
    if (!running) process.exit(0);
    running.close().then(() => process.exit(0));
    // Do not hang on a stuck connection.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    // The collector (embedded PGlite unless HEARTH_COLLECTOR_DATABASE_URL says
    // otherwise) runs inside the demo server; HEARTH_DEMO_COLLECTOR=0 leaves it out.
    // k: the demo's synthetic crowd is a few hundred shoppers, so cells are
    // released from 25 reports (HEARTH_DEMO_K; production collectors use ≥ 100).
    const k = process.env.HEARTH_DEMO_K ?? '25';
    // HEARTH_DEMO_COLLECTOR=0 leaves it out; =memory keeps its store in memory (tests).
    const mode = process.env.HEARTH_DEMO_COLLECTOR;
    const collectorProcess = mode === '0' ? null : ['--k', k, ...(mode === 'memory' ? ['--memory'] : [])];
    running = await startServer({ port: Number(raw), collectorProcess, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    process.stderr.write(`demo server: ${e.message}\n`);
    process.exit(1);
  }
  if (stopping) {
    await running.close();
    process.exit(0);
  }
  process.stdout.write(`Hearth demo: ${running.url}\n`);
  if (running.collectorUrl) process.stdout.write(`Hearth collector dashboard: ${running.collectorUrl}\n`);
}
