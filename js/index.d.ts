/**
 * Hearth: on-device personalization. The user's interest profile is computed
 * and kept on their own device by a C++ core compiled to WebAssembly.
 *
 * @example
 * import { createHearth } from 'hearth';
 * const hearth = await createHearth();
 * await hearth.catalog.load(catalogJson);
 * hearth.track({ type: 'view', item: 'sku-42' });
 * console.log(hearth.profile().summary);
 */

import type { StorageAdapter } from './storage/index.js';

export type { StorageAdapter } from './storage/index.js';

/** The package version; equals the wasm module's version and the repository's VERSION file. */
export const version: string;

/**
 * Machine-readable error codes. The core's status codes, plus `UNAVAILABLE`
 * (the wasm module or storage could not be reached) and `INTERNAL` (the wasm
 * module aborted).
 */
export type HearthErrorCode =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/** The only error type Hearth throws, rejects with and emits. */
export class HearthError extends Error {
  constructor(code: HearthErrorCode, message: string, options?: { cause?: unknown });
  readonly name: 'HearthError';
  /** What kind of failure; the message says what to fix. */
  readonly code: HearthErrorCode;
  /** The underlying error (storage exception, wasm trap, core status) when one is wrapped. */
  readonly cause?: unknown;
}

/** Event types the profile learns from. */
export type EventType = 'view' | 'click' | 'add_to_cart' | 'purchase' | 'search' | 'dwell' | 'dismiss';

/** Engine options: how fast interest fades, how much each event counts, where segments start. */
export interface ProfileOptions {
  /** Half-life in days of the interest an event type builds, e.g. `{ view: 7, purchase: 90 }`. */
  halfLifeDays?: Partial<Record<EventType, number>>;
  /** Weight of each event type, e.g. `{ view: 1, purchase: 10 }`. */
  weights?: Partial<Record<EventType, number>>;
  /** Thresholds of the lifecycle segments. */
  segments?: {
    disengagedDays?: number;
    lapsedDays?: number;
    dealMinPurchases?: number;
    dealShare?: number;
    advocateMinPurchases?: number;
    advocateBrandShare?: number;
    multiMinCategories?: number;
  };
}

export interface HearthOptions {
  /**
   * Where the state lives between visits: `'indexeddb'` (default in
   * browsers), `'local'` (localStorage), `'memory'` (default in Node) or an
   * adapter object. Storage failures never throw: Hearth keeps working in
   * memory with `status === 'memory-only'` and emits `'error'`.
   */
  storage?: 'indexeddb' | 'local' | 'memory' | StorageAdapter;
  /** Storage namespace (default `'hearth'`); also used for `${key}:tail` and `${key}:corrupt`. */
  key?: string;
  /** Engine options; unknown keys are rejected with INVALID_ARGUMENT. */
  profile?: ProfileOptions;
  /** A snapshot from `exportState()` to start from instead of what storage holds. */
  snapshot?: Uint8Array | ArrayBuffer;
  /** The clock, in milliseconds since 1970 (default `Date.now`). */
  now?: () => number;
  /** Seeds the on-device bandit and exploration (an integer below 2^53). Fix it in tests and SSR replays; by default each instance draws its own. */
  seed?: number;
  /** Autosave delay in ms after a change (default 1000; 0 disables; see `save()`). */
  autosave?: number;
  /** The bytes of `hearth_wasm.wasm` (skips fetching; read from the package by default in Node). */
  wasmBinary?: Uint8Array | ArrayBuffer;
  /** Maps `hearth_wasm.wasm` to its URL (default: next to `hearth_wasm.mjs`). */
  locateFile?: (path: string, prefix: string) => string;
  /** Starting consent for purposes never decided before (a stored decision stands). Default: personalization and gamification granted, measurement pending. */
  consent?: Partial<Record<ConsentPurpose, ConsentState>>;
  /** Collector base URL: reports go to `${endpoint}/reports`. Without it nothing is ever sent. */
  endpoint?: string;
  /** Privacy policy (ε per day and per report type); see docs/privacy.md. */
  privacy?: PrivacyPolicy;
  /** Automatic sync: on by default when `endpoint` is set. */
  sync?: SyncOptions;
  /** fetch() used by sync (default: globalThis.fetch). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Apply Global Privacy Control (navigator.globalPrivacyControl → measurement denied) at start. Default true. */
  respectGpc?: boolean;
  /**
   * The user's UTC offset in minutes east of UTC (Paris in winter: 60), or a
   * function of the time (ms) returning it. Game days and weeks (streaks,
   * daily caps) are the user's. Default: `-new Date(ts).getTimezoneOffset()`.
   */
  timeZoneOffset?: number | ((ts: number) => number);
}

/** One event. Strings must be strings; numbers must be finite. */
export interface TrackEvent {
  type: EventType;
  /** Catalog item id; required except for `search`. The item must be in the catalog. */
  item?: string;
  /** Event id: a repeated id is ignored (`'duplicate'`), so retries are safe. */
  id?: string;
  /** When it happened, ms since 1970 or a Date (default `now()`); at most a day ahead. */
  ts?: number | Date;
  /** `search`: what the user typed. */
  query?: string;
  /** `purchase`: amount paid (default catalog price × quantity); `dwell`: seconds spent. */
  value?: number;
  /** `purchase`: how many (whole number, default 1). */
  quantity?: number;
  /** `purchase`: bought on a deal. */
  deal?: boolean;
  /**
   * Host context for game conditions (`context.<key>` in rules): flat strings,
   * numbers and booleans. `tzOffsetMinutes` overrides `options.timeZoneOffset` for this event.
   */
  context?: { tzOffsetMinutes?: number; [key: string]: string | number | boolean | null | undefined };
}

export type TrackOutcome = 'recorded' | 'duplicate';

export type Slot = 'for_you' | 'wow' | 'deals';

export interface RecommendRequest {
  /** 'for_you' (relevance, default) or 'wow' (1–2 picks: relevant, yet new to the user). */
  slot?: Slot;
  /** How many picks (default 8). More than 100 is clamped to 100; wow gives at most 2. */
  count?: number;
  /** Item ids never to show in this list. */
  exclude?: readonly string[];
  /** Item ids to put first (if in stock and not excluded). */
  pin?: readonly string[];
  /** Show items the user already bought (default false). */
  includePurchased?: boolean;
  /** The moment, for the 'deals' slot: hour and weekday default to the local time of `now()`. */
  context?: DealContext;
}

export interface DealContext {
  /** Local hour 0–23. */
  hour?: number;
  /** 1 (Monday) … 7 (Sunday). */
  weekday?: number;
  /** A word your weather source uses, e.g. 'rain'. */
  weather?: string;
  /** Distance to the nearest store, in km. */
  distanceKm?: number;
  /** Stock or slot availability by key (campaign triggers), e.g. `{ 'pickup-today': 3, 'sku-42': 0 }`. */
  available?: Readonly<Record<string, number>>;
  /** The host knows the user is a minor: mystery-reward campaigns never apply, adult-only campaigns neither. */
  minor?: boolean;
  /** Minutes east of UTC for "per day" caps and stats (default: the local offset of `now()`). */
  tzOffsetMinutes?: number;
}

export interface Pick {
  item: string;
  score: number;
  /** A short sentence for the user: why this pick. */
  reason: string;
  /** Probability that the on-device bandit chose the strategy behind this list, in (0, 1]; for off-policy lift estimates. */
  propensity: number;
  /** The strategy (bandit arm) that produced it, 'pinned', or 'deals'. */
  arm: string;
  /** deals slot: the promotion's id and its discount as a fraction. */
  promotion?: string;
  discount?: number;
  /** deals slot: the campaign that put this deal here (this device is in its treatment arm). */
  campaign?: { id: string; arm: 'treatment' };
}

export type CampaignArm = 'treatment' | 'holdout';
export type CampaignGoal = 'purchase' | 'add_to_cart' | 'click' | 'visit';

/** What a campaign shows. */
export type CampaignAction =
  | { type: 'deal'; promotion: string }
  | { type: 'deal'; item: string; discount: number }
  | { type: 'deal'; category: string; discount: number }
  | { type: 'widget'; widget: string; params: Record<string, string | number | boolean> }
  | { type: 'content'; slot?: string; items?: string[]; category?: string }
  | { type: 'mystery'; mystery: string };

export interface CampaignListing {
  id: string;
  name: string;
  /** This device's arm: a stable hash bucket of a per-install random salt and the campaign id. */
  arm: CampaignArm;
  /** In its window, audience matches, cap not reached (context triggers not checked). */
  eligible: boolean;
  /** On this device, for its arm. */
  exposures: number;
  conversions: number;
  /** Exposures left under the daily and lifetime caps; null when uncapped. */
  capRemaining: number | null;
  holdout: number;
  goal: CampaignGoal;
  action: CampaignAction;
}

/** An action to show now (the device is in the campaign's treatment arm). */
export interface ActiveCampaign {
  id: string;
  name: string;
  arm: 'treatment';
  action: CampaignAction;
}

export interface CampaignDayStats {
  campaign: string;
  arm: CampaignArm;
  /** Local day, YYYY-MM-DD. */
  day: string;
  exposed: number;
  converted: number;
}

export interface Campaigns {
  /**
   * Replaces the campaigns. Each: `{ id, name?, starts?, ends?, audience?: { segments, rfm: { recencyDays,
   * frequency, monetary }, interests, minor }, trigger?: { event, item | category, withinHours, cancelOn,
   * context: { hours, weekdays, weather, maxDistanceKm, available } }, action, cap: { perDay?, lifetime? },
   * quietHours?: [from, to], holdout?: 0–0.5, goal?: { event, windowHours } }`. Throws HearthError
   * INVALID_ARGUMENT naming the campaign's index, id and field (RESOURCE_EXHAUSTED past 1000 campaigns);
   * the loaded set stays.
   */
  load(input: string | Uint8Array | ArrayBuffer | readonly unknown[] | object): { campaigns: number };
  /** Every campaign with this device's arm and counts. Records nothing. */
  list(context?: DealContext): CampaignListing[];
  /**
   * The actions to show now. Records one exposure per applicable campaign, holdout devices included
   * (they get no entry): call it once per view where you render the actions.
   */
  active(context?: DealContext): ActiveCampaign[];
  /** Exposures and conversions per campaign, arm and local day (last 35 days), kept on this device. */
  stats(): CampaignDayStats[];
}

export interface Promotions {
  /**
   * Replaces the promotions. Each: `{ id, item | category, discount (0–1) | discountPercent, starts, ends,
   * title?, segments?, minPurchases?, context?: { hours: [from, to], weekdays, weather, maxDistanceKm, inStockOnly } }`.
   * Throws HearthError INVALID_ARGUMENT naming the promotion and field; the loaded set stays.
   */
  load(input: string | Uint8Array | ArrayBuffer | readonly unknown[] | object): void;
}

export interface Priors {
  /**
   * Replaces the population priors: `{ v: 1, period?: 'YYYY-MM-DD', categories: [{ key, share }] }`
   * with `key` a top-level catalog category and shares in [0, 1] summing to at most 1 (what the
   * collector serves at `GET {endpoint}/priors`). A user with no history gets for_you picks from
   * the strongest categories. Throws HearthError (INVALID_ARGUMENT, RESOURCE_EXHAUSTED) naming
   * the entry and field; the loaded priors stay.
   */
  load(input: string | Uint8Array | ArrayBuffer | object): void;
}

export interface FeedbackEvent {
  item: string;
  slot?: Slot;
  outcome: 'click' | 'dismiss' | 'purchase';
}

export interface TrackManyResult {
  recorded: number;
  duplicates: number;
  /** Events that were not recorded, with the reason; the others were. */
  rejected: Array<{ index: number; code: HearthErrorCode; message: string }>;
}

/** One catalog item that was not loaded, and why. */
export interface CatalogReject {
  /** Position in the document's item array. */
  index: number;
  id: string | null;
  /** The offending field, e.g. `'price'`; null when the item as a whole is wrong. */
  field: string | null;
  message: string;
}

export interface CatalogLoadResult {
  /** Items inserted or updated. */
  items: number;
  rejected: CatalogReject[];
  /** Items in the catalog after the load. */
  size: number;
}

export interface CatalogLoadOptions {
  /** Replace the catalog instead of upserting into it (default false). */
  replace?: boolean;
}

export interface Catalog {
  /**
   * Loads items: a JSON array of items or `{ items: [...] }`, as text, UTF-8
   * bytes or an already-parsed value. Bad items are rejected one by one (see
   * `rejected`); a bad document (invalid JSON or UTF-8, too deep, empty)
   * throws INVALID_ARGUMENT and leaves the catalog unchanged.
   */
  load(input: string | Uint8Array | ArrayBuffer | ArrayBufferView | readonly unknown[] | object, options?: CatalogLoadOptions): CatalogLoadResult;
  /** Removes an item; NOT_FOUND when it is not there. */
  remove(id: string): void;
  /** Items in the catalog. */
  readonly size: number;
}

export interface Interest {
  /** Feature key, e.g. `'cat:shoes/trail'`, `'brand:acme'`; what `profile.forget()` takes. */
  feature: string;
  /** Human label, e.g. `'Trail'`. */
  label: string;
  kind: 'category' | 'tag' | 'brand' | 'price' | 'other';
  weight: number;
}

export type Segment =
  | 'new'
  | 'disengaged'
  | 'lapsed'
  | 'deal_seeker'
  | 'brand_advocate'
  | 'multi_category'
  | 'single_category_regular'
  | (string & {});

/** What Hearth believes about the user, in weights and in words. */
export interface Profile {
  /** Strongest first, at most 10. */
  interests: Interest[];
  /** Lifecycle segment. */
  segment: Segment;
  /** Recency, frequency, monetary. */
  rfm: {
    daysSinceActive: number | null;
    daysSincePurchase: number | null;
    purchases90d: number;
    purchasesTotal: number;
    monetaryTotal: number;
    eventsTotal: number;
  };
  likes: string[];
  dislikes: string[];
  /** Plain-language sentences explaining the profile to the user. */
  summary: string[];
}

export interface ProfileFunction {
  /** The profile as of `now()`. */
  (): Profile;
  /** Forgets a feature key (`'brand:acme'`) or a word (`'trail'`); NOT_FOUND when the profile holds nothing about it. */
  forget(what: string): void;
}

export interface Preferences {
  /** Sets what the user told us; an omitted list is kept as it is. */
  set(prefs: { likes?: readonly string[]; dislikes?: readonly string[] }): void;
  get(): { likes: string[]; dislikes: string[] };
  like(word: string): void;
  dislike(word: string): void;
}

export type HearthStatus = 'restoring' | 'ready' | 'memory-only' | 'closed';

export interface HearthEvents {
  /** The user's state changed (after each mutation); `revision` is the new revision. */
  change: { revision: number };
  /** A storage failure, or saved state that could not be restored (kept under `${key}:corrupt`). */
  error: HearthError;
  /** Consent changed (consent.set() and the GPC / Consent Mode / TCF helpers). */
  consent: ConsentSnapshot;
  /** A sync round finished or will be retried. */
  sync: { status: 'ok' | 'retry'; acked?: number; rejected?: number; queued?: number; httpStatus?: number; error?: string };
  /** Something the game awarded, took back or expired: one event per change (see RewardEvent). */
  reward: RewardEvent;
  /**
   * `status` / `statusReason` / `statusCode` changed after start: storage
   * failed (`'memory-only'`: Hearth keeps working in memory) or works again
   * (`'ready'`).
   */
  status: StatusEvent;
}

/** The payload of the `'status'` event. */
export interface StatusEvent {
  status: HearthStatus;
  /** Why (the storage error's message); null when all is well. */
  reason: string | null;
  /** The HearthError code behind a `'memory-only'` status (`RESOURCE_EXHAUSTED`: storage full; `UNAVAILABLE`: storage unreachable); null otherwise. */
  code: HearthErrorCode | null;
}

export type RewardKind =
  | 'points' | 'stamp' | 'stamp_card_complete' | 'streak' | 'streak_broken' | 'tier' | 'badge'
  | 'challenge_progress' | 'challenge_complete' | 'mystery_available' | 'mystery_opened' | 'refund' | 'expired';

/** What the UI needs to show a reward. Fields beyond `kind` depend on the kind. */
export interface RewardEvent {
  kind: RewardKind;
  /** Rule, card, badge, set, tier, challenge or box id. */
  id?: string;
  label?: string;
  /** A sentence for the UI; for streaks it says what to do next, never shames. */
  message?: string;
  /** The id of the event that earned it. */
  event?: string;
  /** points / refund / expired. */
  amount?: number;
  currency?: string;
  balance?: number;
  /** stamp / stamp_card_complete. */
  stamps?: number;
  required?: number;
  completed?: number;
  /** streak / streak_broken. */
  current?: number;
  longest?: number;
  freezes?: number;
  previous?: number;
  /** tier. */
  direction?: 'up' | 'down';
  windowPoints?: number;
  /** challenge_progress / challenge_complete. */
  progress?: number;
  goal?: number;
  /** mystery_available / mystery_opened. */
  available?: number;
  prize?: string;
  /** A reward with money value: a claim the shop's server must confirm. */
  claim?: string;
  valueCents?: number;
  needsServerConfirmation?: true;
}

export interface PendingClaim {
  id: string;
  reward: string;
  label: string;
  valueCents: number;
  needsServerConfirmation: true;
}

export interface GameState {
  /** Per currency, whole numbers. */
  balances: Record<string, number>;
  /** The soonest-expiring lot per currency. */
  expiring: Record<string, { amount: number; at: number }>;
  pendingClaims: PendingClaim[];
  streak: {
    period: 'day' | 'week';
    current: number;
    longest: number;
    freezes: number;
    status: 'active' | 'at_risk' | 'broken' | 'none';
    nextDeadline: number | null;
    message: string;
  } | null;
  stampCards: { id: string; name: string; stamps: number; required: number; completed: number }[];
  tier: {
    id: string;
    name: string;
    windowPoints: number;
    benefits: string[];
    next: { id: string; name: string; threshold: number; remaining: number } | null;
  } | null;
  badges: { id: string; name: string; description: string; set: string | null; earned: boolean; earnedAt: number | null; progress: number; count: number }[];
  challenges: {
    id: string; name: string; description: string; goal: number; progress: number;
    startsAt: number; endsAt: number; status: 'upcoming' | 'active' | 'completed' | 'expired';
  }[];
  /** Odds are published before opening and are the odds the draw uses. */
  mystery: { id: string; name: string; available: number; odds: { prize: string; label: string; probability: number; weight: number }[] }[];
  history: GameHistoryEntry[];
}

export interface GameHistoryEntry {
  entry: string;
  amount: number;
  currency: string;
  reason: string;
  kind: 'award' | 'refund' | 'expire' | 'spend';
  ts: number;
}

export interface MysteryPrize {
  box: string;
  prize: string;
  label: string;
  claim?: string;
  valueCents?: number;
  needsServerConfirmation?: true;
}

/** The loyalty game: the shop's rules (content) and the user's state (in the snapshot). */
export interface Game {
  /** Replaces the rules (JSON text, bytes or an object); throws INVALID_ARGUMENT / RESOURCE_EXHAUSTED and keeps the prior rules. */
  load(rules: string | Uint8Array | object): { rules: number };
  state(): GameState;
  /** Throws FAILED_PRECONDITION when none is available or gamification consent is denied, NOT_FOUND for an unknown box. */
  openMystery(id: string): MysteryPrize;
  history(options?: { limit?: number }): GameHistoryEntry[];
  /** Reverses what the event with this id earned; NOT_FOUND when it earned nothing remembered. */
  refund(request: { event: string }): void;
}

/** A Hearth instance: one user's profile on this device. Create with `createHearth()`. */
export interface Hearth {
  /** `'ready'`, `'memory-only'` when storage failed (see `statusReason`), or `'closed'`. */
  readonly status: HearthStatus;
  /** Why the status is what it is; null when all is well. */
  readonly statusReason: string | null;
  /** The HearthError code behind `'memory-only'` (`RESOURCE_EXHAUSTED`, `UNAVAILABLE`, …); null otherwise. */
  readonly statusCode: HearthErrorCode | null;
  /** Bumps on every change to the user's state. */
  readonly revision: number;
  readonly catalog: Catalog;
  /** Records one event; throws a HearthError (INVALID_ARGUMENT, NOT_FOUND) when it is rejected. */
  track(event: TrackEvent): TrackOutcome;
  /** Records a batch; never throws for a bad event (see `rejected`). */
  trackMany(events: readonly TrackEvent[]): TrackManyResult;
  /**
   * Picks for a slot, synchronously, from local state (no network). Throws
   * HearthError INVALID_ARGUMENT for an unknown slot or a count below 1.
   */
  recommend(request?: RecommendRequest): Pick[];
  /** The shop's promotions for the 'deals' slot. */
  readonly promotions: Promotions;
  /** Population priors that warm-start a user with no history. */
  readonly priors: Priors;
  /** Use cases (segment + trigger + action + cap + holdout + goal) run on the device. */
  readonly campaigns: Campaigns;
  /** What the user did with a pick; teaches the on-device bandit. A dismissed item rests for 30 days. */
  feedback(event: FeedbackEvent): void;
  readonly profile: ProfileFunction;
  readonly preferences: Preferences;
  /** Points, streaks, stamp cards, tiers, badges, challenges and mystery boxes; rewards arrive as 'reward' events. */
  readonly game: Game;
  /** The user's state as a snapshot; `createHearth({ snapshot })` restores it. */
  exportState(): Uint8Array;
  /** The user's data as JSON text, for them to download (data portability). */
  exportJSON(): string;
  /** Wipes everything Hearth knows about the user, in memory and in storage. The catalog stays. */
  erase(): Promise<void>;
  /**
   * Writes the state to storage now (under the storage key's lock, merged
   * with what other tabs saved: docs/durability.md). Resolves `true` when
   * storage holds the state, `false` when it could not be written (never
   * rejects for storage failures: see `status`, `'error'`).
   */
  save(): Promise<boolean>;
  /** Frees the wasm handle and listeners; unsaved changes are written best-effort. Idempotent; later calls throw FAILED_PRECONDITION. */
  close(): void;
  /** Subscribes; returns a function that unsubscribes. */
  on<E extends keyof HearthEvents>(event: E, listener: (payload: HearthEvents[E]) => void): () => void;
  off<E extends keyof HearthEvents>(event: E, listener: (payload: HearthEvents[E]) => void): void;
  /** Consent per purpose. */
  readonly consent: Consent;
  /** What the next sync would send, and the privacy budget. */
  readonly privacy: Privacy;
  /** Sends the consented reports now. Makes no request unless measurement is granted. */
  sync(): Promise<SyncResult>;
}

/**
 * Loads the wasm module (once per distinct `wasmBinary` / `locateFile`),
 * restores the user's state and resolves to a Hearth instance.
 *
 * Rejects with a HearthError: INVALID_ARGUMENT for bad options; for a
 * `snapshot` that cannot be restored, INVALID_ARGUMENT (not a snapshot),
 * DATA_LOSS (truncated or corrupt) or FAILED_PRECONDITION (written by a newer
 * SDK); UNAVAILABLE when the wasm module cannot be loaded. State in storage
 * that cannot be restored does not reject: it is kept under `${key}:corrupt`,
 * the instance starts fresh and an `'error'` event follows right after this
 * promise resolves.
 */
export function createHearth(options?: HearthOptions): Promise<Hearth>;

// ---- Consent, private reports and sync (docs/privacy.md) --------------------

export type ConsentPurpose = 'personalization' | 'gamification' | 'measurement';
export type ConsentState = 'granted' | 'pending' | 'denied';
export type ConsentSource = 'api' | 'gpc' | 'consent_mode' | 'tcf' | 'default';

export interface PurposeConsent {
  state: ConsentState;
  /** When it was decided (ms); null when never. */
  ts: number | null;
  source: ConsentSource;
}

export type ConsentSnapshot = Record<ConsentPurpose, PurposeConsent>;

export interface Consent {
  get(): ConsentSnapshot;
  /** Records decisions; personalization denied erases the profile in memory and on disk at once. Emits 'consent'. */
  set(values: Partial<Record<ConsentPurpose, ConsentState>>, options?: { source?: ConsentSource }): ConsentSnapshot;
  /** navigator.globalPrivacyControl === true → measurement denied (source 'gpc'). */
  applyGlobalPrivacyControl(): ConsentSnapshot;
  /** Google Consent Mode v2 fields → purposes (source 'consent_mode'). */
  applyConsentMode(fields: ConsentModeFields): ConsentSnapshot;
  /** IAB TCF v2 tcData → purposes (source 'tcf'). */
  applyTcf(tcData: TcfData): ConsentSnapshot;
}

export interface ConsentModeFields {
  personalization_storage?: 'granted' | 'denied';
  analytics_storage?: 'granted' | 'denied';
  ad_user_data?: 'granted' | 'denied';
  ad_personalization?: 'granted' | 'denied';
  functionality_storage?: 'granted' | 'denied';
}

export interface TcfData {
  gdprApplies?: boolean;
  purpose?: { consents?: Record<string | number, boolean> };
}

export function consentFromGlobalPrivacyControl(nav: { globalPrivacyControl?: unknown } | null | undefined): { measurement?: 'denied' };
export function consentFromConsentMode(fields: ConsentModeFields | null | undefined): Partial<Record<ConsentPurpose, 'granted' | 'denied'>>;
export function consentFromTcf(tcData: TcfData | null | undefined): Partial<Record<ConsentPurpose, 'granted' | 'denied'>>;

export type ReportType = 'interests' | 'campaign' | 'bandit' | 'engagement';

/** One report on the wire (docs/privacy.md has the `data` shapes). */
export interface WireReport {
  v: 1;
  id: string;
  period: string;
  type: ReportType;
  epsilon: number;
  sdk: string;
  data:
    | { mech: 'krr'; keys: string[]; value: number }
    | { mech: 'oue'; keys: string[]; bits: string }
    | { campaigns: Array<{ id: string; arm: 'treatment' | 'holdout'; value: 0 | 1 | 2 }> }
    | { shows: number[]; clicks: number[] }
    | { counts: number[] };
}

export interface LedgerEntry {
  ts: number;
  period: string;
  type: ReportType;
  epsilon: number;
  reportId: string;
}

export interface PrivacyReport {
  /** Exactly what the next sync would POST (empty when measurement is not granted). */
  next: { bytes: number; body: string; reports: WireReport[] };
  budget: { period: string; epsilon: number; spent: number; remaining: number; ledger: LedgerEntry[] };
}

export interface PrivacyPolicy {
  epsilonPerDay?: number;
  maxReportsPerDay?: number;
  interestsMechanism?: 'auto' | 'krr' | 'oue';
  maxCampaigns?: number;
  types?: Partial<Record<ReportType, { epsilon?: number; weight?: number }>>;
}

export interface Privacy {
  report(): PrivacyReport;
  policy(): Required<Omit<PrivacyPolicy, 'types'>> & { types: Record<ReportType, { epsilon: number; weight: number }> };
}

export interface SyncOptions {
  auto?: boolean;
  /** Between successful rounds (ms, default one hour). */
  interval?: number;
  /** Backoff: uniform in [0, min(retryMax, retryBase · 2^failures)]. */
  retryBase?: number;
  retryMax?: number;
  /** First automatic round after start (ms). */
  startDelay?: number;
}

export interface SyncResult {
  status: 'ok' | 'idle' | 'skipped' | 'retry';
  reason?: string;
  sent: number;
  acked: number;
  rejected: number;
  queued: number;
}

/** The collector's side of the privacy core (same wasm, no engine). */
export interface PrivacyTools {
  /** null when valid, else { code, message } naming the field. */
  validateReport(text: string, policy?: PrivacyPolicy | string): { code: HearthErrorCode; message: string } | null;
  /** p and q of randomized response at ε: k-ary over d values, or OUE. */
  rrProbabilities(d: number, epsilon: number, mech?: 'krr' | 'oue'): { p: number; q: number };
  /** Variance 2a/(1-a)^2, a = exp(-ε/Δ). */
  laplaceVariance(epsilon: number, sensitivity: number): number;
}

export function createPrivacyTools(options?: { wasmBinary?: Uint8Array | ArrayBuffer; locateFile?: (path: string, prefix: string) => string }): Promise<PrivacyTools>;
/** Internal: tools over an already loaded module. */
export function privacyTools(module: unknown): PrivacyTools;
