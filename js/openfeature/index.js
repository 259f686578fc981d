// hearth/openfeature: an OpenFeature web provider over a Hearth instance, so
// an app already on OpenFeature reads Hearth's segment, interests, picks,
// loyalty tier / points and consent as flag values.
//
//   import { OpenFeature } from '@openfeature/web-sdk';
//   import { HearthProvider } from 'hearth/openfeature';
//   await OpenFeature.setProviderAndWait(new HearthProvider(hearth));
//   const client = OpenFeature.getClient();
//   client.getStringValue('hearth.segment', 'new');            // 'deal_seeker'
//   client.getObjectValue('hearth.pick.for_you', []);          // [{ item, reason, … }]
//
// Everything is computed on the device from the instance's local state:
// evaluating a flag sends nothing anywhere. `@openfeature/web-sdk` is a peer
// dependency (the app's own copy is used, never bundled here).
//
// Flag keys (the table with types and reasons is in index.d.ts and README):
//   hearth.segment                  string   lifecycle segment
//   hearth.segment.<segment>        boolean  the user is in <segment>
//   hearth.interests.top            string   strongest interest's feature key | object: top N
//   hearth.interest.<feature>       number   weight | boolean: among the top N
//   hearth.rfm.<field>              number   recency / frequency / monetary
//   hearth.pick.<slot>              string   first pick's item id | object: the picks
//   hearth.tier                     string   loyalty tier id
//   hearth.points.<currency>        number   balance
//   hearth.streak                   number   current streak length
//   hearth.consent.<purpose>        string   granted | pending | denied | boolean: granted
//
// Picks are computed once per (slot, context) and cached until the user's
// state or the evaluation context changes: showing picks moves the on-device
// bandit, so re-evaluating a flag must not count as a new impression.

import {
  FlagNotFoundError,
  InvalidContextError,
  OpenFeatureEventEmitter,
  ProviderEvents,
  ProviderFatalError,
  ProviderNotReadyError,
  StandardResolutionReasons,
  TypeMismatchError,
} from '@openfeature/web-sdk';

export const SEGMENTS = Object.freeze([
  'new',
  'disengaged',
  'lapsed',
  'deal_seeker',
  'brand_advocate',
  'multi_category',
  'single_category_regular',
]);
export const SLOTS = Object.freeze(['for_you', 'wow', 'deals']);
export const RFM_FIELDS = Object.freeze([
  'daysSinceActive',
  'daysSincePurchase',
  'purchases90d',
  'purchasesTotal',
  'monetaryTotal',
  'eventsTotal',
]);
export const PURPOSES = Object.freeze(['personalization', 'gamification', 'measurement']);
/** Evaluation-context attributes passed to the deals slot as its moment. */
export const DEAL_CONTEXT_KEYS = Object.freeze(['hour', 'weekday', 'weather', 'distanceKm', 'available', 'minor', 'tzOffsetMinutes']);
/** OpenFeature tracking event names forwarded to hearth.track(). */
export const TRACKED_EVENTS = Object.freeze(['view', 'click', 'add_to_cart', 'purchase', 'search', 'dwell', 'dismiss']);

/** The fields of TrackingEventDetails passed on to hearth.track() (the rest is ignored). */
const TRACK_FIELDS = Object.freeze(['item', 'id', 'ts', 'query', 'value', 'quantity', 'deal', 'context']);
const { TARGETING_MATCH, DEFAULT, DISABLED } = StandardResolutionReasons;
const MAX_KEY = 256;

/**
 * @typedef {'boolean' | 'string' | 'number' | 'object'} FlagType
 * @typedef {{ value: any, variant?: string, reason: string, flagMetadata?: Record<string, string | number | boolean> }} Resolved
 */

export class HearthProvider {
  metadata = Object.freeze({ name: 'Hearth' });
  runsOn = /** @type {const} */ ('client');
  events = new OpenFeatureEventEmitter();
  hooks = [];

  /** @type {any} */ #hearth = null;
  /** @type {Promise<any> | null} */ #pending;
  #count;
  #top;
  /** @type {Array<() => void>} */ #unsubscribe = [];
  /** @type {Map<string, any[]>} picks per slot + deal-context key */ #picks = new Map();
  /** @type {Map<string, unknown> | null} the cheap flags' values at the last event */ #last = null;
  #queued = false;

  /**
   * @param {any} hearth a Hearth instance (createHearth()), or a promise of one
   * @param {{ count?: number, topInterests?: number }} [options]
   *   count: picks per slot for hearth.pick.* (default 8, 1–100);
   *   topInterests: N of hearth.interests.top and of the boolean hearth.interest.* (default 3, 1–10)
   */
  constructor(hearth, options = {}) {
    if (hearth === null || (typeof hearth !== 'object' && typeof hearth !== 'function')) {
      throw new TypeError('new HearthProvider(hearth): pass the instance createHearth() returned (or its promise)');
    }
    if (options === null || typeof options !== 'object') throw new TypeError('new HearthProvider(hearth, options): options must be an object');
    for (const k of Object.keys(options)) {
      if (k !== 'count' && k !== 'topInterests') throw new TypeError(`new HearthProvider(): unknown option '${k}'; use count or topInterests`);
    }
    this.#count = wholeIn(options.count ?? 8, 1, 100, 'options.count');
    this.#top = wholeIn(options.topInterests ?? 3, 1, 10, 'options.topInterests');
    if (typeof (/** @type {any} */ (hearth).then) === 'function') {
      this.#pending = /** @type {Promise<any>} */ (hearth);
    } else {
      this.#pending = null;
      this.#attach(hearth);
    }
  }

  /** Waits for the instance (when given a promise) and subscribes to its changes. */
  async initialize() {
    if (this.#pending) {
      let h;
      try {
        h = await this.#pending;
      } catch (e) {
        throw new ProviderFatalError(`Hearth did not start: ${messageOf(e)}`);
      }
      this.#pending = null;
      this.#attach(h);
    }
    if (this.#hearth.status === 'closed') throw new ProviderFatalError('the Hearth instance is closed; create a new one and a new provider');
    this.#subscribe(); // again after an onClose(): the provider can be set again
  }

  /** Unsubscribes from the instance; the instance itself stays open (the app owns it). */
  async onClose() {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#picks.clear();
  }

  /**
   * The evaluation context changed: picks for the deals slot depend on it.
   * Synchronous (no RECONCILING state): the next evaluation recomputes.
   */
  onContextChange() {
    this.#picks.clear();
  }

  /**
   * OpenFeature's tracking API → hearth.track(): `client.track('view', { item: 'sku-1' })`.
   * Names other than Hearth's event types are ignored; `details.item` is required.
   * @param {string} name
   * @param {Record<string, unknown>} _context
   * @param {Record<string, unknown>} [details]
   */
  track(name, _context, details) {
    if (!TRACKED_EVENTS.includes(name) || !this.#hearth) return;
    const event = { type: name };
    for (const [k, v] of Object.entries(details ?? {})) {
      if (TRACK_FIELDS.includes(k)) {
        /** @type {any} */ (event)[k] = v;
      }
    }
    if (typeof (/** @type {any} */ (event).item) !== 'string') return;
    this.#hearth.track(event); // a HearthError (unknown item…) reaches the caller
  }

  /** @param {string} key @param {boolean} def @param {Record<string, unknown>} context */
  resolveBooleanEvaluation(key, def, context) {
    return this.#resolve('boolean', key, def, context);
  }

  /** @param {string} key @param {string} def @param {Record<string, unknown>} context */
  resolveStringEvaluation(key, def, context) {
    return this.#resolve('string', key, def, context);
  }

  /** @param {string} key @param {number} def @param {Record<string, unknown>} context */
  resolveNumberEvaluation(key, def, context) {
    return this.#resolve('number', key, def, context);
  }

  /** @param {string} key @param {any} def @param {Record<string, unknown>} context */
  resolveObjectEvaluation(key, def, context) {
    return this.#resolve('object', key, def, context);
  }

  // ---- internals -----------------------------------------------------------

  /** @param {any} h */
  #attach(h) {
    if (!h || typeof h.profile !== 'function' || typeof h.recommend !== 'function' || typeof h.on !== 'function') {
      throw new TypeError('HearthProvider: expected a Hearth instance (profile, recommend, on)');
    }
    this.#hearth = h;
    this.#subscribe();
  }

  /** Listens to the instance's changes (once). */
  #subscribe() {
    const h = this.#hearth;
    if (this.#unsubscribe.length > 0 || h.status === 'closed') return;
    const onAny = () => this.#stateChanged();
    for (const ev of ['change', 'consent', 'reward']) this.#unsubscribe.push(h.on(ev, onAny));
    this.#last = this.#cheapFlags();
  }

  /** Coalesces a burst of Hearth events into one ConfigurationChanged. */
  #stateChanged() {
    this.#picks.clear();
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (!this.#hearth || this.#hearth.status === 'closed') return;
      const now = this.#cheapFlags();
      const before = this.#last ?? new Map();
      const changed = new Set();
      for (const [k, v] of now) if (!sameJson(v, before.get(k))) changed.add(k);
      for (const k of before.keys()) if (!now.has(k)) changed.add(k);
      // Picks may change with any state change; they are not recomputed here
      // (that would count impressions), so they are always listed.
      for (const slot of SLOTS) changed.add(`hearth.pick.${slot}`);
      this.#last = now;
      this.events.emit(ProviderEvents.ConfigurationChanged, {
        flagsChanged: [...changed].sort(),
        message: 'Hearth state changed',
      });
    });
  }

  /** Values of the flags that are cheap and side-effect free, for the changed-flags list. */
  #cheapFlags() {
    /** @type {Map<string, unknown>} */
    const m = new Map();
    const h = this.#hearth;
    try {
      const p = h.profile();
      m.set('hearth.segment', p.segment);
      for (const s of SEGMENTS) m.set(`hearth.segment.${s}`, p.segment === s);
      m.set('hearth.interests.top', p.interests.slice(0, this.#top).map((/** @type {any} */ i) => i.feature));
      for (const i of p.interests) m.set(`hearth.interest.${i.feature}`, i.weight);
      for (const f of RFM_FIELDS) m.set(`hearth.rfm.${f}`, p.rfm[f]);
      const c = h.consent?.get?.();
      if (c) for (const pu of PURPOSES) m.set(`hearth.consent.${pu}`, c[pu]?.state);
      const g = gameState(h);
      if (g) {
        m.set('hearth.tier', g.tier?.id ?? null);
        m.set('hearth.streak', g.streak?.current ?? null);
        for (const [cur, v] of Object.entries(g.balances)) m.set(`hearth.points.${cur}`, v);
      }
    } catch {
      // A failing instance: the next evaluation reports it; the event lists the picks only.
    }
    return m;
  }

  /**
   * @param {FlagType} type
   * @param {string} key
   * @param {any} def
   * @param {Record<string, unknown>} context
   */
  #resolve(type, key, def, context) {
    const h = this.#hearth;
    if (!h) throw new ProviderNotReadyError('the Hearth instance has not started yet; await OpenFeature.setProviderAndWait(provider)');
    if (h.status === 'closed') throw new ProviderNotReadyError('the Hearth instance is closed');
    if (typeof key !== 'string' || key.length > MAX_KEY || !key.startsWith('hearth.')) {
      throw new FlagNotFoundError(`flag '${clip(key)}' is not a Hearth flag; Hearth's keys start with 'hearth.' (see hearth/openfeature)`);
    }
    return this.#lookup(type, key, def, context ?? {});
  }

  /**
   * @param {FlagType} type
   * @param {string} key
   * @param {any} def
   * @param {Record<string, unknown>} context
   * @returns {Resolved}
   */
  #lookup(type, key, def, context) {
    const h = this.#hearth;
    const rest = key.slice('hearth.'.length);
    const dot = rest.indexOf('.');
    const family = dot < 0 ? rest : rest.slice(0, dot);
    const arg = dot < 0 ? null : rest.slice(dot + 1);
    const need = (/** @type {FlagType[]} */ types) => {
      if (!types.includes(type)) {
        throw new TypeMismatchError(`flag '${key}' is a ${types.join(' or ')} flag, not ${type}`);
      }
    };
    const notFound = (/** @type {string} */ why) => new FlagNotFoundError(`flag '${clip(key)}': ${why}`);
    const personalized = () => h.consent?.get?.().personalization?.state !== 'denied';

    switch (family) {
      case 'segment': {
        if (arg === null) {
          need(['string']);
          if (!personalized()) return disabled(def, 'personalization is denied');
          const s = h.profile().segment;
          return { value: s, variant: s, reason: TARGETING_MATCH };
        }
        if (!SEGMENTS.includes(arg)) throw notFound(`unknown segment '${clip(arg)}'; segments are ${SEGMENTS.join(', ')}`);
        need(['boolean']);
        if (!personalized()) return disabled(def, 'personalization is denied');
        const on = h.profile().segment === arg;
        return { value: on, variant: on ? 'in' : 'out', reason: TARGETING_MATCH };
      }
      case 'interests': {
        if (arg !== 'top') throw notFound("the interests family has one key, 'hearth.interests.top'");
        need(['string', 'object']);
        if (!personalized()) return disabled(def, 'personalization is denied');
        const top = h.profile().interests.slice(0, this.#top);
        if (top.length === 0) return { value: def, reason: DEFAULT, flagMetadata: { why: 'no interests yet' } };
        if (type === 'string') return { value: top[0].feature, variant: top[0].feature, reason: TARGETING_MATCH, flagMetadata: { label: top[0].label } };
        return {
          value: top.map((/** @type {any} */ i) => ({ feature: i.feature, label: i.label, kind: i.kind, weight: i.weight })),
          variant: top.map((/** @type {any} */ i) => i.feature).join(','),
          reason: TARGETING_MATCH,
        };
      }
      case 'interest': {
        if (!arg) throw notFound("name the interest: 'hearth.interest.shoes', 'hearth.interest.brand:acme'");
        need(['number', 'boolean']);
        if (!personalized()) return disabled(def, 'personalization is denied');
        const feature = arg.includes(':') ? arg : `cat:${arg}`;
        const interests = h.profile().interests;
        const at = interests.findIndex((/** @type {any} */ i) => i.feature === feature);
        if (type === 'boolean') {
          const on = at >= 0 && at < this.#top;
          return { value: on, variant: on ? 'top' : 'not_top', reason: TARGETING_MATCH, flagMetadata: { feature } };
        }
        if (at < 0) return { value: def, reason: DEFAULT, flagMetadata: { feature, why: 'not among the profile\'s interests' } };
        return { value: interests[at].weight, reason: TARGETING_MATCH, flagMetadata: { feature, rank: at + 1, label: interests[at].label } };
      }
      case 'rfm': {
        if (!arg || !RFM_FIELDS.includes(arg)) throw notFound(`rfm fields are ${RFM_FIELDS.join(', ')}`);
        need(['number']);
        if (!personalized()) return disabled(def, 'personalization is denied');
        const v = h.profile().rfm[arg];
        if (v === null || v === undefined) return { value: def, reason: DEFAULT, flagMetadata: { why: 'no such event yet' } };
        return { value: v, reason: TARGETING_MATCH };
      }
      case 'pick': {
        if (!arg || !SLOTS.includes(arg)) throw notFound(`slots are ${SLOTS.join(', ')}`);
        need(['string', 'object']);
        const picks = this.#picksFor(arg, context);
        const meta = { personalized: personalized(), count: picks.length };
        if (picks.length === 0) return { value: def, reason: DEFAULT, flagMetadata: { ...meta, why: 'no picks for this slot now' } };
        if (type === 'string') {
          return { value: picks[0].item, variant: picks[0].item, reason: TARGETING_MATCH, flagMetadata: { ...meta, why: picks[0].reason } };
        }
        return { value: picks.map(plainPick), variant: picks.map((p) => p.item).join(','), reason: TARGETING_MATCH, flagMetadata: meta };
      }
      case 'tier':
      case 'streak':
      case 'points': {
        if (family === 'points' ? !arg : arg !== null) {
          throw notFound(family === 'points' ? "name the currency: 'hearth.points.points'" : `'hearth.${family}' has no sub-keys`);
        }
        need(family === 'tier' ? ['string'] : ['number']);
        if (!h.game) throw notFound('this Hearth build has no game module');
        if (h.consent?.get?.().gamification?.state === 'denied') return disabled(def, 'gamification is denied');
        const g = gameState(h);
        if (!g) return { value: def, reason: DEFAULT, flagMetadata: { why: 'no game rules loaded' } };
        if (family === 'tier') {
          if (!g.tier) return { value: def, reason: DEFAULT, flagMetadata: { why: 'no tiers in the rules' } };
          return { value: g.tier.id, variant: g.tier.id, reason: TARGETING_MATCH, flagMetadata: { name: g.tier.name, windowPoints: g.tier.windowPoints } };
        }
        if (family === 'streak') {
          if (!g.streak) return { value: def, reason: DEFAULT, flagMetadata: { why: 'no streak in the rules' } };
          return { value: g.streak.current, reason: TARGETING_MATCH, flagMetadata: { status: g.streak.status } };
        }
        const bal = g.balances[/** @type {string} */ (arg)];
        const currencies = Object.keys(g.balances);
        if (bal === undefined && currencies.length === 0) return { value: def, reason: DEFAULT, flagMetadata: { why: 'no currencies in the game rules' } };
        if (bal === undefined) throw notFound(`no currency '${clip(arg)}' in the game rules (currencies: ${currencies.join(', ')})`);
        return { value: bal, reason: TARGETING_MATCH };
      }
      case 'consent': {
        if (!arg || !PURPOSES.includes(arg)) throw notFound(`consent purposes are ${PURPOSES.join(', ')}`);
        need(['string', 'boolean']);
        if (!h.consent) throw notFound('this Hearth build has no consent module');
        const state = h.consent.get()[arg].state;
        if (type === 'boolean') return { value: state === 'granted', variant: state, reason: TARGETING_MATCH };
        return { value: state, variant: state, reason: TARGETING_MATCH };
      }
      default:
        throw notFound(
          'unknown family; Hearth flags are hearth.segment[.<segment>], hearth.interests.top, hearth.interest.<feature>, ' +
            'hearth.rfm.<field>, hearth.pick.<slot>, hearth.tier, hearth.points.<currency>, hearth.streak, hearth.consent.<purpose>',
        );
    }
  }

  /**
   * @param {string} slot
   * @param {Record<string, unknown>} context
   * @returns {any[]}
   */
  #picksFor(slot, context) {
    /** @type {Record<string, unknown> | undefined} */
    let deal;
    if (slot === 'deals') {
      deal = {};
      for (const k of DEAL_CONTEXT_KEYS) if (context[k] !== undefined) deal[k] = context[k];
    }
    const cacheKey = deal ? `${slot} ${JSON.stringify(deal)}` : slot;
    const hit = this.#picks.get(cacheKey);
    if (hit) return hit;
    let picks;
    try {
      picks = this.#hearth.recommend(deal ? { slot, count: this.#count, context: deal } : { slot, count: this.#count });
    } catch (e) {
      if (deal && /** @type {any} */ (e)?.code === 'INVALID_ARGUMENT') throw new InvalidContextError(messageOf(e));
      throw e;
    }
    this.#picks.set(cacheKey, picks);
    return picks;
  }
}

/** @param {any} def @param {string} why @returns {Resolved} */
function disabled(def, why) {
  return { value: def, reason: DISABLED, flagMetadata: { why } };
}

/** @param {any} h */
function gameState(h) {
  if (!h.game) return null;
  try {
    return h.game.state();
  } catch (e) {
    // No rules loaded yet is the game's FAILED_PRECONDITION: the flag is at its default.
    if (/** @type {any} */ (e)?.code === 'FAILED_PRECONDITION') return null;
    throw e;
  }
}

/** @param {any} p */
function plainPick(p) {
  /** @type {Record<string, unknown>} */
  const out = { item: p.item, reason: p.reason, score: p.score, propensity: p.propensity, arm: p.arm };
  if (p.promotion !== undefined) out.promotion = p.promotion;
  if (p.discount !== undefined) out.discount = p.discount;
  if (p.campaign !== undefined) out.campaign = { id: p.campaign.id, arm: p.campaign.arm };
  return out;
}

/** @param {unknown} v @param {number} lo @param {number} hi @param {string} name */
function wholeIn(v, lo, hi, name) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new TypeError(`new HearthProvider(): ${name} must be a whole number from ${lo} to ${hi}`);
  }
  return v;
}

/** @param {unknown} a @param {unknown} b */
function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** @param {unknown} s */
function clip(s) {
  const t = String(s);
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

/** @param {unknown} e */
function messageOf(e) {
  return e && typeof e === 'object' && 'message' in e ? String(/** @type {any} */ (e).message) : String(e);
}
