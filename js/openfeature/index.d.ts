// Types of `hearth/openfeature`: an OpenFeature web provider over a Hearth
// instance. `@openfeature/web-sdk` (>= 1.0) is a peer dependency: install it
// in the app; it is never bundled with Hearth.
//
// Example:
//   import { OpenFeature } from '@openfeature/web-sdk';
//   import { createHearth } from 'hearth';
//   import { HearthProvider } from 'hearth/openfeature';
//
//   await OpenFeature.setProviderAndWait(new HearthProvider(createHearth()));
//   const flags = OpenFeature.getClient();
//   if (flags.getBooleanValue('hearth.segment.deal_seeker', false)) showDealsBanner();
//   const row = flags.getObjectValue('hearth.pick.for_you', []);

import type {
  EvaluationContext,
  Hook,
  JsonValue,
  OpenFeatureEventEmitter,
  Provider,
  ResolutionDetails,
  TrackingEventDetails,
} from '@openfeature/web-sdk';
import type { ConsentPurpose, EventType, Hearth, Slot } from '../index.js';

/** The lifecycle segments the core assigns today (`Profile['segment']`). */
export type LifecycleSegment =
  | 'new'
  | 'disengaged'
  | 'lapsed'
  | 'deal_seeker'
  | 'brand_advocate'
  | 'multi_category'
  | 'single_category_regular';

/**
 * Every flag key the provider answers. Anything else is `FLAG_NOT_FOUND`;
 * a known key read with a type it does not have is `TYPE_MISMATCH`.
 *
 * | key | type(s) | value | reason / variant |
 * |---|---|---|---|
 * | `hearth.segment` | string | lifecycle segment | TARGETING_MATCH, variant = segment; DISABLED when personalization is denied |
 * | `hearth.segment.<segment>` | boolean | the user is in it | variant `in` / `out` |
 * | `hearth.interests.top` | string, object | strongest feature key / the top N `{ feature, label, kind, weight }` | DEFAULT while there are none |
 * | `hearth.interest.<feature>` | number, boolean | weight / among the top N | `<feature>` is a feature key (`brand:acme`) or a category path (`shoes`, `shoes/trail` → `cat:…`); number: DEFAULT when absent |
 * | `hearth.rfm.<field>` | number | `Profile['rfm'][field]` | DEFAULT while null |
 * | `hearth.pick.<slot>` | string, object | first item id / the picks | deals: the moment from the evaluation context (`hour`, `weekday`, `weather`, `distanceKm`, `available`, `minor`, `tzOffsetMinutes`); INVALID_CONTEXT when those are invalid |
 * | `hearth.tier` | string | tier id | DEFAULT before rules with tiers; DISABLED when gamification is denied |
 * | `hearth.points.<currency>` | number | balance | FLAG_NOT_FOUND for a currency the rules lack |
 * | `hearth.streak` | number | current streak | |
 * | `hearth.consent.<purpose>` | string, boolean | `granted` / `pending` / `denied` / granted? | variant = state |
 */
export type HearthFlagKey =
  | 'hearth.segment'
  | `hearth.segment.${LifecycleSegment}`
  | 'hearth.interests.top'
  | `hearth.interest.${string}`
  | `hearth.rfm.${RfmField}`
  | `hearth.pick.${Slot}`
  | 'hearth.tier'
  | `hearth.points.${string}`
  | 'hearth.streak'
  | `hearth.consent.${ConsentPurpose}`;

export type RfmField = 'daysSinceActive' | 'daysSincePurchase' | 'purchases90d' | 'purchasesTotal' | 'monetaryTotal' | 'eventsTotal';

/** A pick as the object flags return it (plain JSON; a type alias so it satisfies `JsonValue`). */
export type PickFlagValue = {
  item: string;
  reason: string;
  score: number;
  propensity: number;
  arm: string;
  promotion?: string;
  discount?: number;
  campaign?: { id: string; arm: 'treatment' };
};

export interface HearthProviderOptions {
  /** Picks per slot for `hearth.pick.*` (1–100, default 8). */
  count?: number;
  /** N of `hearth.interests.top` and of the boolean `hearth.interest.*` (1–10, default 3). */
  topInterests?: number;
}

/**
 * The provider. Evaluations are synchronous and computed on the device;
 * picks are cached per slot (and per deal context) until the user's state or
 * the evaluation context changes, so re-reading a flag is not a new
 * impression. A Hearth `'change'`, `'consent'` or `'reward'` emits
 * `ProviderEvents.ConfigurationChanged` with `flagsChanged` (the changed
 * profile/game/consent keys and every `hearth.pick.*`). `close()` of the
 * OpenFeature API unsubscribes; the Hearth instance stays open.
 */
export declare class HearthProvider implements Provider {
  /** Takes an instance, or the promise `createHearth()` returns (the provider is NOT_READY until it resolves). */
  constructor(hearth: Hearth | Promise<Hearth>, options?: HearthProviderOptions);
  readonly metadata: { readonly name: 'Hearth' };
  readonly runsOn: 'client';
  readonly events: OpenFeatureEventEmitter;
  readonly hooks: Hook[];
  initialize(context?: EvaluationContext): Promise<void>;
  onClose(): Promise<void>;
  onContextChange(oldContext: EvaluationContext, newContext: EvaluationContext): void;
  /** `client.track('view' | 'click' | 'add_to_cart' | 'purchase' | …, { item, id?, value?, … })` → `hearth.track()`. Other names are ignored. */
  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void;
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): ResolutionDetails<boolean>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): ResolutionDetails<string>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): ResolutionDetails<number>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): ResolutionDetails<T>;
}

export declare const SEGMENTS: readonly LifecycleSegment[];
export declare const SLOTS: readonly Slot[];
export declare const RFM_FIELDS: readonly RfmField[];
export declare const PURPOSES: readonly ConsentPurpose[];
/** Evaluation-context attributes that become the deals slot's moment. */
export declare const DEAL_CONTEXT_KEYS: readonly ('hour' | 'weekday' | 'weather' | 'distanceKm' | 'available' | 'minor' | 'tzOffsetMinutes')[];
/** OpenFeature tracking event names forwarded to `hearth.track()`. */
export declare const TRACKED_EVENTS: readonly EventType[];
