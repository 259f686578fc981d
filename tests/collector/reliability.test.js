// Reliability under load: 20,000 reports posted over loopback by 8 retrying
// clients while the collector PROCESS is killed with SIGKILL twice and
// restarted on the same port. Afterwards every report must have been
// acknowledged (accepted or duplicate), and the store must hold each exactly
// once: zero lost, zero double-counted. Runs against PGlite on disk (the
// embedded default, which must recover its own data directory) and against
// PostgreSQL.
//
//   node --test tests/collector/reliability.test.js

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openStore } from '../../demo/collector/store.mjs';
import { daysAgo, freePort, newId, storeUrls } from './harness.js';

const SERVER = fileURLToPath(new URL('../../demo/collector/server.mjs', import.meta.url));
const REPORTS = 20000;
const BATCH = 50;
const CLIENTS = 8;
const KILLS_AT = [0.3, 0.65]; // fractions of batches acknowledged
const DEADLINE_MS = 150000;

const urls = storeUrls();
after(() => urls.stop());

/** Starts the collector as a child process; resolves once it prints its URL. */
function spawnCollector(port, storeArgs, env, log) {
  const child = spawn(process.execPath, [SERVER, '--port', String(port), '--k', '1', ...storeArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d) => log.push(d.toString()));
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`collector did not start in 60 s: ${log.join('')}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Hearth collector')) {
        clearTimeout(timer);
        ok(child);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`collector exited (${code ?? signal}) before listening: ${log.join('')}`));
    });
  });
}

function killHard(child) {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGKILL');
  });
}

async function loadTest({ port, storeArgs, env }) {
  const period = daysAgo(1);
  const reports = Array.from({ length: REPORTS }, () => ({
    v: 1,
    id: newId(),
    period,
    type: 'engagement',
    epsilon: 1,
    sdk: '0.1.0',
    data: { counts: [1, 0, 0, 0, 0, 0, 0] }, // each report adds exactly 1 to the "view" cell
  }));
  const batches = [];
  for (let i = 0; i < reports.length; i += BATCH) batches.push(reports.slice(i, i + BATCH));

  const log = [];
  let child = await spawnCollector(port, storeArgs, env, log);
  const acked = new Map(); // id -> 'accepted' | 'duplicate'
  let done = 0;
  let retries = 0;
  let next = 0;
  const started = Date.now();
  const kills = [];
  let restarting = null;

  async function send(batch) {
    for (let attempt = 0; ; ++attempt) {
      if (Date.now() - started > DEADLINE_MS) throw new Error(`deadline: ${done} of ${batches.length} batches acknowledged`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/reports`, {
          method: 'POST',
          body: JSON.stringify({ reports: batch }),
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(10000),
        });
        if (res.status === 200) {
          const body = await res.json();
          assert.deepEqual(body.rejected, []);
          for (const id of body.accepted) acked.set(id, 'accepted');
          for (const id of body.duplicates) if (!acked.has(id)) acked.set(id, 'duplicate');
          assert.equal(body.accepted.length + body.duplicates.length, batch.length);
          return;
        }
        await res.body?.cancel();
        assert.ok(res.status === 503, `unexpected HTTP ${res.status}`);
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        // Connection refused/reset while the collector is down: retry.
      }
      ++retries;
      await new Promise((ok) => setTimeout(ok, Math.min(500, 20 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));
    }
  }

  async function maybeKill() {
    const due = KILLS_AT[kills.length];
    if (due === undefined || done < due * batches.length || restarting) return;
    restarting = (async () => {
      kills.push({ at: done });
      await killHard(child);
      child = await spawnCollector(port, storeArgs, env, log);
      restarting = null;
    })();
  }

  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < batches.length) {
          const batch = batches[next++];
          await send(batch);
          ++done;
          maybeKill();
        }
      }),
    );
    if (restarting) await restarting;
  } finally {
    await killHard(child);
  }
  return { reports, acked, retries, kills, seconds: (Date.now() - started) / 1000, log };
}

async function verify(url, result) {
  const { reports, acked } = result;
  assert.equal(result.kills.length, KILLS_AT.length, 'the collector was killed mid-load');
  const lost = reports.filter((r) => !acked.has(r.id));
  assert.equal(lost.length, 0, 'every report acknowledged');
  const store = await openStore({ url });
  try {
    const [{ n }] = await store.query('SELECT count(*)::int AS n FROM reports');
    assert.equal(Number(n), REPORTS, 'each report stored once');
    const [cell] = await store.query(
      `SELECT total, reports::float8 AS reports FROM cells WHERE type = 'engagement' AND cell = '["view",1000000]'`,
    );
    assert.equal(Number(cell.total), REPORTS, 'each report counted once in the sums');
    assert.equal(Number(cell.reports), REPORTS);
    const [{ batches }] = await store.query('SELECT sum(batches)::float8 AS batches FROM budget');
    assert.equal(Number(batches), REPORTS / BATCH, 'each batch ticks the budget histogram once, retries do not');
  } finally {
    await store.close();
  }
  const duplicates = [...acked.values()].filter((v) => v === 'duplicate').length;
  const line = `${REPORTS} reports in ${result.seconds.toFixed(1)} s with ${result.kills.length} SIGKILLs: ` +
    `${duplicates} acknowledged as duplicates after a retry, ${result.retries} retried requests, 0 lost, 0 double-counted`;
  return line;
}

describe('load with the collector killed and restarted', () => {
  test('PGlite on disk: zero lost, zero double-counted', { timeout: DEADLINE_MS + 60000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-collector-'));
    try {
      const port = await freePort();
      const result = await loadTest({ port, storeArgs: ['--store', 'pglite', '--data-dir', dir], env: {} });
      t.diagnostic(await verify(`pglite:${dir}`, result));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: zero lost, zero double-counted', { timeout: DEADLINE_MS + 60000 }, async (t) => {
    const url = await urls.postgres();
    const port = await freePort();
    const result = await loadTest({ port, storeArgs: ['--store', 'postgres'], env: { HEARTH_COLLECTOR_DATABASE_URL: url } });
    t.diagnostic(await verify(url, result));
  });
});
