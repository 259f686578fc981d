// End to end without a browser: real SDK instances (the `hearth` package,
// release wasm) sync their private reports to the real collector over
// loopback. Every report a device sends is accepted exactly once, a resend
// after a lost answer is a duplicate, devices without measurement consent
// send nothing, and the collector's clock and the devices' agree on periods.
// PostgreSQL store (the PGlite path is the same code, covered by the other
// suites).
//
//   node --test tests/collector/sdk.test.js

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { createHearth } from 'hearth';
import { startCollector } from '../../demo/collector/server.mjs';
import { storeUrls } from './harness.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 12);
const CATALOG = [
  { id: 'boot-1', title: 'Ridge boot', category: 'Shoes > Trail', brand: 'Acme', price: 120 },
  { id: 'boot-2', title: 'City boot', category: 'Shoes > City', brand: 'Birch', price: 90 },
  { id: 'tent-1', title: 'Two-person tent', category: 'Camping > Tents', brand: 'Fjell', price: 300 },
  { id: 'mug-1', title: 'Enamel mug', category: 'Camping > Kitchen', brand: 'Fjell', price: 12 },
  { id: 'tee-1', title: 'Merino tee', category: 'Apparel > Tops', brand: 'Acme', price: 60 },
];

const urls = storeUrls();
const clock = { t: T0, now: () => clock.t };
let collector;
let requests = 0;
let seeds = 0;

before(async () => {
  collector = await startCollector({ port: 0, url: await urls.postgres(), k: 5, now: clock.now });
});
after(async () => {
  await collector?.close();
  urls.stop();
});

/** A device whose fetch goes to the collector (counting requests; `drop` loses answers). */
async function device(consent, { drop = false } = {}) {
  const fetchSpy = async (url, init) => {
    requests++;
    const res = await fetch(url, init);
    if (drop) throw new TypeError('network error (answer lost)');
    return res;
  };
  const hearth = await createHearth({
    storage: 'memory',
    now: clock.now,
    seed: ++seeds, // distinct generators: ids are drawn from the engine's seeded Rng
    endpoint: collector.url.replace(/\/$/, ''),
    consent,
    sync: { auto: false },
    fetch: fetchSpy,
  });
  hearth.catalog.load(JSON.stringify(CATALOG));
  return hearth;
}

test('real devices sync to the collector: each report counted once, none from devices without consent', async () => {
  clock.t = T0;
  const granted = [];
  for (let i = 0; i < 12; ++i) granted.push(await device({ measurement: 'granted', personalization: 'granted', gamification: 'granted' }));
  const pending = await device({ measurement: 'pending', personalization: 'granted', gamification: 'granted' });
  const denied = await device({ measurement: 'denied', personalization: 'granted', gamification: 'granted' });
  const all = [...granted, pending, denied];
  // Three active days, then a sync on the fourth.
  for (let d = 0; d < 3; ++d) {
    all.forEach((h, i) => {
      h.track({ type: 'view', item: CATALOG[i % CATALOG.length].id });
      h.track({ type: 'click', item: CATALOG[(i + d) % CATALOG.length].id });
    });
    clock.t += DAY;
  }
  const before = requests;
  const shown = granted.map((h) => h.privacy.report().next.reports.map((r) => r.id));
  const results = [];
  for (const h of granted) results.push(await h.sync());
  for (const h of [pending, denied]) assert.equal((await h.sync()).status, 'skipped');
  assert.equal(requests - before, granted.length, 'one request per consenting device, none from the others');
  let sent = 0;
  results.forEach((r, i) => {
    assert.equal(r.status, 'ok', JSON.stringify(r));
    assert.equal(r.acked, shown[i].length);
    assert.equal(r.rejected, 0);
    sent += shown[i].length;
  });
  assert.ok(sent >= granted.length, `${sent} reports`);
  const ids = shown.flat();
  const rows = await collector.store.query('SELECT id, period::text AS period FROM reports WHERE id = ANY($1::text[])', [ids]);
  assert.equal(rows.length, ids.length, 'every shown report stored once');
  const periods = new Set(rows.map((r) => r.period));
  for (const p of periods) assert.ok(p < new Date(clock.t).toISOString().slice(0, 10), 'completed days only');
  const stats = await (await fetch(`${collector.url}api/stats`)).json();
  assert.equal(stats.reports, ids.length);
  for (const h of all) h.close();
});

test('a device whose answer was lost resends the same ids; the collector answers duplicates and counts nothing twice', async () => {
  clock.t = T0 + 10 * DAY;
  const opts = { measurement: 'granted', personalization: 'granted', gamification: 'granted' };
  const h = await device(opts, { drop: true });
  h.track({ type: 'view', item: 'tent-1' });
  clock.t += DAY;
  const shown = h.privacy.report().next.reports.map((r) => r.id);
  assert.ok(shown.length >= 1);
  const first = await h.sync();
  assert.equal(first.status, 'retry', 'the answer was lost');
  const stored = async () =>
    (await collector.store.query('SELECT count(*)::int AS n FROM reports WHERE id = ANY($1::text[])', [shown]))[0].n;
  assert.equal(Number(await stored()), shown.length, 'the collector had counted them');
  // Same device state, the answer now arrives.
  const snapshot = h.exportState();
  h.close();
  const again = await createHearth({
    storage: 'memory',
    now: clock.now,
    snapshot,
    endpoint: collector.url.replace(/\/$/, ''),
    consent: opts,
    sync: { auto: false },
  });
  const second = await again.sync();
  assert.equal(second.status, 'ok', JSON.stringify(second));
  assert.equal(second.acked, shown.length);
  assert.equal(Number(await stored()), shown.length, 'still once each');
  again.close();
});
