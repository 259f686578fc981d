#!/usr/bin/env node
// The Hearth collector: receives devices' private reports, counts each one
// exactly once, and serves what a business may learn from them.
//
//   node demo/collector/server.mjs                         # PGlite in ./.hearth-collector, port 8787
//   node demo/collector/server.mjs --port 0 --store pglite --data-dir /tmp/c
//   HEARTH_COLLECTOR_DATABASE_URL=postgres://hearth@127.0.0.1:5432/hearth \
//     node demo/collector/server.mjs --store postgres
//
// Endpoints (relative to where it is mounted; `/` standalone, `/collector/`
// inside the demo server):
//   POST reports        {"reports":[…]} → {"accepted","duplicates","rejected"}
//   GET  priors         {"v":1,"period","categories":[{"key","share"}]}
//   GET  api/lift       per campaign: treatment vs holdout, lift with a CI
//   GET  api/interests  debiased interest shares per period (released cells)
//   GET  api/stats      reports per day, budget spent per sync, rejections
//   GET  healthz        200 once the store is open
//   GET  /              the dashboard (dashboard.html/.js/.css, strict CSP)
//
// Example (embedding):
//   const c = await startCollector({ port: 0, url: 'pglite:memory' });
//   await fetch(`${c.url}reports`, { method: 'POST', body: JSON.stringify({ reports }) });
//   await c.close();

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { DATABASE_URL_ENV, openStore } from './store.mjs';
import { ingest } from './ingest.mjs';
import { loadValidator } from './validate.mjs';
import { liftByCampaign, interestsByPeriod, priorsFrom, statsFrom } from './estimate.mjs';
import { reportCells } from './aggregate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = join(HERE, 'public');

/** Defaults, documented in README.md ("The collector"). */
export const DEFAULTS = Object.freeze({
  port: 8787,
  host: '127.0.0.1',
  /** A cell is released once at least this many distinct reports back it. */
  k: 100,
  /** Bytes; the wire contract caps a sync body at 64 KiB. */
  maxBodyBytes: 64 * 1024,
  /** Reports per POST (wire contract). */
  maxReports: 50,
  /** Concurrent POST /reports being read or stored; more get 503 + Retry-After. */
  maxInFlight: 32,
  /** Accept periods from this many days before today up to today (docs/privacy.md: devices report the last 7 days). */
  maxPeriodAgeDays: 8,
  maxPeriodAheadDays: 0,
  /** Whole request (headers + body) must arrive within this. */
  requestTimeoutMs: 15000,
  headersTimeoutMs: 10000,
});

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const STATIC = {
  '/': ['dashboard.html', 'text/html; charset=utf-8'],
  '/dashboard.html': ['dashboard.html', 'text/html; charset=utf-8'],
  '/dashboard.js': ['dashboard.js', 'text/javascript; charset=utf-8'],
  '/charts.js': ['charts.js', 'text/javascript; charset=utf-8'],
  '/dashboard.css': ['dashboard.css', 'text/css; charset=utf-8'],
};

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The collector without a listening socket: `handle(req, res, path)` serves
 * one request whose path is already relative to the mount point.
 * @param {{
 *   store: import('./store.mjs').Store,
 *   validator: { validate(text: string): { ok: true, report: any } | { ok: false, code: string, message: string } },
 *   k?: number, now?: () => number, log?: (line: string) => void,
 *   maxBodyBytes?: number, maxReports?: number, maxInFlight?: number,
 *   maxPeriodAgeDays?: number | null, maxPeriodAheadDays?: number | null,
 * }} options
 */
export function createCollector(options) {
  const o = { ...DEFAULTS, now: Date.now, log: () => {}, epsilonPerDay: options.validator?.epsilonPerDay ?? 1, ...options };
  if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`k must be an integer >= 1, got ${o.k}`);
  const { store, validator, log } = o;
  let inFlight = 0;
  const counters = { posts: 0, accepted: 0, duplicates: 0, rejected: 0, rejectedByCode: {}, envelopesRefused: 0 };

  function logEvent(event) {
    log(JSON.stringify({ ts: new Date(o.now()).toISOString(), ...event }));
  }

  function periodWindow() {
    const today = Date.UTC(...ymd(new Date(o.now())));
    const day = 86400000;
    return {
      min: o.maxPeriodAgeDays == null ? null : isoDay(today - o.maxPeriodAgeDays * day),
      max: o.maxPeriodAheadDays == null ? null : isoDay(today + o.maxPeriodAheadDays * day),
    };
  }

  /** Validates one report; returns a CountedReport or a rejection. */
  function check(raw, window) {
    const text = JSON.stringify(raw);
    const v = validator.validate(text);
    if (!v.ok) return { rejected: { code: v.code, message: v.message } };
    const r = v.report;
    if ((window.min && r.period < window.min) || (window.max && r.period > window.max)) {
      return {
        rejected: {
          code: 'OUT_OF_RANGE',
          message: `period ${r.period} is outside the accepted window [${window.min ?? '-inf'}, ${window.max ?? '+inf'}] (the collector's clock is ${isoDay(o.now())})`,
        },
      };
    }
    let cells;
    try {
      cells = reportCells(r);
    } catch (e) {
      return { rejected: { code: 'INVALID_ARGUMENT', message: e.message } };
    }
    return { report: { id: r.id, period: r.period, type: r.type, epsilon: r.epsilon, sdk: r.sdk, cells } };
  }

  async function postReports(req, res) {
    if (inFlight >= o.maxInFlight) {
      res.setHeader('Retry-After', '1');
      throw new HttpError(503, 'UNAVAILABLE', `collector busy (${inFlight} batches in flight); retry after 1 s`);
    }
    inFlight++;
    try {
      const body = await readBody(req, o.maxBodyBytes);
      let envelope;
      try {
        envelope = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new HttpError(400, 'INVALID_ARGUMENT', `body is not JSON: ${e.message}`);
      }
      if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
        throw new HttpError(400, 'INVALID_ARGUMENT', 'body must be an object {"reports":[…]}');
      }
      const extra = Object.keys(envelope).filter((key) => key !== 'reports');
      if (extra.length) throw new HttpError(400, 'INVALID_ARGUMENT', `unknown envelope field "${extra[0]}" (only "reports")`);
      const list = envelope.reports;
      if (!Array.isArray(list)) throw new HttpError(400, 'INVALID_ARGUMENT', '"reports" must be an array');
      if (list.length > o.maxReports) {
        throw new HttpError(400, 'INVALID_ARGUMENT', `"reports" has ${list.length} entries; at most ${o.maxReports} per request`);
      }

      const window = periodWindow();
      const rejected = [];
      const duplicates = [];
      const valid = [];
      const seen = new Set();
      list.forEach((raw, index) => {
        // Echo the id so the device can drop the report; a real id is 32 characters.
        const id = raw && typeof raw === 'object' && typeof raw.id === 'string' ? raw.id.slice(0, 64) : null;
        const out = check(raw, window);
        if (out.rejected) {
          rejected.push({ id, code: out.rejected.code, message: `reports[${index}]: ${out.rejected.message}` });
          return;
        }
        if (seen.has(out.report.id)) {
          duplicates.push(out.report.id);
          return;
        }
        seen.add(out.report.id);
        valid.push(out.report);
      });

      let fresh;
      try {
        fresh = await ingest(store, valid);
      } catch (e) {
        logEvent({ event: 'store_error', message: e.message, code: e.code });
        res.setHeader('Retry-After', '1');
        throw new HttpError(503, 'UNAVAILABLE', 'the store could not save this batch; nothing of it was counted, retry');
      }
      const accepted = [];
      for (const r of valid) (fresh.has(r.id) ? accepted : duplicates).push(r.id);

      counters.posts++;
      counters.accepted += accepted.length;
      counters.duplicates += duplicates.length;
      counters.rejected += rejected.length;
      for (const r of rejected) {
        counters.rejectedByCode[r.code] = (counters.rejectedByCode[r.code] ?? 0) + 1;
        logEvent({ event: 'report_rejected', id: r.id, code: r.code, message: r.message });
      }
      if (duplicates.length) logEvent({ event: 'report_duplicates', ids: duplicates });
      return sendJson(res, 200, { accepted, duplicates, rejected });
    } finally {
      inFlight--;
    }
  }

  async function getJson(path) {
    switch (path) {
      case '/priors': {
        const priors = await priorsFrom(store, { k: o.k, core: validator });
        if (!priors) throw new HttpError(404, 'NOT_FOUND', `no interest cells are released yet (each needs reports from at least k=${o.k} devices)`);
        return priors;
      }
      case '/api/lift':
        return liftByCampaign(store, { k: o.k, core: validator });
      case '/api/interests':
        return interestsByPeriod(store, { k: o.k, core: validator });
      case '/api/stats':
        return {
          ...(await statsFrom(store, { k: o.k, core: validator })),
          server: { k: o.k, epsilonPerDay: o.epsilonPerDay, ...structuredClone(counters) },
        };
      case '/healthz':
        await store.query('SELECT 1');
        return { ok: true, store: store.kind };
      default:
        return undefined;
    }
  }

  async function handle(req, res, path) {
    try {
      if (path === '/reports') {
        res.setHeader('Access-Control-Allow-Origin', '*');
        if (req.method === 'OPTIONS') {
          res.setHeader('Access-Control-Allow-Methods', 'POST');
          res.setHeader('Access-Control-Allow-Headers', 'content-type');
          res.setHeader('Access-Control-Max-Age', '86400');
          res.writeHead(204);
          return res.end();
        }
        if (req.method !== 'POST') {
          res.setHeader('Allow', 'POST, OPTIONS');
          throw new HttpError(405, 'INVALID_ARGUMENT', 'POST {"reports":[…]} to this URL');
        }
        return await postReports(req, res);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw new HttpError(405, 'INVALID_ARGUMENT', `${req.method} is not allowed here`);
      }
      if (path === '/priors') res.setHeader('Access-Control-Allow-Origin', '*');
      const data = await getJson(path);
      if (data !== undefined) return sendJson(res, 200, data);
      const file = STATIC[path];
      if (file) return sendBytes(res, 200, file[1], await readFile(join(PUBLIC_DIR, file[0])), req.method === 'HEAD');
      throw new HttpError(404, 'NOT_FOUND', `no such collector resource: ${path}`);
    } catch (e) {
      if (!(e instanceof HttpError)) {
        logEvent({ event: 'error', path, message: String(e?.stack ?? e) });
        e = new HttpError(500, 'INTERNAL', 'internal error (logged)');
      }
      if (e.status === 400 || e.status === 413) {
        counters.envelopesRefused++;
        logEvent({ event: 'envelope_refused', status: e.status, code: e.code, message: e.message });
      }
      if (res.headersSent) return res.destroy();
      // The body may be partly unread (413): close the connection afterwards.
      if (e.status === 413) res.setHeader('Connection', 'close');
      return sendJson(res, e.status, { error: { code: e.code, message: e.message } });
    }
  }

  return { handle, counters, options: o };
}

/**
 * Opens the store, loads the validator (the Hearth core, as wasm) and
 * listens. Resolves once it accepts connections.
 * @param {{ port?: number, host?: string, url?: string, log?: (line: string) => void } & Record<string, unknown>} [options]
 */
export async function startCollector(options = {}) {
  const { port = DEFAULTS.port, host = DEFAULTS.host, url = process.env[DATABASE_URL_ENV], log = () => {} } = options;
  const validator = options.validator ?? (await loadValidator({ policy: options.policy }));
  const store = await openStore({ url, log });
  const collector = createCollector({ ...options, store, validator, log });
  // Timeouts are checked every second (Node's default is every 30 s).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    let path;
    try {
      path = new URL(req.url, 'http://collector').pathname;
    } catch {
      path = '';
    }
    collector.handle(req, res, path);
  });
  server.requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  server.headersTimeout = options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 64;
  server.maxConnections = 1024;
  try {
    await new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  const actualPort = server.address().port;
  let closing;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    store,
    collector,
    close: () =>
      (closing ??= (async () => {
        await new Promise((ok) => {
          server.close(() => ok());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        });
        await store.close();
      })()),
  };
}

/**
 * The collector as a part of another Node server (the demo storefront):
 * opens the store and returns `handle(req, res)`, which serves and returns
 * true for paths under `prefix` (`/collector/reports`, `/collector/priors`,
 * the dashboard at `/collector/`) and returns false for anything else.
 * @param {{ prefix?: string, url?: string, log?: (line: string) => void } & Record<string, unknown>} [options]
 */
export async function mountCollector(options = {}) {
  const { prefix = '/collector', url = process.env[DATABASE_URL_ENV], log = () => {} } = options;
  const validator = options.validator ?? (await loadValidator({ policy: options.policy }));
  const store = await openStore({ url, log });
  const collector = createCollector({ ...options, store, validator, log });
  return {
    prefix,
    store,
    collector,
    handle(req, res) {
      let path;
      try {
        path = new URL(req.url, 'http://collector').pathname;
      } catch {
        return false;
      }
      if (path === prefix) {
        // The dashboard loads its files relative to the directory URL.
        res.writeHead(308, { Location: `${prefix}/` });
        res.end();
        return true;
      }
      if (!path.startsWith(`${prefix}/`)) return false;
      collector.handle(req, res, path.slice(prefix.length));
      return true;
    },
    close: () => store.close(),
  };
}

/**
 * Reads a request body, refusing (413) as soon as it exceeds `limit` bytes,
 * whether announced by Content-Length or discovered while streaming.
 */
function readBody(req, limit) {
  const announced = req.headers['content-length'];
  if (announced !== undefined && Number(announced) > limit) {
    return Promise.reject(new HttpError(413, 'RESOURCE_EXHAUSTED', `body of ${announced} bytes is over the ${limit}-byte limit; send fewer reports per request`));
  }
  return new Promise((ok, fail) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume(); // drain without keeping it
        fail(new HttpError(413, 'RESOURCE_EXHAUSTED', `body is over the ${limit}-byte limit; send fewer reports per request`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => ok(Buffer.concat(chunks, size)));
    req.on('error', (e) => fail(new HttpError(400, 'INVALID_ARGUMENT', `request body: ${e.message}`)));
    req.on('aborted', () => fail(new HttpError(400, 'INVALID_ARGUMENT', 'request aborted')));
  });
}

function sendJson(res, status, data) {
  return sendBytes(res, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(data)));
}

function sendBytes(res, status, type, bytes, headOnly = false) {
  for (const [key, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(key, value);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', bytes.length);
  res.writeHead(status);
  res.end(headOnly ? undefined : bytes);
}

function ymd(d) {
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------
// Command line

const USAGE = `usage: node demo/collector/server.mjs [--port N] [--host H] [--store pglite|postgres]
                                       [--data-dir DIR | --memory] [--k N]
  --store pglite     embedded PostgreSQL (PGlite); data in --data-dir (default ./.hearth-collector)
  --store postgres   a PostgreSQL server at $${DATABASE_URL_ENV} (postgres://user@host:port/db)
  Without --store, $${DATABASE_URL_ENV} decides (unset: PGlite in ./.hearth-collector).`;

export function parseArgs(argv, env = process.env) {
  const out = { port: DEFAULTS.port, host: DEFAULTS.host, k: DEFAULTS.k };
  let storeKind, dataDir, memory = false;
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (arg === '--port') out.port = intIn(value(), 0, 65535, '--port');
    else if (arg === '--host') out.host = value();
    else if (arg === '--k') out.k = intIn(value(), 1, 1e9, '--k');
    else if (arg === '--store') storeKind = value();
    else if (arg === '--data-dir') dataDir = value();
    else if (arg === '--memory') memory = true;
    else if (arg === '--help' || arg === '-h') throw Object.assign(new Error(USAGE), { help: true });
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  const envUrl = env[DATABASE_URL_ENV];
  if (storeKind === undefined) {
    out.url = dataDir ? `pglite:${dataDir}` : memory ? 'pglite:memory' : envUrl;
  } else if (storeKind === 'pglite') {
    out.url = memory ? 'pglite:memory' : dataDir ? `pglite:${dataDir}` : envUrl?.startsWith('pglite:') ? envUrl : undefined;
  } else if (storeKind === 'postgres') {
    if (!envUrl || !/^postgres(ql)?:\/\//.test(envUrl)) {
      throw new Error(`--store postgres needs ${DATABASE_URL_ENV}=postgres://user@host:port/db (got ${envUrl ? `"${envUrl}"` : 'nothing'})`);
    }
    out.url = envUrl;
  } else {
    throw new Error(`--store must be pglite or postgres, got "${storeKind}"\n${USAGE}`);
  }
  return out;
}

function intIn(text, min, max, name) {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${text}"`);
  return Number(text);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(e.help ? 0 : 2);
  }
  let running = null;
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`collector: ${signal}, closing\n`);
    if (!running) process.exit(0);
    running.close().then(() => process.exit(0), () => process.exit(1));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    running = await startCollector({ ...args, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    process.stderr.write(`collector: ${e.message}\n`);
    process.exit(1);
  }
  if (stopping) {
    await running.close();
    process.exit(0);
  }
  process.stdout.write(`Hearth collector (${running.store.describe}, k=${args.k}): ${running.url}\n`);
}
