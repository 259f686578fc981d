// Type test: every public API used once with its intended types, plus misuse
// that must not compile. Checked by `npm run test:types`; never executed.

import {
  createHearth,
  HearthError,
  version,
  type CatalogLoadResult,
  type Hearth,
  type HearthErrorCode,
  type HearthOptions,
  type HearthStatus,
  type Interest,
  type Profile,
  type StorageAdapter,
  type TrackManyResult,
  type TrackOutcome,
} from 'hearth';
import {
  base64ToBytes,
  bytesToBase64,
  createIndexedDBStorage,
  createLocalStorage,
  createMemoryStorage,
  isStorageAdapter,
} from 'hearth/storage';

declare const wasmBytes: Uint8Array;

const v: string = version;

async function main(): Promise<void> {
  const options: HearthOptions = {
    storage: 'indexeddb',
    key: 'shop',
    profile: { halfLifeDays: { view: 7, purchase: 90 }, weights: { click: 2 }, segments: { lapsedDays: 60 } },
    now: () => Date.now(),
    autosave: 500,
    wasmBinary: wasmBytes,
    locateFile: (path: string, prefix: string) => prefix + path,
  };
  const hearth: Hearth = await createHearth(options);
  await createHearth();
  await createHearth({ storage: 'memory', snapshot: new Uint8Array(0) });
  await createHearth({ storage: createLocalStorage({ localStorage: window.localStorage }) });
  await createHearth({ storage: createIndexedDBStorage({ name: 'hearth', store: 'state' }) });

  const status: HearthStatus = hearth.status;
  const reason: string | null = hearth.statusReason;
  const revision: number = hearth.revision;

  const loaded: CatalogLoadResult = hearth.catalog.load('[{"id":"sku-1"}]', { replace: true });
  hearth.catalog.load(new Uint8Array(0));
  hearth.catalog.load(new ArrayBuffer(0));
  hearth.catalog.load([{ id: 'sku-2', title: 'Trail runner' }]);
  const n: number = loaded.items + loaded.size;
  for (const r of loaded.rejected) {
    const where: string | null = r.field;
    const id: string | null = r.id;
    console.log(r.index, where, id, r.message);
  }
  hearth.catalog.remove('sku-1');
  const size: number = hearth.catalog.size;

  const outcome: TrackOutcome = hearth.track({ type: 'view', item: 'sku-2', id: 'evt-1', ts: Date.now() });
  hearth.track({ type: 'search', query: 'trail shoes' });
  hearth.track({ type: 'purchase', item: 'sku-2', value: 80, quantity: 2, deal: true, ts: new Date() });
  hearth.track({ type: 'dwell', item: 'sku-2', value: 30 });
  const many: TrackManyResult = hearth.trackMany([{ type: 'click', item: 'sku-2' }]);
  const code: HearthErrorCode | undefined = many.rejected[0]?.code;

  const me: Profile = hearth.profile();
  const top: Interest | undefined = me.interests[0];
  const days: number | null = me.rfm.daysSinceActive;
  const words: string[] = me.summary;
  hearth.profile.forget('brand:acme');

  hearth.preferences.set({ likes: ['trail'], dislikes: ['formal'] });
  hearth.preferences.set({ likes: ['trail'] });
  const prefs: { likes: string[]; dislikes: string[] } = hearth.preferences.get();
  hearth.preferences.like('running');
  hearth.preferences.dislike('neon');

  const blob: Uint8Array = hearth.exportState();
  const json: string = hearth.exportJSON();
  const saved: boolean = await hearth.save();
  await hearth.erase();
  const offStatus = hearth.on('status', ({ status, reason, code }) => {
    const s: 'restoring' | 'ready' | 'memory-only' | 'closed' = status;
    const r: string | null = reason;
    const c: HearthErrorCode | null = code;
    console.log(s, r, c, saved);
  });
  offStatus();
  const statusCode: HearthErrorCode | null = hearth.statusCode;
  // @ts-expect-error: statusCode is read-only
  hearth.statusCode = 'UNAVAILABLE';

  const off = hearth.on('change', ({ revision }) => console.log(revision + 1));
  off();
  const onError = (e: HearthError) => console.log(e.code, e.message, e.cause);
  hearth.on('error', onError);
  hearth.off('error', onError);
  hearth.close();

  try {
    await createHearth({ storage: 'memory' });
  } catch (e) {
    if (e instanceof HearthError) {
      const c: HearthErrorCode = e.code;
      const name: 'HearthError' = e.name;
      console.log(c, name);
    }
  }
  const mine = new HearthError('INVALID_ARGUMENT', 'bad', { cause: new Error('x') });

  const adapter: StorageAdapter = {
    async get(key: string) {
      const text = localStorage.getItem(key);
      return text === null ? null : base64ToBytes(text);
    },
    async set(key: string, bytes: Uint8Array) {
      localStorage.setItem(key, bytesToBase64(bytes));
    },
    async delete(key: string) {
      localStorage.removeItem(key);
    },
  };
  const memory: StorageAdapter = createMemoryStorage();
  if (isStorageAdapter(adapter)) await createHearth({ storage: adapter });

  // ---- misuse that must not compile ----
  // @ts-expect-error unknown storage name
  await createHearth({ storage: 'indexdb' });
  // @ts-expect-error the clock returns milliseconds, not a Date
  await createHearth({ now: () => new Date() });
  // @ts-expect-error unknown event type
  hearth.track({ type: 'teleport', item: 'sku-2' });
  // @ts-expect-error item ids are strings
  hearth.track({ type: 'view', item: 42 });
  // @ts-expect-error ts is a number or a Date, not a string
  hearth.track({ type: 'view', item: 'sku-2', ts: '2025-01-01' });
  // @ts-expect-error there is no 'rewards' event ('reward' is)
  hearth.on('rewards', () => {});
  // @ts-expect-error 'change' carries { revision }, not an error
  hearth.on('change', (e: HearthError) => e.code);
  // @ts-expect-error the constructor is hidden; use createHearth()
  new Hearth();
  // @ts-expect-error status is read-only
  hearth.status = 'ready';
  // @ts-expect-error an adapter needs delete()
  const partial: StorageAdapter = { async get() { return null; }, async set() {} };
  // @ts-expect-error not a HearthErrorCode
  const wrong: HearthErrorCode = 'OOPS';

  console.log(v, status, reason, revision, n, size, outcome, code, top, days, words, prefs, blob, json, mine, memory, partial, wrong);
}

void main();

// Recommendations.
async function recommendations() {
  const h = await createHearth({ storage: 'memory', seed: 7 });
  const picks: import('hearth').Pick[] = h.recommend({ slot: 'wow', count: 2, exclude: ['a'], pin: ['b'] });
  const reason: string = picks[0].reason;
  const p: number = picks[0].propensity;
  h.feedback({ item: picks[0].item, slot: 'wow', outcome: 'click' });
  // @ts-expect-error: unknown slot
  h.recommend({ slot: 'deals-of-the-day' });
  // @ts-expect-error: outcome is required
  h.feedback({ item: 'a' });
  h.priors.load({ v: 1, categories: [{ key: 'Shoes', share: 0.3 }] });
  // @ts-expect-error: priors are JSON, not a number
  h.priors.load(3);
  void reason;
  void p;
}
void recommendations;

async function campaigns() {
  const h = await createHearth();
  const loaded: { campaigns: number } = h.campaigns.load([
    { id: 'rainy', action: { type: 'deal', category: 'Camping', discount: 0.1 }, cap: { perDay: 1 }, holdout: 0.1 },
  ]);
  h.campaigns.load('[]');
  const context: import('hearth').DealContext = { hour: 18, weather: 'rain', available: { 'pickup-today': 2 }, minor: false, tzOffsetMinutes: 60 };
  const list: import('hearth').CampaignListing[] = h.campaigns.list(context);
  const cap: number | null = list[0]!.capRemaining;
  const arm: import('hearth').CampaignArm = list[0]!.arm;
  for (const a of h.campaigns.active({ hour: 12 })) {
    const action: import('hearth').CampaignAction = a.action;
    if (action.type === 'widget') console.log(action.widget, action.params);
    if (action.type === 'mystery') console.log(action.mystery);
  }
  const rows: import('hearth').CampaignDayStats[] = h.campaigns.stats();
  const day: string = rows[0]!.day;
  const picked = h.recommend({ slot: 'deals', context });
  const campaign: { id: string; arm: 'treatment' } | undefined = picked[0]?.campaign;
  // @ts-expect-error: campaigns.active takes a context object, not a campaign id
  h.campaigns.active('rainy');
  // @ts-expect-error: availability counts are numbers
  h.campaigns.list({ available: { 'pickup-today': 'yes' } });
  console.log(loaded.campaigns, cap, arm, day, campaign);
}
void campaigns;
// ---- consent, privacy, sync ----
import {
  consentFromConsentMode,
  consentFromTcf,
  createPrivacyTools,
  type ConsentSnapshot,
  type PrivacyReport,
  type SyncResult,
} from 'hearth';

async function privacyTypes(h: Hearth) {
  const withConsent = await createHearth({
    consent: { personalization: 'pending', measurement: 'granted' },
    endpoint: '/hearth',
    privacy: { epsilonPerDay: 1, types: { interests: { epsilon: 1, weight: 0.5 } } },
    sync: { auto: true, interval: 3_600_000 },
    respectGpc: true,
  });
  const c: ConsentSnapshot = h.consent.set({ measurement: 'granted' }, { source: 'api' });
  const state: 'granted' | 'pending' | 'denied' = c.measurement.state;
  const ts: number | null = c.personalization.ts;
  h.consent.applyConsentMode({ analytics_storage: 'granted', ad_user_data: 'denied' });
  h.consent.applyTcf({ gdprApplies: true, purpose: { consents: { 1: true } } });
  const m = consentFromConsentMode({ personalization_storage: 'denied' }).personalization;
  const t = consentFromTcf({ gdprApplies: false });
  const r: PrivacyReport = h.privacy.report();
  const bytes: number = r.next.bytes;
  const left: number = r.budget.remaining;
  const firstId: string | undefined = r.budget.ledger[0]?.reportId;
  const s: SyncResult = await h.sync();
  h.on('consent', (snap) => snap.gamification.source);
  h.on('sync', (e) => e.status);
  const tools = await createPrivacyTools();
  const err = tools.validateReport('{}', { epsilonPerDay: 1 });
  const pq: { p: number; q: number } = tools.rrProbabilities(9, 1, 'krr');
  // @ts-expect-error: not a purpose
  h.consent.set({ marketing: 'granted' });
  // @ts-expect-error: not a state
  h.consent.set({ measurement: 'yes' });
  // @ts-expect-error: not a source
  h.consent.set({ measurement: 'granted' }, { source: 'cookie' });
  return [withConsent, state, ts, m, t, bytes, left, firstId, s, err, pq];
}
void privacyTypes;

// ---- hearth/storage key-value bridges and hearth/worker (storefront issue) ----
import { createCapacitorPreferencesStorage, createKeyValueStorage, type StorageAdapter as KvAdapter } from 'hearth/storage';
import { connectHearthWorker, serveHearth, type HearthWorkerClient } from 'hearth/worker';

const kv: KvAdapter = createKeyValueStorage({ get: async (k: string) => k, set: async () => {}, remove: async () => {} }, { prefix: 'app:' });
void kv;
const cap: KvAdapter = createCapacitorPreferencesStorage({
  get: async ({ key }) => ({ value: key }),
  set: async () => {},
  remove: async () => {},
});
void cap;
declare const worker: Worker;
const client: HearthWorkerClient = connectHearthWorker(worker);
void client.start({ storage: 'indexeddb', key: 'shop' });
void client.call('recommend', { slot: 'for_you' });
// @ts-expect-error: only the listed methods can be called
void client.call('close');
void serveHearth;
// The game.
async function game() {
  const h = await createHearth({ storage: 'memory', timeZoneOffset: (ts: number) => (ts > 0 ? 60 : 120) });
  const n: number = h.game.load({ earn: [] }).rules;
  const s: import('hearth').GameState = h.game.state();
  const status: 'active' | 'at_risk' | 'broken' | 'none' | undefined = s.streak?.status;
  const off = h.on('reward', (r: import('hearth').RewardEvent) => {
    const k: import('hearth').RewardKind = r.kind;
    void k;
  });
  h.track({ type: 'purchase', item: 'a', id: 'o-1', context: { tzOffsetMinutes: -300, channel: 'app' } });
  const prize: import('hearth').MysteryPrize = h.game.openMystery('box');
  const rows: import('hearth').GameHistoryEntry[] = h.game.history({ limit: 5 });
  h.game.refund({ event: 'o-1' });
  // @ts-expect-error: refund needs the event id
  h.game.refund({});
  // @ts-expect-error: context values are flat
  h.track({ type: 'view', item: 'a', context: { nested: { a: 1 } } });
  off();
  void n, status, prize, rows;
}
void game;
