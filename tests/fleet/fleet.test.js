// The fleet simulator, small and fast: 300 real devices (the hearth package,
// release wasm) over 10 simulated days sync through `hearth.sync()` to the
// real collector (PGlite in memory) on loopback, 30% of the syncs losing
// their answer (so devices resend the same ids). The collector's estimates
// must land within their stated intervals of the planted truth — and the
// same assertions must catch a broken aggregation (noise not debiased;
// resent reports double-counted). Devices that never granted measurement
// send nothing.
//
//   node --test tests/fleet/fleet.test.js

import { before, test } from 'node:test';
import assert from 'node:assert/strict';

import { createPrivacyTools } from 'hearth';
import { PLANTED_LIFT, aggregate, checkEstimates, runFleet, truthOf } from '../../bench/fleet/sim.mjs';

const Z95 = 1.959963984540054;
let run;
let core;
let truth;

before(async () => {
  core = await createPrivacyTools();
  // k = 1: every cell released, so the API's numbers cover every report (the k-threshold has its own tests).
  run = await runFleet({ devices: 300, days: 10, epsilonPerDay: 1, seed: 20261125, k: 1, loseAnswers: 0.3 });
  truth = truthOf(run.truth);
});

/** The collector's API answers in the shape checkEstimates() takes (interest periods pooled). */
function fromApi({ lift, interests }) {
  const c = lift.campaigns.find((x) => x.id === 'weekend-deal');
  const arms = {};
  for (const [arm, a] of Object.entries(c.arms)) {
    arms[arm] = {
      reports: a.reports,
      exposed: a.exposed,
      exposedHalf: (a.exposedCi95[1] - a.exposedCi95[0]) / 2,
      converted: a.converted,
      convertedHalf: (a.convertedCi95[1] - a.convertedCi95[0]) / 2,
    };
  }
  const pooled = new Map();
  let interestReports = 0;
  for (const p of interests.periods) {
    interestReports += p.reports;
    for (const cat of p.categories) {
      assert.ok(cat.released, `${p.period} ${cat.key} released at k = 1`);
      const sd = (cat.ci95[1] - cat.share) / Z95;
      const acc = pooled.get(cat.key) ?? { count: 0, variance: 0 };
      acc.count += cat.count;
      acc.variance += (sd * cat.reports) ** 2;
      pooled.set(cat.key, acc);
    }
  }
  const shares = {};
  for (const [key, a] of pooled) shares[key] = { share: a.count / interestReports, half: (Z95 * Math.sqrt(a.variance)) / interestReports };
  return { interestReports, shares, arms, lift: { value: c.lift.value, half: (c.lift.ci95[1] - c.lift.ci95[0]) / 2 } };
}

test('the fleet ran: real devices, consent at realistic rates, resends after lost answers', () => {
  const { counts } = run;
  assert.equal(counts.devices, 300);
  for (const state of ['granted', 'denied', 'pending']) assert.ok(counts.byConsent[state] > 20, JSON.stringify(counts.byConsent));
  assert.ok(truth.interestReports > 300 && truth.arms.treatment.reports > 100 && truth.arms.holdout.reports > 100, JSON.stringify(truth.arms));
  assert.ok(run.wire.length > run.truth.size * 1.1, `resends happened: ${run.wire.length} sent for ${run.truth.size} distinct reports`);
  assert.ok(counts.exposures.treatment > 100 && counts.exposures.holdout > 100);
});

test('devices that never granted measurement contribute nothing: zero requests, zero reports at the collector', () => {
  assert.equal(run.counts.requestsByConsent.denied, 0);
  assert.equal(run.counts.requestsByConsent.pending, 0);
  assert.equal(run.api.stats.reports, run.truth.size, 'the collector holds exactly the consenting devices’ distinct reports');
  assert.equal(run.api.stats.server.duplicates > 0, true, 'resends were answered as duplicates');
});

test('the collector’s estimates land within their stated intervals of the truth', () => {
  const est = fromApi(run.api);
  assert.deepEqual(checkEstimates(est, truth), []);
  // Its numbers are the documented estimators over the distinct reports.
  const again = aggregate(run.wire, core);
  assert.ok(Math.abs(again.lift.value - est.lift.value) < 1e-9);
  assert.ok(Math.abs(again.lift.half - est.lift.half) < 1e-9);
  // And the planted effect (+3 pp among exposed) is inside the lift's interval.
  assert.ok(Math.abs(est.lift.value - PLANTED_LIFT) <= est.lift.half, `${est.lift.value} ± ${est.lift.half}`);
});

test('a broken aggregation is caught by the same assertions: noise not debiased', () => {
  const failures = checkEstimates(aggregate(run.wire, core, { debias: false }), truth);
  assert.ok(failures.some((f) => /converted device-days/.test(f)), failures.join('\n'));
});

test('a broken aggregation is caught by the same assertions: resent reports double-counted', () => {
  const failures = checkEstimates(aggregate(run.wire, core, { dedupe: false }), truth);
  assert.ok(failures.some((f) => /reports counted/.test(f)), failures.join('\n'));
});
