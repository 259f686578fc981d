// What one validated report adds to the `cells` table: a list of
// [cell, value] pairs, one per estimator input the report backs. A cell name
// is a JSON array, so any campaign id or category key is unambiguous:
//   interests   ["krr"|"oue", ε micros, taxonomy hash, key]   1 if the report shows key, else 0
//               (k-RR also has key "" for "none"; every key of the report's
//               taxonomy gets a cell, so each cell counts every report behind it)
//   campaign    [campaign id, arm, ε micros per campaign, v]  1 if the noised value is v (0, 1, 2)
//   bandit      ["shows"|"clicks", cell index, ε micros]      the noised count
//   engagement  [name, ε micros]                              the noised count
// ε is part of the cell because the debiasing depends on it; the taxonomy
// hash, because k-RR's domain is the report's own key list.
//
// Example:
//   reportCells({ type: 'engagement', epsilon: 1, data: { counts: [1,0,0,0,2,0,-1] } })
//   // [['["view",1000000]', 1], ['["click",1000000]', 0], …]

import { createHash } from 'node:crypto';

import { BANDIT_CELLS, ENGAGEMENT_NAMES } from './dp.mjs';

const taxonomyHashes = new Map();

/** A short, stable name for a taxonomy (its sorted key list). */
export function taxonomyHash(keys) {
  const text = keys.join('\n');
  let h = taxonomyHashes.get(text);
  if (h === undefined) {
    h = createHash('sha256').update(text).digest('hex').slice(0, 12);
    if (taxonomyHashes.size > 1000) taxonomyHashes.clear();
    taxonomyHashes.set(text, h);
  }
  return h;
}

export function epsilonMicros(epsilon) {
  return Math.round(epsilon * 1e6);
}

/**
 * @param {{ type: string, epsilon: number, data: any }} report a report the core validated
 * @returns {Array<[string, number]>}
 */
export function reportCells(report) {
  const micros = epsilonMicros(report.epsilon);
  const data = report.data;
  const out = [];
  switch (report.type) {
    case 'interests': {
      const h = taxonomyHash(data.keys);
      if (data.mech === 'krr') {
        data.keys.forEach((key, i) => out.push([JSON.stringify(['krr', micros, h, key]), data.value === i ? 1 : 0]));
        out.push([JSON.stringify(['krr', micros, h, '']), data.value === data.keys.length ? 1 : 0]);
      } else if (data.mech === 'oue') {
        data.keys.forEach((key, i) => out.push([JSON.stringify(['oue', micros, h, key]), data.bits[i] === '1' ? 1 : 0]));
      } else {
        throw new Error(`report.data.mech "${data.mech}" is not krr or oue`);
      }
      return out;
    }
    case 'campaign': {
      // The device splits ε evenly (in whole millionths) over the campaigns.
      const share = Math.floor(micros / data.campaigns.length);
      for (const c of data.campaigns) {
        for (let v = 0; v < 3; ++v) out.push([JSON.stringify([c.id, c.arm, share, v]), c.value === v ? 1 : 0]);
      }
      return out;
    }
    case 'bandit':
      BANDIT_CELLS.forEach((_, i) => {
        out.push([JSON.stringify(['shows', i, micros]), data.shows[i]]);
        out.push([JSON.stringify(['clicks', i, micros]), data.clicks[i]]);
      });
      return out;
    case 'engagement':
      ENGAGEMENT_NAMES.forEach((name, i) => out.push([JSON.stringify([name, micros]), data.counts[i]]));
      return out;
    default:
      throw new Error(`report.type "${report.type}" has no aggregation`);
  }
}
