// Report validation for the collector: ONE function, backed by the Hearth
// core compiled to wasm (the same ParseReport + ValidateReport the device
// uses to build its reports), so the collector and the SDK can never
// disagree on what a valid report is.
//
// Example:
//   const v = await loadValidator({ policy: '{"epsilonPerDay":1}' });
//   v.validate('{"v":1,"id":"…",…}')   // { ok: true, report } | { ok: false, code, message }
//
// TEMPORARY: until the privacy branch's `validateReport` binding is merged,
// a strict JS check of the envelope fields stands in (see jsValidate).

/**
 * @param {{ policy?: string }} [options] policy JSON (docs/privacy.md); '{}' = defaults
 */
export async function loadValidator({ policy = '{}' } = {}) {
  const parsedPolicy = JSON.parse(policy);
  return {
    policy,
    epsilonPerDay: parsedPolicy.epsilonPerDay ?? 1,
    validate: (text) => jsValidate(text, parsedPolicy),
  };
}

const TYPES = new Set(['interests', 'campaign', 'bandit', 'engagement']);

function jsValidate(text, policy) {
  let r;
  try {
    r = JSON.parse(text);
  } catch (e) {
    return bad(`report is not JSON: ${e.message}`);
  }
  if (!r || typeof r !== 'object' || Array.isArray(r)) return bad('report must be an object');
  if (r.v !== 1) return bad('report.v must be 1');
  if (typeof r.id !== 'string' || !/^[0-9a-f]{32}$/.test(r.id)) return bad('report.id must be 32 lowercase hex characters');
  if (typeof r.period !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(r.period) || Number.isNaN(Date.parse(r.period))) {
    return bad('report.period must be a date YYYY-MM-DD');
  }
  if (!TYPES.has(r.type)) return bad('report.type must be interests, campaign, bandit or engagement');
  if (typeof r.epsilon !== 'number' || !(r.epsilon > 0)) return bad('report.epsilon must be a positive number');
  const allowed = policy.types?.[r.type]?.epsilon ?? 1;
  if (r.epsilon > allowed || r.epsilon > (policy.epsilonPerDay ?? 1)) {
    return bad(`report.epsilon ${r.epsilon} is more than the ${allowed} the policy allows for ${r.type} reports`);
  }
  if (typeof r.sdk !== 'string' || r.sdk.length > 32) return bad('report.sdk must be a short string');
  if (!r.data || typeof r.data !== 'object') return bad('report.data must be an object');
  return { ok: true, report: r };
}

function bad(message) {
  return { ok: false, code: 'INVALID_ARGUMENT', message };
}
