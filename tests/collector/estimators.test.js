// Estimator correctness with a planted truth: 5,000 synthetic devices whose
// true interests, campaign outcomes and engagement counts are drawn from
// known distributions, noised in JS exactly as docs/privacy.md specifies
// (k-ary RR, OUE, 3-ary RR with ε split over campaigns, discrete Laplace),
// posted through HTTP, then read back from the API. The debiased estimates
// must land within their stated intervals of the truth — and the raw,
// un-debiased shares must not (so the assertions can catch a broken
// aggregation). Runs against both stores.
//
//   node --test tests/collector/estimators.test.js

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { startCollector } from '../../demo/collector/server.mjs';
import { interestsByPeriod, liftByCampaign, priorsFrom } from '../../demo/collector/estimate.mjs';
import { daysAgo, getJson, newId, postReports, seeded, storeUrls } from './harness.js';

const DEVICES = 5000;
const EPS = 1;
const KEYS = ['apparel', 'camping', 'home', 'shoes', 'sports', 'toys'];
const SHARES = [0.3, 0.2, 0.15, 0.1, 0.1, 0.05]; // the rest (0.1): no interest ("none")
const EXPOSE = 0.6;
const CONVERT = { spring: { holdout: 0.1, treatment: 0.13 }, summer: { holdout: 0.08, treatment: 0.08 } };
const VIEW_MEAN = 2.5; // views per device-day, clipped to 5 on the device
const Z999 = 3.2905;
const Z95 = 1.96;

// --- The device side, written from docs/privacy.md (independently of the collector) ---

function pick(rand, weights) {
  let u = rand();
  for (let i = 0; i < weights.length; ++i) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** k-ary RR: keep with p = e^ε/(e^ε + d − 1), else a uniform other value. */
function kRr(rand, value, d, eps) {
  const p = Math.exp(eps) / (Math.exp(eps) + d - 1);
  if (rand() < p) return value;
  const other = Math.floor(rand() * (d - 1));
  return other < value ? other : other + 1;
}

/** OUE: true bit 1 with 1/2, each other bit with 1/(e^ε + 1). */
function oueBits(rand, value, d, eps) {
  const q = 1 / (Math.exp(eps) + 1);
  let bits = '';
  for (let i = 0; i < d; ++i) bits += (i === value ? rand() < 0.5 : rand() < q) ? '1' : '0';
  return bits;
}

/** Discrete Laplace P(x) ∝ a^|x|, a = exp(−ε/Δ): difference of two geometrics. */
function discreteLaplace(rand, eps, sensitivity) {
  const a = Math.exp(-eps / sensitivity);
  const geometric = () => Math.floor(Math.log(1 - rand()) / Math.log(a));
  return geometric() - geometric();
}

function poissonClipped(rand, mean, bound) {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = rand();
  while (u > s && k < 50) {
    ++k;
    p *= mean / k;
    s += p;
  }
  return Math.min(k, bound);
}

function fleet(seed) {
  const rand = seeded(seed);
  const period = daysAgo(1);
  const reports = [];
  const truth = { interests: new Array(KEYS.length + 1).fill(0), views: 0, campaign: {} };
  for (let i = 0; i < DEVICES; ++i) {
    // Interests: half the fleet on k-RR, half on OUE (two strata to add up).
    const top = pick(rand, [...SHARES, 1 - SHARES.reduce((a, b) => a + b, 0)]);
    truth.interests[top]++;
    const data =
      i % 2 === 0
        ? { mech: 'krr', keys: KEYS, value: kRr(rand, top, KEYS.length + 1, EPS) }
        : { mech: 'oue', keys: KEYS, bits: oueBits(rand, top, KEYS.length, EPS) };
    reports.push({ v: 1, id: newId(), period, type: 'interests', epsilon: EPS, sdk: '0.1.0', data });

    // Campaigns: two, each device in one arm of each, ε split in two.
    const campaigns = Object.entries(CONVERT).map(([id, rates]) => {
      const arm = rand() < 0.5 ? 'treatment' : 'holdout';
      const exposed = rand() < EXPOSE;
      const value = exposed ? (rand() < rates[arm] ? 2 : 1) : 0;
      const t = (truth.campaign[`${id}/${arm}`] ??= [0, 0, 0]);
      t[value]++;
      return { id, arm, value: kRr(rand, value, 3, EPS / 2) };
    });
    reports.push({ v: 1, id: newId(), period, type: 'campaign', epsilon: EPS, sdk: '0.1.0', data: { campaigns } });

    // Engagement: views with a known mean (clipped at 5), other counts 0.
    const views = poissonClipped(rand, VIEW_MEAN, 5);
    truth.views += views;
    const counts = [views, 0, 0, 0, 0, 0, 0].map((c) => c + discreteLaplace(rand, EPS, 14));
    reports.push({ v: 1, id: newId(), period, type: 'engagement', epsilon: EPS, sdk: '0.1.0', data: { counts } });
  }
  return { period, reports, truth };
}

async function postAll(url, reports, concurrency = 4) {
  const batches = [];
  for (let i = 0; i < reports.length; i += 50) batches.push(reports.slice(i, i + 50));
  let next = 0;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const res = await postReports(url, batches[next++]);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.rejected, []);
        accepted += res.body.accepted.length;
      }
    }),
  );
  return accepted;
}

const within = (value, [lo, hi]) => value >= lo && value <= hi;
const widen = ([lo, hi], factor) => {
  const mid = (lo + hi) / 2;
  const half = ((hi - lo) / 2) * factor;
  return [mid - half, mid + half];
};

const urls = storeUrls();
after(() => urls.stop());
const { period, reports, truth } = fleet(20261125);

for (const kind of ['pglite', 'postgres']) {
  describe(`estimators on ${kind}, ${DEVICES} synthetic devices at ε = ${EPS}`, () => {
    let c;
    before(async () => {
      c = await startCollector({ port: 0, url: await urls[kind](), k: 100 });
      assert.equal(await postAll(c.url, reports), reports.length);
    });
    after(async () => {
      await c?.close();
    });

    test('interest shares (k-RR and OUE strata added up) cover the planted shares', async () => {
      const { body } = await getJson(c.url, 'api/interests');
      const day = body.periods.find((p) => p.period === period);
      assert.equal(day.reports, DEVICES);
      let in95 = 0;
      for (const [i, key] of KEYS.entries()) {
        const cat = day.categories.find((x) => x.key === key);
        assert.equal(cat.released, true);
        assert.equal(cat.reports, DEVICES);
        const share = truth.interests[i] / DEVICES;
        assert.ok(within(share, widen(cat.ci95, Z999 / Z95)), `${key}: true ${share}, estimated ${cat.share} ${cat.ci95}`);
        if (within(share, cat.ci95)) in95++;
        // Not so wide that it hides everything: at n = 5000, ε = 1 (sd ≈ 1.9/√n) it is about ±0.055.
        assert.ok(cat.ci95[1] - cat.ci95[0] < 0.14, `${key} interval ${cat.ci95}`);
      }
      assert.ok(in95 >= KEYS.length - 2, `${in95} of ${KEYS.length} shares inside their 95% interval`);
    });

    test('the raw, un-debiased shares would fail the same check (the assertions have teeth)', async () => {
      const rows = await c.store.query(
        `SELECT cell, total, reports::float8 AS n FROM cells WHERE type = 'interests' AND period = $1::date`,
        [period],
      );
      const { body } = await getJson(c.url, 'api/interests');
      const day = body.periods.find((p) => p.period === period);
      // The rarest key: noise adds the most to it (raw ≈ 0.2 for a true 0.05).
      const key = KEYS[5];
      const raw = rows.filter((r) => JSON.parse(r.cell)[3] === key).reduce((a, r) => a + Number(r.total), 0) / DEVICES;
      const cat = day.categories.find((x) => x.key === key);
      assert.ok(!within(raw, widen(cat.ci95, Z999 / Z95)), `raw ${raw} vs ${cat.ci95}`);
      // Doubled counts (every report counted twice) would be caught on the largest key.
      const top = day.categories.find((x) => x.key === KEYS[0]);
      assert.ok(!within((2 * truth.interests[0]) / DEVICES, widen(top.ci95, Z999 / Z95)));
    });

    test('priors are the released shares, clamped and summing to at most 1', async () => {
      const { status, body } = await getJson(c.url, 'priors');
      assert.equal(status, 200);
      assert.equal(body.period, period);
      assert.deepEqual(body.categories.map((x) => x.key).slice(0, 2), ['apparel', 'camping']);
      const sum = body.categories.reduce((a, x) => a + x.share, 0);
      assert.ok(sum <= 1 && sum > 0.8, `sum ${sum}`);
    });

    test('campaign lift: the planted +3 pp is inside the interval, the null campaign covers 0', async () => {
      const { body } = await getJson(c.url, 'api/lift');
      const byId = Object.fromEntries(body.campaigns.map((x) => [x.id, x]));
      for (const [id, rates] of Object.entries(CONVERT)) {
        const est = byId[id];
        assert.equal(est.released, true, id);
        const trueLift = rates.treatment - rates.holdout;
        assert.ok(within(trueLift, widen(est.lift.ci95, Z999 / Z95)), `${id}: lift ${est.lift.value} ${est.lift.ci95}, true ${trueLift}`);
        const trueItt = EXPOSE * trueLift;
        assert.ok(within(trueItt, widen(est.liftItt.ci95, Z999 / Z95)), `${id}: ITT ${est.liftItt.value} ${est.liftItt.ci95}, true ${trueItt}`);
        for (const arm of ['treatment', 'holdout']) {
          const t = truth.campaign[`${id}/${arm}`];
          const a = est.arms[arm];
          assert.equal(a.reports, t[0] + t[1] + t[2]);
          assert.ok(within(t[1] + t[2], widen(a.exposedCi95, Z999 / Z95)), `${id}/${arm} exposed ${a.exposed} ${a.exposedCi95} vs ${t[1] + t[2]}`);
          assert.ok(within(rates[arm], widen(a.ci95, Z999 / Z95)), `${id}/${arm} rate ${a.rate} ${a.ci95} vs ${rates[arm]}`);
        }
      }
    });

    test('engagement means cover the planted mean views per device-day', async () => {
      const { body } = await getJson(c.url, 'api/stats');
      const day = body.engagement.find((p) => p.period === period);
      assert.equal(day.released, true);
      assert.equal(day.reports, DEVICES);
      const trueMean = truth.views / DEVICES;
      assert.ok(within(trueMean, widen(day.means.view.ci95, Z999 / Z95)), `views ${day.means.view.mean} ${day.means.view.ci95} vs ${trueMean}`);
      assert.ok(within(0, widen(day.means.purchase.ci95, Z999 / Z95)));
      // Budget: one sync per batch of 50, each report ε = 1.
      assert.equal(body.epsilonTotal, reports.length * EPS);
    });

    test('with k above the number of reports, every estimate is withheld', async () => {
      const core = c.collector.options.validator;
      const k = DEVICES + 1;
      const lift = await liftByCampaign(c.store, { k, core });
      assert.deepEqual(lift.campaigns, [
        { id: 'spring', released: false },
        { id: 'summer', released: false },
      ]);
      assert.equal(await priorsFrom(c.store, { k, core }), null);
      const interests = await interestsByPeriod(c.store, { k, core });
      assert.ok(interests.periods.every((p) => p.categories.every((x) => x.released === false && !('share' in x))));
    });
  });
}
