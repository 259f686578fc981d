// Collector ingest throughput on loopback: reports/s through POST /reports
// (validation in wasm, dedup, aggregation, commit) for each store: PGlite
// with its data directory on disk (the embedded default) and PostgreSQL 15
// (a throwaway cluster on loopback, as the tests start it).
//
//   node bench/collector.mjs [--reports 20000]     # prints one markdown table
//
// The load client runs in the same process as the collector (8 concurrent
// connections, 50 reports per request, as a device sends them), so the
// numbers are what one Node process sustains for both sides.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

import { startCollector } from '../demo/collector/server.mjs';
import { loadValidator } from '../demo/collector/validate.mjs';
import { daysAgo, newId, postReports, startPostgres } from '../tests/collector/harness.js';

const CLIENTS = 8;
const BATCH = 50;
const KEYS = ['apparel', 'camping', 'home', 'shoes', 'sports', 'toys'];

function syntheticReports(n) {
  const period = daysAgo(1);
  const out = [];
  for (let i = 0; i < n; ++i) {
    const base = { v: 1, id: newId(), period, epsilon: 1, sdk: '0.1.0' };
    // The default policy's mix: interests 50%, campaign 40%, bandit and engagement 5% each.
    const r = i % 20;
    if (r < 10) out.push({ ...base, type: 'interests', data: { mech: 'krr', keys: KEYS, value: i % 7 } });
    else if (r < 18) out.push({ ...base, type: 'campaign', data: { campaigns: [{ id: 'spring', arm: i % 2 ? 'treatment' : 'holdout', value: i % 3 }] } });
    else if (r < 19) out.push({ ...base, type: 'bandit', data: { shows: [1, 0, 2, 0, 1, 0], clicks: [0, 0, 1, 0, 0, 0] } });
    else out.push({ ...base, type: 'engagement', data: { counts: [3, 1, 0, 0, 1, 0, 2] } });
  }
  return out;
}

async function measure(url, reports, validator) {
  const c = await startCollector({ port: 0, url, validator, k: 100 });
  try {
    const batches = [];
    for (let i = 0; i < reports.length; i += BATCH) batches.push(reports.slice(i, i + BATCH));
    // Warm up (JIT, prepared plans) with 20 batches of other ids.
    for (const b of syntheticReports(20 * BATCH).reduce((a, r, i) => (i % BATCH ? a[a.length - 1].push(r) : a.push([r]), a), [])) await postReports(c.url, b);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < batches.length) {
          const res = await postReports(c.url, batches[next++]);
          if (res.status !== 200 || res.body.accepted.length !== BATCH) throw new Error(`bench batch failed: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    // A full replay: every report answered as a duplicate.
    const t1 = performance.now();
    next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < batches.length) {
          const res = await postReports(c.url, batches[next++]);
          if (res.body.duplicates.length !== BATCH) throw new Error('replay not answered as duplicates');
        }
      }),
    );
    const replaySeconds = (performance.now() - t1) / 1000;
    return { rate: reports.length / seconds, seconds, replayRate: reports.length / replaySeconds, describe: c.store.describe };
  } finally {
    await c.close();
  }
}

export async function benchCollector({ reports: n = 20000, progress = () => {} } = {}) {
  const validator = await loadValidator();
  const rows = [];
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-collector-'));
  try {
    progress(`collector: PGlite on disk, ${n} reports`);
    rows.push(['PGlite (embedded, data dir on disk)', await measure(`pglite:${dir}`, syntheticReports(n), validator)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  progress(`collector: PostgreSQL 15 on loopback, ${n} reports`);
  const pg = await startPostgres();
  try {
    rows.push(['PostgreSQL 15 (loopback, pool of 8)', await measure(pg.url, syntheticReports(n), validator)]);
  } finally {
    pg.stop();
  }
  const table = [
    '| store | reports | new reports/s | replayed reports/s (all duplicates) |',
    '|---|---:|---:|---:|',
    ...rows.map(([name, r]) => `| ${name} | ${n} | ${Math.round(r.rate)} | ${Math.round(r.replayRate)} |`),
  ].join('\n');
  return {
    title: 'Collector ingest on loopback (POST /reports, 50 reports per request, 8 connections)',
    table,
    notes: [
      'Each request: wasm validation of every report, then one SQL statement (insert ids, upsert cell sums, budget histogram) committed before the answer.',
      'Report mix as the default policy draws it: 50% interests (k-RR, 7 cells each), 40% campaign (3 cells), 5% bandit (12), 5% engagement (7).',
      'The load client runs in the collector process; PostgreSQL runs with fsync=off (a throwaway test cluster), PGlite with its defaults.',
      `Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on the machine lowers these numbers).`,
    ],
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const i = process.argv.indexOf('--reports');
  const reports = i > 0 ? Number(process.argv[i + 1]) : 20000;
  const r = await benchCollector({ reports, progress: (s) => process.stderr.write(`bench: ${s}\n`) });
  process.stdout.write(`## ${r.title}\n\n${r.table}\n\n${r.notes.map((x) => `- ${x}`).join('\n')}\n`);
}
