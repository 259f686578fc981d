// The collector over HTTP, against BOTH stores (PGlite in memory and a real
// PostgreSQL started on loopback): the wire contract, exactly-once counting
// (replays, in-batch repeats, concurrent requests), rejects that are never
// stored, the k-threshold, priors, migrations, and the command line.
//
//   node --test tests/collector/collector.test.js

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';

import { createCollector, parseArgs, startCollector, CSP } from '../../demo/collector/server.mjs';
import { openStore, parseStoreUrl } from '../../demo/collector/store.mjs';
import { startServer } from '../../demo/server.mjs';
import { daysAgo, getJson, newId, postReports, report, storeUrls, today } from './harness.js';

const urls = storeUrls();
after(() => urls.stop());

async function count(store, sql) {
  return Number((await store.query(sql))[0].n);
}

for (const kind of ['pglite', 'postgres']) {
  describe(`collector on ${kind}`, () => {
    /** @type {Awaited<ReturnType<typeof startCollector>>} */
    let c;
    const logs = [];
    before(async () => {
      c = await startCollector({ port: 0, url: await urls[kind](), k: 3, log: (line) => logs.push(line) });
    });
    after(async () => {
      await c?.close();
    });

    test('accepts valid reports of every type and answers with the contract shape', async () => {
      const reports = ['interests', 'campaign', 'bandit', 'engagement'].map((t) => report(t));
      const res = await postReports(c.url, reports);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { accepted: reports.map((r) => r.id), duplicates: [], rejected: [] });
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      const stored = await c.store.query('SELECT id FROM reports WHERE id = ANY($1::text[])', [reports.map((r) => r.id)]);
      assert.equal(stored.length, 4);
    });

    test('a replayed batch is answered as duplicates and adds nothing', async () => {
      const reports = [report('engagement'), report('engagement')];
      const cellsBefore = await c.store.query(`SELECT cell, total, reports FROM cells WHERE type = 'engagement' ORDER BY period, cell`);
      assert.equal((await postReports(c.url, reports)).body.accepted.length, 2);
      const middle = await c.store.query(`SELECT cell, total, reports FROM cells WHERE type = 'engagement' ORDER BY period, cell`);
      const again = await postReports(c.url, reports);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { accepted: [], duplicates: reports.map((r) => r.id), rejected: [] });
      const cellsAfter = await c.store.query(`SELECT cell, total, reports FROM cells WHERE type = 'engagement' ORDER BY period, cell`);
      assert.deepEqual(cellsAfter, middle);
      assert.notDeepEqual(middle, cellsBefore);
      assert.ok(logs.some((l) => l.includes('report_duplicates') && l.includes(reports[0].id)), 'replays are logged');
    });

    test('the same id twice in one batch counts once', async () => {
      const r = report('bandit');
      const res = await postReports(c.url, [r, { ...r }]);
      assert.deepEqual(res.body, { accepted: [r.id], duplicates: [r.id], rejected: [] });
      assert.equal(await count(c.store, `SELECT count(*) AS n FROM reports WHERE id = '${r.id}'`), 1);
    });

    test('concurrent requests carrying the same reports count each report exactly once', async () => {
      const period = daysAgo(2);
      const reports = Array.from({ length: 40 }, (_, i) => report('engagement', { period, data: { counts: [i, 1, 0, 0, 0, 0, 0] } }));
      // 12 requests, each a different overlapping slice, all in flight at once.
      const slices = Array.from({ length: 12 }, (_, i) => reports.slice((i * 3) % 30, ((i * 3) % 30) + 10 + (i % 3)));
      const answers = await Promise.all(slices.map((s) => postReports(c.url, s)));
      const accepted = answers.flatMap((a) => a.body.accepted);
      const covered = new Set(slices.flat().map((r) => r.id));
      assert.equal(accepted.length, covered.size, 'every report accepted by exactly one request');
      assert.equal(new Set(accepted).size, accepted.length);
      for (const [i, a] of answers.entries()) {
        assert.equal(a.status, 200);
        assert.equal(a.body.accepted.length + a.body.duplicates.length, slices[i].length);
      }
      const [view] = await c.store.query(
        `SELECT total, reports FROM cells WHERE type = 'engagement' AND period = $1::date AND cell = '["view",1000000]'`,
        [period],
      );
      const expected = [...covered].reduce((a, id) => a + reports.find((r) => r.id === id).data.counts[0], 0);
      assert.equal(Number(view.total), expected);
      assert.equal(Number(view.reports), covered.size);
    });

    test('malformed, oversized and over-long envelopes get 4xx and store nothing', async () => {
      const before = await count(c.store, 'SELECT count(*) AS n FROM reports');
      const cases = [
        ['not JSON', '{"reports":[', 400],
        ['not an object', '[]', 400],
        ['no reports array', '{"reports":{}}', 400],
        ['unknown envelope field', JSON.stringify({ reports: [], device: 'x' }), 400],
        ['51 reports', JSON.stringify({ reports: Array.from({ length: 51 }, () => report('engagement')) }), 400],
        ['over 64 KiB', JSON.stringify({ reports: [report('engagement', { sdk: 'x'.repeat(70000) })] }), 413],
      ];
      for (const [name, body, status] of cases) {
        const res = await postReports(c.url, body);
        assert.equal(res.status, status, name);
        assert.equal(typeof res.body.error.code, 'string', name);
        assert.match(res.body.error.message, /\w/, name);
      }
      assert.equal(await count(c.store, 'SELECT count(*) AS n FROM reports'), before);
      assert.ok(logs.some((l) => l.includes('envelope_refused') && l.includes('413')));
    });

    test('a body streamed past the limit without Content-Length is cut off with 413', async () => {
      const status = await new Promise((ok, fail) => {
        const req = request({ host: '127.0.0.1', port: c.port, path: '/reports', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          ok(res.statusCode);
        });
        req.on('error', fail);
        const chunk = 'x'.repeat(16 * 1024);
        for (let i = 0; i < 6; ++i) req.write(chunk);
        req.end();
      });
      assert.equal(status, 413);
    });

    test('invalid reports are rejected one by one, logged, never stored; valid neighbours are counted', async () => {
      const good = report('interests');
      const bad = [
        report('interests', { epsilon: 2 }), // more ε than the policy allows
        report('engagement', { period: daysAgo(400) }), // out of the accepted window
        report('engagement', { period: daysAgo(-30) }), // from the future
        report('bandit', { v: 2 }),
        { ...report('campaign'), id: 'NOT-HEX' },
        report('nonsense'),
        'a string',
        // Out of bounds for the mechanism: never stored either.
        report('interests', { data: { mech: 'krr', keys: ['apparel', 'camping', 'shoes'], value: 9 } }),
        report('engagement', { data: { counts: [2e6, 0, 0, 0, 0, 0, 0] } }),
        report('interests', { data: { mech: 'oue', keys: ['apparel', 'camping', 'shoes'], bits: '01' } }),
        report('campaign', { data: { campaigns: [{ id: 'spring', arm: 'control', value: 1 }] } }),
      ];
      const res = await postReports(c.url, [good, ...bad]);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.accepted, [good.id]);
      assert.equal(res.body.rejected.length, bad.length);
      for (const [i, r] of res.body.rejected.entries()) {
        assert.match(r.message, new RegExp(`^reports\\[${i + 1}\\]: `));
        assert.match(r.code, /^[A-Z_]+$/);
      }
      assert.equal(res.body.rejected[0].id, bad[0].id);
      assert.match(res.body.rejected[0].message, /epsilon/);
      assert.equal(res.body.rejected[1].code, 'OUT_OF_RANGE');
      assert.equal(res.body.rejected[6].id, null);
      assert.match(res.body.rejected[7].message, /value/);
      assert.match(res.body.rejected[8].message, /counts/);
      assert.match(res.body.rejected[9].message, /bits/);
      assert.match(res.body.rejected[10].message, /arm/);
      const ids = bad.filter((r) => typeof r === 'object').map((r) => r.id);
      assert.equal((await c.store.query('SELECT id FROM reports WHERE id = ANY($1::text[])', [ids])).length, 0);
      assert.ok(logs.some((l) => l.includes('report_rejected') && l.includes(bad[0].id)));
    });

    test('a cell is released only once k distinct reports back it', async () => {
      const period = daysAgo(3);
      const campaign = `k-test-${kind}`;
      const entry = (arm, value) => report('campaign', { period, data: { campaigns: [{ id: campaign, arm, value }] } });
      const find = async () => (await getJson(c.url, 'api/lift')).body.campaigns.find((x) => x.id === campaign);
      // Two reports per arm (k = 3), then the same two again: still hidden.
      const first = [entry('treatment', 2), entry('treatment', 1), entry('holdout', 1), entry('holdout', 0)];
      await postReports(c.url, first);
      await postReports(c.url, first);
      assert.deepEqual(await find(), { id: campaign, released: false });
      // A third treatment report: the holdout arm still has two.
      await postReports(c.url, [entry('treatment', 2)]);
      assert.deepEqual(await find(), { id: campaign, released: false });
      await postReports(c.url, [entry('holdout', 1)]);
      const released = await find();
      assert.equal(released.released, true);
      assert.equal(released.arms.treatment.reports, 3);
      assert.equal(released.arms.holdout.reports, 3);
      assert.equal(typeof released.lift.value, 'number');
      assert.ok(released.lift.ci95[0] <= released.lift.value && released.lift.value <= released.lift.ci95[1]);
    });

    test('priors come from released interest cells, shares within [0, 1] and summing to at most 1', async () => {
      const period = daysAgo(1);
      const keys = ['apparel', 'camping', 'shoes'];
      // Observed values 0,0,0,0,1,3(none): with k = 3 all keys are released.
      const values = [0, 0, 0, 0, 1, 3];
      await postReports(c.url, values.map((value) => report('interests', { period, data: { mech: 'krr', keys, value } })));
      const res = await getJson(c.url, 'priors');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.body.v, 1);
      assert.match(res.body.period, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(res.body.categories.length >= 1);
      let sum = 0;
      for (const cat of res.body.categories) {
        assert.deepEqual(Object.keys(cat), ['key', 'share']);
        assert.ok(keys.includes(cat.key));
        assert.ok(cat.share > 0 && cat.share <= 1);
        sum += cat.share;
      }
      assert.ok(sum <= 1 + 1e-12, `shares sum to ${sum}`);
      assert.equal(res.body.categories[0].key, 'apparel', 'the most reported key leads');
    });

    test('stats count reports per day and the budget spent per sync', async () => {
      const period = daysAgo(5);
      await postReports(c.url, [report('engagement', { period, epsilon: 0.5 }), report('bandit', { period, epsilon: 0.25 })]);
      const { body } = await getJson(c.url, 'api/stats');
      const day = body.reportsPerDay.find((d) => d.period === period);
      assert.deepEqual(day, { period, reports: 2, byType: { bandit: 1, engagement: 1 } });
      assert.ok(body.budgetSpent.some((b) => b.epsilon === 0.75 && b.syncs >= 1));
      assert.equal(body.server.k, 3);
      assert.ok(body.server.rejected >= 7);
    });

    test('the dashboard is served with a strict CSP and no inline script or style', async () => {
      const res = await fetch(c.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-security-policy'), CSP);
      assert.match(CSP, /script-src 'self'(;|$)/);
      const html = await res.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i);
      assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
      for (const file of ['dashboard.js', 'charts.js', 'dashboard.css']) {
        assert.equal((await fetch(c.url + file)).status, 200, file);
      }
      assert.equal((await fetch(`${c.url}../../etc/passwd`)).status, 404);
      assert.equal((await fetch(`${c.url}reports`)).status, 405);
    });

    test('reopening the store applies no migration twice', async () => {
      if (kind === 'pglite') return; // an in-memory PGlite has nothing to reopen; see reliability.test.js
      const again = await openStore({ url: await urls[kind]() });
      try {
        const rows = await again.query('SELECT version, name FROM schema_migrations ORDER BY version');
        assert.deepEqual(rows.map((r) => r.name), ['001_init.sql']);
      } finally {
        await again.close();
      }
    });
  });
}

test('the store location is read from one variable, with clear errors', () => {
  assert.equal(parseStoreUrl(undefined).kind, 'pglite');
  assert.deepEqual(parseStoreUrl('pglite:memory'), { kind: 'pglite', dataDir: null });
  assert.equal(parseStoreUrl('postgresql://u@h:1/d').kind, 'postgres');
  assert.throws(() => parseStoreUrl('mysql://x'), /HEARTH_COLLECTOR_DATABASE_URL="mysql:\/\/x" is not a store location/);
  assert.deepEqual(parseArgs(['--port', '0', '--store', 'pglite', '--data-dir', '/tmp/x'], {}).url, 'pglite:/tmp/x');
  assert.equal(parseArgs(['--store', 'postgres'], { HEARTH_COLLECTOR_DATABASE_URL: 'postgres://a@b/c' }).url, 'postgres://a@b/c');
  assert.throws(() => parseArgs(['--store', 'postgres'], {}), /needs HEARTH_COLLECTOR_DATABASE_URL/);
  assert.throws(() => parseArgs(['--k', '0'], {}), /--k must be an integer/);
  assert.throws(() => parseArgs(['--store', 'sqlite'], {}), /--store must be pglite or postgres/);
  assert.equal(today(Date.UTC(2026, 0, 2, 23)), '2026-01-02');
  assert.match(newId(), /^[0-9a-f]{32}$/);
});

test('a busy collector or a failing store answers 503 with Retry-After, and nothing is counted', async () => {
  const validator = { epsilonPerDay: 1, validate: (text) => ({ ok: true, report: JSON.parse(text) }) };
  let calls = 0;
  const failing = { kind: 'pglite', atomic: async () => { calls++; throw new Error('disk full'); }, query: async () => [] };
  const logs = [];
  for (const [name, options] of [
    ['busy', { maxInFlight: 0 }],
    ['store error', {}],
  ]) {
    const collector = createCollector({ store: failing, validator, log: (l) => logs.push(l), ...options });
    const server = createServer((req, res) => collector.handle(req, res, new URL(req.url, 'http://x').pathname));
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const res = await postReports(`http://127.0.0.1:${server.address().port}/`, [report('engagement')]);
      assert.equal(res.status, 503, name);
      assert.equal(res.headers.get('retry-after'), '1', name);
      assert.equal(res.body.error.code, 'UNAVAILABLE', name);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  }
  assert.equal(calls, 1, 'the busy collector never reached the store');
  assert.ok(logs.some((l) => l.includes('store_error') && l.includes('disk full')));
});

test('the demo server mounts the collector under /collector/', async () => {
  const demo = await startServer({ port: 0, collector: { url: await urls.postgres(), k: 1 } });
  try {
    await demo.collectorReady;
    assert.equal(demo.collectorUrl, `${demo.url}collector/`);
    const bare = await fetch(`${demo.url}collector`, { redirect: 'manual' });
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get('location'), '/collector/');
    const page = await fetch(demo.collectorUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Hearth collector/);
    const r = report('interests');
    const res = await postReports(demo.collectorUrl, [r]);
    assert.deepEqual(res.body, { accepted: [r.id], duplicates: [], rejected: [] });
    assert.equal((await getJson(demo.collectorUrl, 'priors')).status, 200);
    // The storefront itself is unchanged.
    assert.equal((await fetch(`${demo.url}catalog.json`)).status, 200);
  } finally {
    await demo.close();
  }
});

test('a second collector process cannot open the same PGlite data directory', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-lock-'));
  try {
    // A live process (this one's parent) holds it: refused with a clear message.
    writeFileSync(join(dir, 'hearth-collector.lock'), String(process.ppid));
    await assert.rejects(openStore({ url: `pglite:${dir}` }), /is in use by process/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a client that trickles its request is cut off by the request timeout', async () => {
  const { connect } = await import('node:net');
  const c = await startCollector({ port: 0, url: await urls.postgres(), requestTimeoutMs: 1500, headersTimeoutMs: 1000 });
  try {
    const started = Date.now();
    const answer = await new Promise((ok, fail) => {
      const socket = connect(c.port, '127.0.0.1', () => {
        socket.write('POST /reports HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"reports":[');
      });
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => ok(data));
      socket.on('error', fail);
      setTimeout(() => fail(new Error('still open after 10 s')), 10000).unref();
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(Date.now() - started < 6000);
    assert.equal(c.collector.counters.posts, 0, 'the cut-off request counted nothing');
  } finally {
    await c.close();
  }
});
