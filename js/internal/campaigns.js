// hearth.campaigns: use cases (segment + trigger + action + cap + holdout +
// goal) deployed as JSON and run on the device. The decisions live in the C++
// core (src/hearth/campaign/); this file validates what the host passes and
// shapes what comes back.
//
// Exposure accounting: active(context) is the moment of showing. It returns
// the actions to show now AND records one exposure per applicable campaign —
// for holdout devices too, which get no action. A separate "exposed(id)" call
// was rejected on purpose: a holdout device shows nothing, so the host would
// never call it there, and the two arms would be counted by different code
// paths (biased lift). Call active() once per view where you render its
// actions; use list() to look without counting. The deals slot
// (recommend({ slot: 'deals' })) records the exposures of deal campaigns the
// same way.

import { invalidArgument } from '../errors.js';

export const CONTEXT_KEYS = ['hour', 'weekday', 'weather', 'distanceKm', 'available', 'minor', 'tzOffsetMinutes'];
const MAX_AVAILABLE = 64;

/** @param {unknown} v */
function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The moment as the host sees it, for the deals slot and campaigns. Hour,
 * weekday and the UTC offset default to the local time of `nowMs`.
 * @param {unknown} context
 * @param {number} nowMs
 * @param {string} where  prefix for error messages, e.g. 'recommend(request)'
 */
export function normalizeContext(context, nowMs, where) {
  if (context === undefined || context === null) context = {};
  if (typeof context !== 'object' || Array.isArray(context)) throw invalidArgument(`${where}: context must be an object`);
  const c = /** @type {Record<string, unknown>} */ (context);
  for (const k of Object.keys(c)) {
    if (!CONTEXT_KEYS.includes(k)) throw invalidArgument(`${where}: unknown context field '${k}'; known fields are ${CONTEXT_KEYS.join(', ')}`);
  }
  const local = new Date(nowMs);
  const hour = c.hour ?? local.getHours();
  const weekday = c.weekday ?? ((local.getDay() + 6) % 7) + 1;
  const tzOffsetMinutes = c.tzOffsetMinutes ?? -local.getTimezoneOffset();
  if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) throw invalidArgument(`${where}: context.hour must be a whole number 0–23`);
  if (typeof weekday !== 'number' || !Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw invalidArgument(`${where}: context.weekday must be 1 (Monday) … 7 (Sunday)`);
  if (c.weather !== undefined && typeof c.weather !== 'string') throw invalidArgument(`${where}: context.weather must be a word such as "rain"`);
  if (c.distanceKm !== undefined && (typeof c.distanceKm !== 'number' || !(c.distanceKm >= 0) || !Number.isFinite(c.distanceKm))) {
    throw invalidArgument(`${where}: context.distanceKm must be a distance >= 0`);
  }
  if (c.minor !== undefined && typeof c.minor !== 'boolean') throw invalidArgument(`${where}: context.minor must be true or false`);
  if (typeof tzOffsetMinutes !== 'number' || !Number.isInteger(tzOffsetMinutes) || Math.abs(tzOffsetMinutes) > 840) {
    throw invalidArgument(`${where}: context.tzOffsetMinutes must be whole minutes east of UTC, from -840 to 840`);
  }
  /** @type {[string, number][]} */
  let available = [];
  if (c.available !== undefined) {
    if (c.available === null || typeof c.available !== 'object' || Array.isArray(c.available)) {
      throw invalidArgument(`${where}: context.available must be an object of counts such as { 'pickup-today': 3 }`);
    }
    available = Object.entries(/** @type {Record<string, unknown>} */ (c.available)).map(([k, v]) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(`${where}: context.available['${k}'] must be a count, not ${describe(v)}`);
      return [k, v];
    });
    if (available.length > MAX_AVAILABLE) throw invalidArgument(`${where}: context.available has more than ${MAX_AVAILABLE} keys`);
  }
  return { hour, weekday, weather: c.weather, distanceKm: c.distanceKm, available, minor: c.minor === true, tzOffsetMinutes };
}

/** @param {number} day days since 1970-01-01 @returns {string} YYYY-MM-DD */
function dayString(day) {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The hearth.campaigns namespace over one engine handle.
 * @param {{
 *   call<T>(fn: (M: any, engine: any) => T): T,
 *   unwrap(r: any): any,
 *   now(): number,
 *   touched(): void,
 *   toBytes(x: unknown): Uint8Array | null,
 * }} host
 */
export function createCampaigns(host) {
  return Object.freeze({
    /**
     * Replaces the campaigns. All or nothing: one bad campaign rejects the
     * document (the error names its index, id and field) and the loaded set stays.
     * @param {string | Uint8Array | ArrayBuffer | readonly unknown[] | object} input
     * @returns {{ campaigns: number }}
     */
    load(input) {
      let body = typeof input === 'string' ? input : host.toBytes(input);
      if (body === null) {
        if (input === null || typeof input !== 'object') throw invalidArgument('campaigns.load(input) needs JSON text, bytes, or an array of campaigns');
        body = JSON.stringify(input);
      }
      const text = body;
      return host.call((M, e) => host.unwrap(M.loadCampaigns(e, text)));
    },

    /**
     * Every loaded campaign with this device's arm, whether it is eligible now
     * (window, audience, cap) and its counts on this device. Records nothing.
     * @param {unknown} [context]
     */
    list(context) {
      const now = host.now();
      const ctx = normalizeContext(context, now, 'campaigns.list(context)');
      const out = host.call((M, e) => host.unwrap(M.listCampaigns(e, now, ctx)));
      host.touched(); // the first call draws this install's salt
      return out;
    },

    /**
     * The campaign actions to show now, recording the exposures (see the top
     * of this file). Holdout devices get an empty list for their campaigns.
     * @param {unknown} [context]
     */
    active(context) {
      const now = host.now();
      const ctx = normalizeContext(context, now, 'campaigns.active(context)');
      const out = host.call((M, e) => host.unwrap(M.activeCampaigns(e, now, ctx)));
      host.touched();
      return out;
    },

    /**
     * Exposures and conversions kept on this device, per campaign, arm and
     * local day (the last 35 days): what the privacy reports aggregate.
     * @returns {{ campaign: string, arm: 'treatment' | 'holdout', day: string, exposed: number, converted: number }[]}
     */
    stats() {
      return host.call((M, e) => M.campaignStats(e)).map((/** @type {any} */ r) => ({ ...r, day: dayString(r.day) }));
    },
  });
}
