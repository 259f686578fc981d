// Report build + noise cost per sync on the device, through the real package
// (js/wasm/): `node bench/privacy.mjs [--runs N]`.
//
//   build   hearth.privacy.report() for a device with 7 completed active days:
//           the type lottery, contribution bounding, noise and serialization of
//           every report of the round (7 with the default policy, 28 with
//           4 reports per day), plus the JSON envelope crossing into JS
//   sync    hearth.sync() end to end against a loopback collector: build,
//           commit (ledger), save to storage, POST, ack, save
// Prints a markdown table on stdout. Nothing asserts a timing.

import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

import { createHearth } from 'hearth';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 200;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 12);
const CATALOG = Array.from({ length: 400 }, (_, i) => ({
  id: `sku-${i}`,
  title: `Item ${i}`,
  category: `Dept ${i % 12} > Aisle ${i % 5}`,
  brand: `Brand ${i % 9}`,
  price: 5 + (i % 50),
}));
const POLICIES = {
  'default (1 report/day, ε 1)': {},
  '4 reports/day, ε 0.25 each': {
    maxReportsPerDay: 4,
    types: { interests: { epsilon: 0.25 }, campaign: { epsilon: 0.25 }, bandit: { epsilon: 0.25 }, engagement: { epsilon: 0.25 } },
  },
};

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const ids = JSON.parse(body).reports.map((r) => r.id);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids, duplicates: [], rejected: [] }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${server.address().port}/hearth`;

async function device(policy) {
  const clock = { t: T0 };
  const h = await createHearth({ storage: 'memory', now: () => clock.t, autosave: 0, endpoint, sync: { auto: false }, privacy: policy, consent: { measurement: 'granted' } });
  h.catalog.load(CATALOG);
  for (let d = 0; d < 7; d++) {
    for (let i = 0; i < 30; i++) h.track({ type: i % 7 === 0 ? 'click' : 'view', item: `sku-${(d * 31 + i) % 400}` });
    h.recommend({ count: 4 });
    clock.t += DAY;
  }
  return { h, clock };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const [name, policy] of Object.entries(POLICIES)) {
  const { h } = await device(policy);
  const build = [];
  let reports = 0;
  let bytes = 0;
  for (let i = 0; i < runs + 20; i++) {
    h.track({ type: 'view', item: 'sku-1' }); // changes the state: the next report() builds a fresh round
    const t = performance.now();
    const r = h.privacy.report();
    const dt = performance.now() - t;
    if (i >= 20) build.push(dt);
    reports = r.next.reports.length;
    bytes = r.next.bytes;
  }
  h.close();
  const syncs = [];
  for (let i = 0; i < Math.min(runs, 40); i++) {
    const d = await device(policy);
    const t = performance.now();
    const r = await d.h.sync();
    syncs.push(performance.now() - t);
    if (r.status !== 'ok') throw new Error(`sync failed: ${JSON.stringify(r)}`);
    d.h.close();
  }
  rows.push({ name, reports, bytes, build: median(build), perReport: median(build) / reports, sync: median(syncs) });
}
server.close();

console.log('| policy | reports per round | bytes | report() build, median | per report | sync() end to end, median |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.reports} | ${r.bytes} | ${(r.build * 1000).toFixed(0)} µs | ${(r.perReport * 1000).toFixed(1)} µs | ${r.sync.toFixed(2)} ms |`);
}
