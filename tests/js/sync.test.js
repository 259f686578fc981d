// The sync client against a loopback fake collector (node:http), on the real
// debug wasm build: nothing without consent, exact bytes, acks, retries with
// backoff, the queue across restarts, its bound, and page-hide sends.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';

import { createMemoryStorage } from '../../js/storage/memory.js';
import { createDebugHearth } from './helpers/debug.js';
import { CATALOG, DAY, manualClock } from './helpers/real.js';

/** @type {{ method: string, url: string, body: string, headers: any }[]} */
let requests = [];
/** @type {(ids: string[]) => { status: number, body: any }} */
let answer;
let server;
let endpoint;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, body, headers: req.headers });
      let ids = [];
      try {
        ids = JSON.parse(body).reports.map((/** @type {any} */ r) => r.id);
      } catch {
        // answered below
      }
      const a = answer(ids);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${server.address().port}/hearth`;
});
after(() => server.close());
beforeEach(() => {
  requests = [];
  answer = (ids) => ({ status: 200, body: { accepted: ids, duplicates: [], rejected: [] } });
});

/** @param {any} [options] @param {any} [env] */
async function device(options = {}, env = {}) {
  const clock = manualClock();
  const hearth = await createDebugHearth(
    { storage: 'memory', now: clock.now, autosave: 0, endpoint, sync: { auto: false }, consent: { measurement: 'granted' }, ...options },
    env,
  );
  hearth.catalog.load(JSON.stringify(CATALOG));
  return { hearth, clock };
}

/** Activity on `days` consecutive days, then the clock on the day after. */
function activeDays(hearth, clock, days) {
  for (let d = 0; d < days; d++) {
    hearth.track({ type: 'view', item: 'sku-1' });
    clock.t += DAY;
  }
}

describe('sync', () => {
  test('measurement pending or denied: zero requests', async () => {
    for (const measurement of ['pending', 'denied']) {
      const { hearth, clock } = await device({ consent: { measurement } });
      activeDays(hearth, clock, 3);
      const r = await hearth.sync();
      assert.equal(r.status, 'skipped');
      assert.match(r.reason, /measurement/);
      hearth.close();
    }
    assert.equal(requests.length, 0);
  });

  test('pending personalization holds sync back too (the spend could not be saved)', async () => {
    const { hearth, clock } = await device({ consent: { measurement: 'granted', personalization: 'pending' } });
    activeDays(hearth, clock, 2);
    assert.equal((await hearth.sync()).status, 'skipped');
    assert.equal(requests.length, 0);
    hearth.close();
  });

  test('POSTs exactly what privacy.report() showed, then drops what the collector acknowledged', async () => {
    const { hearth, clock } = await device();
    activeDays(hearth, clock, 2);
    const shown = hearth.privacy.report().next;
    const r = await hearth.sync();
    assert.equal(r.status, 'ok');
    assert.equal(requests.length, 1);
    const req = requests[0];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hearth/reports');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers.cookie, undefined);
    assert.equal(req.body, shown.body);
    assert.equal(r.acked, 2);
    assert.equal(r.queued, 0);
    const budget = hearth.privacy.report().budget;
    assert.equal(budget.ledger.length, 2);
    assert.deepEqual(budget.ledger.map((e) => e.reportId).sort(), shown.reports.map((x) => x.id).sort());
    assert.equal(budget.spent, 1);
    assert.equal(budget.remaining, 0);
    // Nothing new: no request.
    assert.equal((await hearth.sync()).status, 'idle');
    assert.equal(requests.length, 1);
    hearth.close();
  });

  test('duplicates and rejected leave the queue; unanswered ids stay and are resent with the same id', async () => {
    const { hearth, clock } = await device({ privacy: { maxReportsPerDay: 1 } });
    activeDays(hearth, clock, 3);
    let first = [];
    answer = (ids) => {
      first = ids;
      return { status: 200, body: { accepted: [], duplicates: [ids[0]], rejected: [{ id: ids[1], code: 'INVALID_ARGUMENT', message: 'x' }] } };
    };
    const r = await hearth.sync();
    assert.equal(r.acked, 2);
    assert.equal(r.rejected, 1);
    assert.equal(r.queued, 1);
    answer = (ids) => ({ status: 200, body: { accepted: ids, duplicates: [], rejected: [] } });
    const again = await hearth.sync();
    assert.equal(again.queued, 0);
    assert.deepEqual(JSON.parse(requests[1].body).reports.map((x) => x.id), [first[2]]);
    hearth.close();
  });

  test('a failing collector: retry later, nothing lost, no double spend across a restart', async () => {
    const storage = createMemoryStorage();
    const { hearth, clock } = await device({ storage });
    activeDays(hearth, clock, 2);
    answer = () => ({ status: 503, body: { error: { code: 'UNAVAILABLE', message: 'down' } } });
    const r = await hearth.sync();
    assert.equal(r.status, 'retry');
    const sentIds = JSON.parse(requests[0].body).reports.map((x) => x.id);
    const ledger = hearth.privacy.report().budget.ledger;
    hearth.close();
    // The next start finds the queue and the ledger in storage.
    const again = await createDebugHearth({ storage, now: clock.now, autosave: 0, endpoint, sync: { auto: false } });
    again.catalog.load(JSON.stringify(CATALOG));
    assert.deepEqual(again.privacy.report().budget.ledger, ledger);
    answer = (ids) => ({ status: 200, body: { accepted: ids, duplicates: [], rejected: [] } });
    const r2 = await again.sync();
    assert.equal(r2.status, 'ok');
    assert.deepEqual(JSON.parse(requests[1].body).reports.map((x) => x.id), sentIds);
    assert.deepEqual(again.privacy.report().budget.ledger, ledger, 'nothing was charged twice');
    again.close();
  });

  test('an unreachable collector is a retry, not an error', async () => {
    const { hearth, clock } = await device({ endpoint: 'http://127.0.0.1:9/hearth' });
    activeDays(hearth, clock, 1);
    const r = await hearth.sync();
    assert.equal(r.status, 'retry');
    assert.equal(r.queued, 1);
    hearth.close();
  });

  test('automatic sync backs off exponentially with full jitter while the collector fails', async () => {
    /** @type {{ fn: () => void, ms: number }[]} */
    const timers = [];
    const env = {
      setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
        timers.push({ fn, ms });
        return timers.length;
      },
      clearTimeout: () => {},
      random: () => 0.999,
    };
    answer = () => ({ status: 500, body: {} });
    const { hearth, clock } = await device({ sync: { auto: true, retryBase: 1000, retryMax: 16000, startDelay: 5 } }, env);
    activeDays(hearth, clock, 1);
    const delays = [];
    for (let i = 0; i < 7; i++) {
      const t = timers.pop();
      assert.ok(t, `timer ${i}`);
      delays.push(t.ms);
      t.fn();
      // let the round finish and arm the next timer
      for (let k = 0; k < 50 && timers.length === 0; k++) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(delays[0], 5);
    assert.deepEqual(delays.slice(1), [1998, 3996, 7992, 15984, 15984, 15984]);
    assert.ok(requests.length >= 6);
    hearth.close();
  });

  test("coming back online syncs at once instead of waiting for the next timer", async () => {
    const target = new EventTarget();
    const { hearth, clock } = await device({ sync: { auto: true, startDelay: 1e9, interval: 1e9 } }, { target, document: null });
    activeDays(hearth, clock, 1);
    target.dispatchEvent(new Event('online'));
    for (let k = 0; k < 100 && requests.length === 0; k++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(requests.length, 1);
    hearth.close();
    target.dispatchEvent(new Event('online')); // closed: listener gone, no request
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(requests.length, 1);
  });

  test('the queue is bounded (50 reports, under the 64 KiB beacon budget)', async () => {
    answer = () => ({ status: 500, body: {} });
    const policy = { maxReportsPerDay: 4, types: { interests: { epsilon: 0.25 }, campaign: { epsilon: 0.25 }, bandit: { epsilon: 0.25 }, engagement: { epsilon: 0.25 } } };
    const { hearth, clock } = await device({ privacy: policy });
    for (let round = 0; round < 3; round++) {
      activeDays(hearth, clock, 7);
      await hearth.sync();
    }
    const last = JSON.parse(requests.at(-1).body);
    assert.equal(last.reports.length, 50);
    assert.ok(Buffer.byteLength(requests.at(-1).body) < 64 * 1024);
    hearth.close();
  });

  test('page hide sends the saved queue with keepalive and keeps it until acknowledged', async () => {
    const target = new EventTarget();
    answer = () => ({ status: 500, body: {} });
    const { hearth, clock } = await device({}, { target, document: null });
    activeDays(hearth, clock, 1);
    await hearth.sync(); // queued and saved, the collector failed
    answer = (ids) => ({ status: 200, body: { accepted: ids, duplicates: [], rejected: [] } });
    const n = requests.length;
    target.dispatchEvent(new Event('pagehide'));
    for (let k = 0; k < 100 && requests.length === n; k++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(requests.length, n + 1);
    assert.equal(requests.at(-1).body, requests[0].body);
    assert.equal(hearth.privacy.report().next.reports.length, 1, 'still queued: a page-hide answer is never read');
    hearth.close();
  });
});
