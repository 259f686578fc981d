// The sync client: sends the consented, noised reports to the collector and
// nothing else.
//
//   await hearth.sync();   // → { sent, acked, queued, status }
//
// One round: the engine prepares the next reports (noise drawn, nothing
// spent), commits them (ledger charged, reports queued — both in the engine
// state), the state is SAVED, and only then is the queue POSTed to
// `{endpoint}/reports`. A report leaves the queue only when the collector
// lists it in `accepted`, `duplicates` or `rejected`. Failures retry with
// exponential backoff and full jitter; the queue (at most 50 reports, one
// 64 KiB envelope) lives in the saved state, so it survives offline periods
// and restarts. On page hide the saved queue goes out with fetch keepalive
// (or sendBeacon) — its answer is never seen, so those reports stay queued
// and the next sync resends them under the same ids (the collector answers
// `duplicates`).
//
// Measurement not granted → no request of any kind. Storage held back by a
// pending purpose → no request either (the spend could not be recorded).

import { HearthError } from '../errors.js';

export const BEACON_BUDGET = 64 * 1024;
const DEFAULTS = Object.freeze({ interval: 60 * 60 * 1000, retryBase: 2000, retryMax: 10 * 60 * 1000, startDelay: 3000 });

/**
 * @typedef {{
 *   call<T>(fn: (M: any, e: any) => T): T,
 *   mutate<T>(fn: (M: any, e: any) => T): T,
 *   now(): number,
 *   emit(event: string, payload: unknown): void,
 *   save(): Promise<boolean>,
 *   storageAllowed(): boolean,
 *   setTimeout(fn: () => void, ms: number): unknown,
 *   clearTimeout(t: unknown): void,
 *   random(): number,
 *   fetch: ((url: string, init: any) => Promise<any>) | null,
 *   sendBeacon: ((url: string, body: any) => boolean) | null,
 *   target: { addEventListener: Function, removeEventListener: Function } | null,
 * }} SyncBridge
 */

/**
 * Checks createHearth's `endpoint` and `sync` options.
 * @param {unknown} endpoint
 * @param {unknown} sync
 */
export function normalizeSyncOptions(endpoint, sync) {
  if (endpoint !== undefined && endpoint !== null) {
    if (typeof endpoint !== 'string' || endpoint.length === 0 || endpoint.length > 2000) {
      throw new HearthError('INVALID_ARGUMENT', "options.endpoint must be the collector's base URL, such as '/hearth' or 'https://collect.example.com/hearth'");
    }
  }
  const out = { endpoint: typeof endpoint === 'string' ? endpoint.replace(/\/+$/, '') : null, auto: true, ...DEFAULTS };
  if (sync !== undefined) {
    if (sync === null || typeof sync !== 'object' || Array.isArray(sync)) {
      throw new HearthError('INVALID_ARGUMENT', 'options.sync must be an object such as { auto: false } or { interval: 3600000 }');
    }
    for (const [k, v] of Object.entries(sync)) {
      if (k === 'auto') {
        if (typeof v !== 'boolean') throw new HearthError('INVALID_ARGUMENT', 'options.sync.auto must be a boolean');
        out.auto = v;
      } else if (k in DEFAULTS) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
          throw new HearthError('INVALID_ARGUMENT', `options.sync.${k} must be a number of milliseconds >= 0`);
        }
        /** @type {any} */ (out)[k] = v;
      } else {
        throw new HearthError('INVALID_ARGUMENT', `options.sync: unknown option '${k}'; use auto, interval, retryBase, retryMax or startDelay`);
      }
    }
  }
  return out;
}

export class SyncClient {
  /** @type {SyncBridge} */ #b;
  /** @type {ReturnType<typeof normalizeSyncOptions>} */ #o;
  /** @type {Promise<any> | null} */ #running = null;
  /** @type {unknown} */ #timer = null;
  #failures = 0;
  #stopped = false;
  /** Ids known to be in saved state: only those may leave on page hide. */
  /** @type {Set<string>} */ #saved = new Set();

  /**
   * @param {SyncBridge} bridge
   * @param {ReturnType<typeof normalizeSyncOptions>} options
   */
  constructor(bridge, options) {
    this.#b = bridge;
    this.#o = options;
  }

  get endpoint() {
    return this.#o.endpoint;
  }

  #onOnline = () => this.#arm(0);

  /** Starts automatic sync (when an endpoint is set and options.sync.auto); back online → sync now. */
  start() {
    if (!this.#o.endpoint || !this.#o.auto) return;
    this.#arm(this.#o.startDelay);
    this.#b.target?.addEventListener('online', this.#onOnline);
  }

  stop() {
    this.#b.target?.removeEventListener('online', this.#onOnline);
    this.#stopped = true;
    if (this.#timer !== null) this.#b.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** @param {number} ms */
  #arm(ms) {
    if (this.#stopped) return;
    if (this.#timer !== null) this.#b.clearTimeout(this.#timer);
    this.#timer = this.#b.setTimeout(() => {
      this.#timer = null;
      this.sync().then(
        (r) => this.#arm(r.status === 'retry' ? this.#backoff() : this.#o.interval),
        () => this.#arm(this.#backoff()),
      );
    }, ms);
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base·2^n)]. */
  #backoff() {
    const cap = Math.min(this.#o.retryMax, this.#o.retryBase * 2 ** Math.min(this.#failures, 20));
    return Math.floor(this.#b.random() * cap);
  }

  /** Measurement granted and the spend can be saved. */
  #allowed() {
    const c = this.#b.call((M, e) => M.consentGet(e));
    if (c.measurement.state !== 'granted') return 'consent';
    if (!this.#b.storageAllowed()) return 'storage';
    return null;
  }

  /**
   * One round; concurrent calls share it.
   * @returns {Promise<{ status: 'ok' | 'idle' | 'skipped' | 'retry', reason?: string, sent: number, acked: number, rejected: number, queued: number }>}
   */
  sync() {
    if (!this.#running) {
      this.#running = this.#round().finally(() => {
        this.#running = null;
      });
    }
    return this.#running;
  }

  async #round() {
    const result = { status: /** @type {any} */ ('idle'), reason: /** @type {string | undefined} */ (undefined), sent: 0, acked: 0, rejected: 0, queued: 0 };
    const blocked = this.#allowed();
    if (blocked) {
      result.status = 'skipped';
      result.reason = blocked === 'consent' ? 'measurement is not granted' : 'storage is held back by a pending consent';
      return result;
    }
    if (!this.#o.endpoint) {
      result.status = 'skipped';
      result.reason = 'no endpoint';
      return result;
    }
    // Prepare + commit: the ledger is charged and the reports queued in the engine state.
    const now = this.#b.now();
    const round = this.#b.mutate((M, e) => unwrap(M.buildReports(e, now)));
    if (round.ids.length > 0) this.#b.mutate((M, e) => unwrap(M.commitReports(e, round.ids, now)));
    const box = this.#b.call((M, e) => M.reportOutbox(e));
    result.queued = box.ids.length;
    if (box.ids.length === 0) return result;
    // Nothing leaves before the spend is on disk.
    if (!(await this.#b.save())) {
      result.status = 'retry';
      result.reason = 'the state could not be saved';
      this.#failures++;
      return result;
    }
    // The save may have rebased onto another tab's newer state (see
    // docs/durability.md), which does not hold this commit: then the spend
    // is not on disk, and nothing of it may leave. The next round builds on
    // the merged state.
    const kept = new Set(this.#b.call((M, e) => M.reportOutbox(e)).ids);
    if (!box.ids.every((/** @type {string} */ id) => kept.has(id))) {
      result.status = 'retry';
      result.reason = 'another tab saved meanwhile; the reports are built again on the merged state';
      result.queued = kept.size;
      return result;
    }
    for (const id of box.ids) this.#saved.add(id);
    if (this.#allowed()) return { ...result, status: 'skipped', reason: 'consent changed' };
    let res;
    try {
      res = await this.#post(box.body, false);
    } catch (e) {
      this.#failures++;
      this.#b.emit('sync', { status: 'retry', error: String(/** @type {any} */ (e)?.message ?? e) });
      return { ...result, status: 'retry', reason: 'network' };
    }
    result.sent = box.ids.length;
    if (!res.ok) {
      this.#failures++;
      this.#b.emit('sync', { status: 'retry', httpStatus: res.status });
      return { ...result, status: 'retry', reason: `HTTP ${res.status}` };
    }
    let answer;
    try {
      answer = await res.json();
    } catch {
      this.#failures++;
      return { ...result, status: 'retry', reason: 'the collector answered something other than JSON' };
    }
    const done = new Set();
    for (const list of [answer?.accepted, answer?.duplicates]) if (Array.isArray(list)) for (const id of list) if (typeof id === 'string') done.add(id);
    if (Array.isArray(answer?.rejected)) {
      for (const r of answer.rejected) {
        if (r && typeof r.id === 'string') {
          done.add(r.id);
          result.rejected++;
        }
      }
    }
    const mine = box.ids.filter((/** @type {string} */ id) => done.has(id));
    if (mine.length > 0) {
      result.acked = this.#b.mutate((M, e) => M.ackReports(e, mine));
      for (const id of mine) this.#saved.delete(id);
      await this.#b.save();
    }
    result.queued = this.#b.call((M, e) => M.reportOutbox(e)).ids.length;
    this.#failures = 0;
    result.status = 'ok';
    this.#b.emit('sync', { status: 'ok', acked: result.acked, rejected: result.rejected, queued: result.queued });
    return result;
  }

  /**
   * @param {string} body
   * @param {boolean} keepalive
   */
  #post(body, keepalive) {
    const f = this.#b.fetch;
    if (!f) throw new HearthError('UNAVAILABLE', 'no fetch() in this environment; pass options.fetch');
    return f(`${this.#o.endpoint}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      keepalive,
      credentials: 'omit',
      cache: 'no-store',
    });
  }

  /**
   * The page is going away: send the saved queue without waiting for an
   * answer. The reports stay queued (the answer is never read).
   */
  onPageHide() {
    if (!this.#o.endpoint || this.#stopped || this.#allowed()) return false;
    const box = this.#b.call((M, e) => M.reportOutbox(e));
    if (box.ids.length === 0 || !box.ids.every((/** @type {string} */ id) => this.#saved.has(id))) return false;
    if (box.bytes > BEACON_BUDGET) return false;
    try {
      if (this.#b.fetch) {
        this.#post(box.body, true).catch(() => {});
        return true;
      }
      if (this.#b.sendBeacon) return this.#b.sendBeacon(`${this.#o.endpoint}/reports`, box.body);
    } catch {
      // a page going away cannot do more
    }
    return false;
  }
}

/** @param {any} r */
function unwrap(r) {
  if (r && r.error) throw new HearthError(r.error.code, r.error.message);
  return r;
}

/**
 * The `hearth.privacy` namespace: what the next sync would send, and the
 * budget (docs/privacy.md).
 * @param {SyncBridge} bridge
 */
export function createPrivacyApi(bridge) {
  return Object.freeze({
    report() {
      const now = bridge.now();
      const budget = bridge.call((M, e) => unwrap(M.privacyBudget(e, now)));
      const consent = bridge.call((M, e) => M.consentGet(e));
      let next = { bytes: 0, body: '', reports: /** @type {any[]} */ ([]) };
      if (consent.measurement.state === 'granted') {
        const round = bridge.mutate((M, e) => unwrap(M.buildReports(e, now)));
        const body = round.body;
        const reports = JSON.parse(body).reports;
        if (reports.length > 0) next = { bytes: new TextEncoder().encode(body).length, body, reports };
      }
      return { next, budget };
    },
    /** The privacy policy in force (ε per day and per report type). */
    policy() {
      return JSON.parse(bridge.call((M, e) => M.privacyPolicy(e)));
    },
  });
}
