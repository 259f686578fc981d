// Consent: hearth.consent.get()/set(), the start-up defaults, and the mapping
// helpers from the signals a site already has (Global Privacy Control, Google
// Consent Mode v2, IAB TCF v2) to Hearth's three purposes.
//
// The state lives in the engine (snapshot section 6), so it is saved with
// everything else and survives restarts; this file only validates, maps and
// announces.

import { HearthError } from '../errors.js';

export const PURPOSES = Object.freeze(['personalization', 'gamification', 'measurement']);
export const CONSENT_STATES = Object.freeze(['granted', 'pending', 'denied']);
export const CONSENT_SOURCES = Object.freeze(['api', 'gpc', 'consent_mode', 'tcf', 'default']);

/**
 * What a host that says nothing gets: the profile and the game are kept on
 * the device (they never leave it), nothing is sent until measurement is
 * granted. Sites under GDPR/ePrivacy pass `consent: { personalization:
 * 'pending', … }` and ask first.
 */
export const DEFAULT_CONSENT = Object.freeze({ personalization: 'granted', gamification: 'granted', measurement: 'pending' });

/** @param {string} msg */
function invalid(msg) {
  return new HearthError('INVALID_ARGUMENT', msg);
}

/**
 * Checks a `{ purpose: state }` object (createHearth's `consent` option and
 * consent.set()) and returns a clean copy.
 * @param {unknown} values
 * @param {string} where
 * @returns {Partial<Record<'personalization' | 'gamification' | 'measurement', 'granted' | 'pending' | 'denied'>>}
 */
export function normalizeConsentValues(values, where) {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw invalid(`${where} needs an object such as { measurement: 'granted' }`);
  }
  /** @type {any} */
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (!PURPOSES.includes(k)) throw invalid(`${where}: unknown purpose '${k}'; use personalization, gamification or measurement`);
    if (!CONSENT_STATES.includes(/** @type {any} */ (v))) {
      throw invalid(`${where}: ${k} must be 'granted', 'pending' or 'denied', not ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  return out;
}

/**
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): a browser
 * that sends `Sec-GPC: 1` exposes `navigator.globalPrivacyControl === true`.
 * It is an opt-out of sale/sharing, so Hearth denies `measurement` (nothing
 * leaves the device) and leaves the on-device purposes alone.
 * @param {{ globalPrivacyControl?: unknown } | null | undefined} nav
 * @returns {{ measurement?: 'denied' }}
 */
export function consentFromGlobalPrivacyControl(nav) {
  return nav && nav.globalPrivacyControl === true ? { measurement: 'denied' } : {};
}

/**
 * Google Consent Mode v2 → Hearth purposes. Fields are 'granted' | 'denied';
 * missing fields change nothing.
 *   personalization ← personalization_storage (or, when that is absent,
 *                     ad_personalization): keeping a profile to tailor content
 *   measurement     ← analytics_storage, and denied whenever ad_user_data is
 *                     denied (campaign lift is advertising measurement)
 *   gamification    ← functionality_storage (points and streaks are a
 *                     feature the user asked for)
 * @param {Record<string, unknown> | null | undefined} fields
 */
export function consentFromConsentMode(fields) {
  /** @type {Record<string, 'granted' | 'denied'>} */
  const out = {};
  if (!fields || typeof fields !== 'object') return out;
  /** @param {unknown} v */
  const state = (v) => (v === 'granted' ? 'granted' : v === 'denied' ? 'denied' : undefined);
  const perso = state(fields.personalization_storage) ?? state(fields.ad_personalization);
  if (perso) out.personalization = perso;
  const analytics = state(fields.analytics_storage);
  if (analytics) out.measurement = analytics;
  if (state(fields.ad_user_data) === 'denied') out.measurement = 'denied';
  const functionality = state(fields.functionality_storage);
  if (functionality) out.gamification = functionality;
  return out;
}

/**
 * IAB TCF v2 (the `tcData` a CMP passes to `__tcfapi('addEventListener', 2, cb)`)
 * → Hearth purposes. Only explicit consents count (not legitimate interest):
 *   every purpose needs TCF purpose 1 (store and/or access information on a device)
 *   personalization ← 5 (create a personalised content profile) and
 *                     6 (use profiles to select personalised content)
 *   measurement     ← 8 (measure content performance) and
 *                     9 (understand audiences through statistics)
 *   gamification    ← 1 alone
 * When `gdprApplies` is false the CMP has nothing to say: no change.
 * @param {{ gdprApplies?: boolean, purpose?: { consents?: Record<string | number, boolean> } } | null | undefined} tcData
 */
export function consentFromTcf(tcData) {
  /** @type {Record<string, 'granted' | 'denied'>} */
  const out = {};
  if (!tcData || typeof tcData !== 'object' || tcData.gdprApplies === false) return out;
  const consents = tcData.purpose?.consents ?? {};
  /** @param {number} n */
  const has = (n) => consents[n] === true || consents[String(n)] === true;
  const storage = has(1);
  out.gamification = storage ? 'granted' : 'denied';
  out.personalization = storage && has(5) && has(6) ? 'granted' : 'denied';
  out.measurement = storage && has(8) && has(9) ? 'granted' : 'denied';
  return out;
}

/**
 * @typedef {{
 *   call<T>(fn: (M: any, e: any) => T): T,
 *   mutate<T>(fn: (M: any, e: any) => T): T,
 *   now(): number,
 *   emit(event: string, payload: unknown): void,
 *   persistNow(): Promise<void>,
 *   navigator(): any,
 * }} ConsentBridge
 */

/**
 * The `hearth.consent` namespace.
 * @param {ConsentBridge} bridge
 */
export function createConsentApi(bridge) {
  const get = () => bridge.call((M, e) => M.consentGet(e));
  /**
   * @param {unknown} values
   * @param {{ source?: string }} [options]
   */
  const set = (values, options) => {
    const clean = normalizeConsentValues(values, 'consent.set(values)');
    let source = 'api';
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw invalid('consent.set(values, options): options must be an object');
      for (const k of Object.keys(options)) if (k !== 'source') throw invalid(`consent.set(): unknown option '${k}'; the only option is source`);
      if (options.source !== undefined) {
        if (!CONSENT_SOURCES.includes(/** @type {any} */ (options.source))) {
          throw invalid(`consent.set(): source must be one of ${CONSENT_SOURCES.join(', ')}`);
        }
        source = /** @type {string} */ (options.source);
      }
    }
    return apply(clean, source);
  };
  /**
   * @param {Record<string, string>} clean
   * @param {string} source
   */
  const apply = (clean, source) => {
    const before = get();
    const now = bridge.now();
    bridge.mutate((M, e) => {
      for (const [purpose, state] of Object.entries(clean)) {
        const err = M.consentSet(e, purpose, state, source, now);
        if (err) throw new HearthError(err.code, `consent.set(): ${err.message}`);
      }
    });
    const after = get();
    const revoked = before.personalization.state !== 'denied' && after.personalization.state === 'denied';
    const changed = PURPOSES.some((p) => before[p].state !== after[p].state);
    // Revoking takes effect on disk at once, not at the next autosave.
    if (revoked || (changed && after.measurement.state === 'denied')) void bridge.persistNow();
    if (Object.keys(clean).length > 0) bridge.emit('consent', after);
    return after;
  };
  return Object.freeze({
    get,
    set,
    /** Applies Global Privacy Control (navigator.globalPrivacyControl) if the browser sends it. */
    applyGlobalPrivacyControl() {
      const v = consentFromGlobalPrivacyControl(bridge.navigator());
      return Object.keys(v).length ? apply(v, 'gpc') : get();
    },
    /** @param {Record<string, unknown>} fields Google Consent Mode v2 fields */
    applyConsentMode(fields) {
      return apply(consentFromConsentMode(fields), 'consent_mode');
    },
    /** @param {any} tcData IAB TCF v2 tcData */
    applyTcf(tcData) {
      return apply(consentFromTcf(tcData), 'tcf');
    },
    /** Internal: start-up defaults; not part of the public API. */
    [INIT]: (/** @type {any} */ initial, /** @type {boolean} */ respectGpc) => {
      const current = get();
      /** @type {Record<string, string>} */
      const fromHost = {};
      /** @type {Record<string, string>} */
      const fromDefault = {};
      for (const p of PURPOSES) {
        if (current[p].source !== 'default') continue; // a decision was made before: it stands
        if (initial && initial[p] !== undefined) fromHost[p] = initial[p];
        else if (current[p].state !== /** @type {any} */ (DEFAULT_CONSENT)[p]) fromDefault[p] = /** @type {any} */ (DEFAULT_CONSENT)[p];
      }
      const gpc =
        respectGpc && current.measurement.source === 'default' && !!consentFromGlobalPrivacyControl(bridge.navigator()).measurement;
      if (!gpc && Object.keys(fromDefault).length === 0 && Object.keys(fromHost).length === 0) return;
      bridge.mutate((M, e) => {
        const now = bridge.now();
        for (const [p, s] of Object.entries(fromDefault)) M.consentSet(e, p, s, 'default', now);
        for (const [p, s] of Object.entries(fromHost)) M.consentSet(e, p, s, 'api', now);
        if (gpc) M.consentSet(e, 'measurement', 'denied', 'gpc', now);
      });
    },
  });
}

export const INIT = Symbol('hearth.consent.init');
