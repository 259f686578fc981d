// The collector's store: PGlite (PostgreSQL compiled to wasm, embedded, the
// default) or a real PostgreSQL server through `pg`, behind one small
// interface, with the same SQL and the same migrations for both.
//
// Example:
//   const store = await openStore({ url: 'pglite:memory' });
//   const rows = await store.query('SELECT count(*)::int AS n FROM reports');
//   await store.close();
//
// Which store is chosen by one string (HEARTH_COLLECTOR_DATABASE_URL):
//   (unset)                         PGlite in `.hearth-collector/` under the cwd
//   pglite:memory                   PGlite in memory (tests; gone on exit)
//   pglite:/some/dir                PGlite with its data directory on disk
//   postgres://user@host:port/db    PostgreSQL (also postgresql://)

import { readdir, readFile, mkdir, open, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = join(HERE, 'migrations');
export const DEFAULT_DATA_DIR = '.hearth-collector';
export const DATABASE_URL_ENV = 'HEARTH_COLLECTOR_DATABASE_URL';

// Serialization failures and deadlocks are retried; PostgreSQL reports them
// with these SQLSTATEs and guarantees the transaction had no effect.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

/**
 * Parses a store location into `{ kind, dataDir | url }`. Throws an Error that
 * names the variable and the accepted forms.
 * @param {string | undefined} url
 */
export function parseStoreUrl(url) {
  if (url === undefined || url === '') return { kind: 'pglite', dataDir: resolve(DEFAULT_DATA_DIR) };
  if (url === 'pglite:memory' || url === 'memory:') return { kind: 'pglite', dataDir: null };
  if (url.startsWith('pglite:')) {
    const dir = url.slice('pglite:'.length);
    if (!dir) throw new Error(`${DATABASE_URL_ENV}: "pglite:" needs a directory (pglite:/path) or "pglite:memory"`);
    return { kind: 'pglite', dataDir: resolve(dir) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new Error(
    `${DATABASE_URL_ENV}="${url}" is not a store location: use postgres://user@host:port/db, ` +
      'pglite:/data/dir, pglite:memory, or leave it unset for PGlite in ./.hearth-collector',
  );
}

/**
 * Opens (and migrates) a store.
 * @param {{ url?: string, log?: (line: string) => void, poolSize?: number }} [options]
 * @returns {Promise<Store>}
 */
export async function openStore({ url, log = () => {}, poolSize = 8 } = {}) {
  const where = parseStoreUrl(url);
  const store = where.kind === 'pglite' ? await openPglite(where.dataDir) : await openPostgres(where.url, poolSize);
  try {
    const applied = await migrate(store);
    if (applied.length) log(`collector store: applied migrations ${applied.join(', ')}`);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/**
 * @typedef {{
 *   kind: 'pglite' | 'postgres',
 *   describe: string,
 *   query: (sql: string, params?: unknown[]) => Promise<any[]>,
 *   atomic: (sql: string, params?: unknown[]) => Promise<any[]>,
 *   transaction: <T>(fn: (tx: { query: (sql: string, params?: unknown[]) => Promise<any[]>, exec: (sql: string) => Promise<void> }) => Promise<T>) => Promise<T>,
 *   close: () => Promise<void>,
 * }} Store
 */

/**
 * PGlite has no postmaster to refuse a second process on the same data
 * directory, and two would corrupt it: a lock file holding the owner's pid
 * does. A lock left by a dead process (SIGKILL, crash) is taken over.
 */
async function lockDataDir(dataDir) {
  const path = join(dataDir, 'hearth-collector.lock');
  for (let attempt = 0; attempt < 3; ++attempt) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await unlink(path).catch(() => {});
      };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = err.code === 'EPERM';
        }
      }
      if (alive) throw new Error(`PGlite data directory ${dataDir} is in use by process ${pid}; stop it or use another --data-dir`);
      await unlink(path).catch(() => {});
    }
  }
  throw new Error(`could not lock PGlite data directory ${dataDir}`);
}

async function openPglite(dataDir) {
  const { PGlite } = await import('@electric-sql/pglite');
  let unlock = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  let db;
  try {
    db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (e) {
    await unlock();
    throw e;
  }
  let closed = false;
  return {
    kind: 'pglite',
    describe: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    query: async (sql, params) => (await db.query(sql, params)).rows,
    atomic: async (sql, params) => (await db.query(sql, params)).rows,
    // PGlite runs one transaction at a time (it holds its own lock), so
    // conflicts cannot happen; the retry loop is still shared for symmetry.
    transaction: (fn) =>
      retrying(() =>
        db.transaction((tx) =>
          fn({ query: async (sql, params) => (await tx.query(sql, params)).rows, exec: async (sql) => void (await tx.exec(sql)) }),
        ),
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        await unlock();
      }
    },
  };
}

async function openPostgres(url, poolSize) {
  const pg = (await import('pg')).default;
  // Dates stay 'YYYY-MM-DD' text and bigints stay exact: convert explicitly in SQL.
  const types = {
    getTypeParser: (oid, format) => {
      if (oid === 1082) return (v) => v; // date
      if (oid === 20) return (v) => Number(v); // int8: counts here stay far below 2^53
      if (oid === 1700) return (v) => Number(v); // numeric
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 10000 });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  // Fail now, with the URL in the message, rather than on the first request.
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${e.message}`, { cause: e });
  }
  return {
    kind: 'postgres',
    describe: `PostgreSQL at ${redact(url)}`,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    // One statement in autocommit is one transaction; retried on deadlock or
    // serialization failure (which roll the statement back entirely).
    atomic: (sql, params) => retrying(async () => (await pool.query(sql, params)).rows),
    transaction: (fn) =>
      retrying(async () => {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('BEGIN');
          const out = await fn({
            query: async (sql, params) => (await client.query(sql, params)).rows,
            exec: async (sql) => void (await client.query(sql)),
          });
          await client.query('COMMIT');
          return out;
        } catch (e) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true;
          }
          throw e;
        } finally {
          client.release(broken);
        }
      }),
    close: () => pool.end(),
  };
}

async function retrying(fn) {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(e?.code)) throw e;
      await new Promise((ok) => setTimeout(ok, 5 * attempt * Math.random()));
    }
  }
}

function redact(url) {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Applies the SQL files of migrations/ (NNN_name.sql, in order) that the
 * `schema_migrations` table does not list yet, each in its own transaction
 * with its row. A transaction-scoped advisory lock keeps two collectors
 * starting on one PostgreSQL from racing. Returns the names applied.
 * @param {Store} store
 */
export async function migrate(store) {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied = [];
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    const sql = await readFile(join(MIGRATIONS_DIR, file), 'utf8');
    const did = await store.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7401001)');
      await tx.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
      if (seen.length) return false;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
      return true;
    });
    if (did) applied.push(file);
  }
  return applied;
}
