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
}

export interface Promotions {
  /**
   * Replaces the promotions. Each: `{ id, item | category, discount (0–1) | discountPercent, starts, ends,
   * title?, segments?, minPurchases?, context?: { hours: [from, to], weekdays, weather, maxDistanceKm, inStockOnly } }`.
   * Throws HearthError INVALID_ARGUMENT naming the promotion and field; the loaded set stays.
   */
  load(input: string | Uint8Array | ArrayBuffer | readonly unknown[] | object): void;
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
}

/** A Hearth instance: one user's profile on this device. Create with `createHearth()`. */
export interface Hearth {
  /** `'ready'`, `'memory-only'` when storage failed (see `statusReason`), or `'closed'`. */
  readonly status: HearthStatus;
  /** Why the status is what it is; null when all is well. */
  readonly statusReason: string | null;
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
  /** What the user did with a pick; teaches the on-device bandit. A dismissed item rests for 30 days. */
  feedback(event: FeedbackEvent): void;
  readonly profile: ProfileFunction;
  readonly preferences: Preferences;
  /** The user's state as a snapshot; `createHearth({ snapshot })` restores it. */
  exportState(): Uint8Array;
  /** The user's data as JSON text, for them to download (data portability). */
  exportJSON(): string;
  /** Wipes everything Hearth knows about the user, in memory and in storage. The catalog stays. */
  erase(): Promise<void>;
  /** Writes the state to storage now. Resolves even when storage fails (see `status`, `'error'`). */
  save(): Promise<void>;
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
