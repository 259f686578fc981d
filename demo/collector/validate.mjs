// Report validation and mechanism constants for the collector, from the
// Hearth core compiled to wasm: the same ParseReport + ValidateReport the
// device's report builder is tested against (docs/privacy.md, "Validation"),
// and the exact randomized-response probabilities the device realizes. The
// collector and the SDK can therefore never disagree on what a valid report
// is or on how to debias it.
//
// Example:
//   const core = await loadValidator({ policy: '{"epsilonPerDay":1}' });
//   core.validate('{"v":1,"id":"…",…}')   // { ok: true, report } | { ok: false, code, message }
//   core.rrProbabilities(3, 0.5, 'krr')   // { p, q }

import { createPrivacyTools } from 'hearth';

/**
 * Loads the core through the package's public `createPrivacyTools()` (release
 * wasm from js/wasm/, found the way an app finds it) and checks the policy
 * once, so a bad policy stops the collector at start.
 * @param {{ policy?: string }} [options] policy JSON (docs/privacy.md); '{}' = defaults
 */
export async function loadValidator({ policy = process.env.HEARTH_COLLECTOR_POLICY ?? '{}' } = {}) {
  let tools;
  try {
    tools = await createPrivacyTools();
  } catch (e) {
    throw new Error(`cannot load the Hearth core (${e.message}); build it with 'bash scripts/build.sh wasm'`, { cause: e });
  }
  const mod = tools;
  // The core's own reading of the policy: defaults filled in, or an error.
  let effective;
  try {
    effective = JSON.parse(policy);
  } catch (e) {
    throw new Error(`collector policy is not JSON: ${e.message}`);
  }
  const policyError = mod.validateReport('', policy);
  if (policyError && /privacy policy/.test(policyError.message)) throw new Error(`collector policy: ${policyError.message}`);
  const rrCache = new Map();
  return {
    policy,
    epsilonPerDay: effective.epsilonPerDay ?? 1,
    /**
     * @param {string} text one report's JSON text
     * @returns {{ ok: true, report: any } | { ok: false, code: string, message: string }}
     */
    validate(text) {
      const error = mod.validateReport(text, policy);
      if (error) return { ok: false, code: error.code, message: error.message };
      return { ok: true, report: JSON.parse(text) };
    },
    /** { p, q } of k-ary RR over d values ('krr') or OUE ('oue') at ε. */
    rrProbabilities(d, epsilon, mech) {
      const key = `${d}|${epsilon}|${mech}`;
      let pq = rrCache.get(key);
      if (!pq) {
        pq = mod.rrProbabilities(d, epsilon, mech);
        if (rrCache.size > 10000) rrCache.clear();
        rrCache.set(key, pq);
      }
      return pq;
    },
    /** Variance of one discrete Laplace draw at ε with sensitivity Δ. */
    laplaceVariance: (epsilon, sensitivity) => mod.laplaceVariance(epsilon, sensitivity),
  };
}
