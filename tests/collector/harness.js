// Shared setup for the collector suites: a throwaway PostgreSQL 15 cluster on
// loopback (Debian's binaries, run as the `postgres` user because the server
// refuses root), synthetic reports, and small HTTP helpers.
//
// The PostgreSQL half of each suite never skips: without the binaries the
// suite fails and says to run scripts/setup.sh.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, chownSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A free loopback TCP port (bound then released; the caller binds it next). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * Starts a PostgreSQL cluster in a fresh temporary directory. Returns its
 * URL and `stop()`, which also deletes the directory; a process exit stops it
 * too, so a crashing test leaves nothing running.
 */
export async function startPostgres() {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL 15 server binaries are missing (${PG_BIN}/initdb, pg_ctl): run scripts/setup.sh, ` +
        "which installs Debian's postgresql package; the collector suite runs against both stores and does not skip",
    );
  }
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the
  // `postgres` user (runuser); as anyone else, to the current user.
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-'));
  if (root) {
    const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (user.status !== 0) throw new Error('the "postgres" user does not exist: run scripts/setup.sh (Debian\'s postgresql creates it)');
    chownSync(dir, Number(user.stdout.trim()), -1);
  }
  const asPostgres = (args) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', timeout: 60000 })
      : execFileSync(args[0], args.slice(1), { stdio: 'pipe', timeout: 60000 });
  asPostgres([join(PG_BIN, 'initdb'), '-D', join(dir, 'data'), '-A', 'trust', '-U', 'hearth', '--no-sync']);
  let port;
  for (let attempt = 0; ; ++attempt) {
    port = await freePort();
    try {
      asPostgres([
        join(PG_BIN, 'pg_ctl'), '-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '60',
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`, 'start',
      ]);
      break;
    } catch (e) {
      if (attempt >= 2) throw new Error(`PostgreSQL did not start: ${e.stderr?.toString() || e.message}`);
    }
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      asPostgres([join(PG_BIN, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.on('exit', stop);
  return { url: `postgres://hearth@127.0.0.1:${port}/postgres`, port, stop };
}

/**
 * The two stores every collector suite runs against, started lazily:
 * `await stores.postgres()` starts one cluster per test file.
 */
export function storeUrls() {
  let pg;
  return {
    pglite: async () => 'pglite:memory',
    postgres: async () => (pg ??= await startPostgres()).url,
    stop: () => pg?.stop(),
  };
}

export const newId = () => randomBytes(16).toString('hex');

export function today(now = Date.now()) {
  return new Date(now).toISOString().slice(0, 10);
}

export function daysAgo(n, now = Date.now()) {
  return new Date(now - n * 86400000).toISOString().slice(0, 10);
}

/** A valid report of each type (values already "noised"). */
export function report(type, overrides = {}) {
  const base = { v: 1, id: newId(), period: daysAgo(1), type, epsilon: 1, sdk: '0.1.0' };
  const data = {
    interests: { mech: 'krr', keys: ['apparel', 'camping', 'shoes'], value: 1 },
    campaign: { campaigns: [{ id: 'spring', arm: 'treatment', value: 2 }] },
    bandit: { shows: [1, 0, 2, 0, 1, 0], clicks: [0, 0, 1, 0, 0, 0] },
    engagement: { counts: [3, 1, 0, 0, 1, 0, 2] },
  }[type];
  return { ...base, data, ...overrides };
}

/** POST /reports; resolves { status, body } (body parsed when JSON). */
export async function postReports(baseUrl, bodyOrReports, { headers = {} } = {}) {
  const body = typeof bodyOrReports === 'string' || bodyOrReports instanceof Uint8Array ? bodyOrReports : JSON.stringify({ reports: bodyOrReports });
  const res = await fetch(`${baseUrl}reports`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export async function getJson(baseUrl, path) {
  const res = await fetch(`${baseUrl}${path}`);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** A seeded PRNG (mulberry32) for reproducible synthetic fleets. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
