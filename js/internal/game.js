// hearth.game: the loyalty game of the core (src/hearth/game/) for the host
// page. Validates arguments, crosses into wasm once per call, turns errors
// into HearthError and hands the reward events of each call to the 'reward'
// listeners. No game logic lives here.

import { fromStatus, invalidArgument } from '../errors.js';

const HISTORY_KEYS = ['limit'];
const REFUND_KEYS = ['event'];

/**
 * The user's UTC offset in minutes (east positive) at `ts`: what
 * `new Date().getTimezoneOffset()` says, negated. Taken at the event's own
 * time, so events on either side of a DST change get their own offset.
 * @param {number} ts
 */
export function systemTimeZoneOffset(ts) {
  // Memoized per quarter hour of UTC: since 1972 every zone's offset is a
  // whole number of quarter hours and changes at its local wall-clock
  // transition times, i.e. only on quarter-hour instants, so the offset is
  // constant inside a bucket. A Date per event was ~10% of trackMany().
  const bucket = Math.floor(ts / QUARTER_HOUR_MS);
  if (bucket !== tzMemo.bucket) {
    tzMemo.offset = -new Date(ts).getTimezoneOffset() || 0;
    tzMemo.bucket = bucket;
  }
  return tzMemo.offset;
}

const QUARTER_HOUR_MS = 900_000;
/** The last bucket's offset (a system time-zone change shows from the next bucket on). */
const tzMemo = { bucket: NaN, offset: 0 };

/**
 * options.timeZoneOffset: a number of minutes, or a function (ts) => minutes.
 * @param {unknown} option
 * @returns {(ts: number) => number}
 */
export function timeZoneOption(option) {
  if (option === undefined || option === null) return systemTimeZoneOffset;
  if (typeof option === 'function') return /** @type {(ts: number) => number} */ (option);
  checkOffset(option, 'options.timeZoneOffset');
  return () => /** @type {number} */ (option);
}

/**
 * @param {unknown} v
 * @param {string} where
 * @returns {number}
 */
export function checkOffset(v, where) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -840 || v > 840) {
    throw invalidArgument(`${where} must be the UTC offset in whole minutes east of UTC, from -840 to 840 (Paris in winter: 60)`);
  }
  return v;
}

/**
 * Splits an event's `context` into the time-zone offset and the JSON text of
 * the rest (flat strings, numbers and booleans for game conditions).
 * @param {unknown} context
 * @param {number} ts
 * @param {(ts: number) => number} tzAt
 * @param {string} where
 * @returns {{ tz: number, contextJson: string }}
 */
export function eventContext(context, ts, tzAt, where) {
  if (context === undefined || context === null) return { tz: checkOffset(tzAt(ts), 'options.timeZoneOffset(ts)'), contextJson: '' };
  if (typeof context !== 'object' || Array.isArray(context)) throw invalidArgument(`${where}: context must be an object`);
  const { tzOffsetMinutes, ...rest } = /** @type {Record<string, unknown>} */ (context);
  const tz = tzOffsetMinutes === undefined ? checkOffset(tzAt(ts), 'options.timeZoneOffset(ts)') : checkOffset(tzOffsetMinutes, `${where}: context.tzOffsetMinutes`);
  for (const [k, v] of Object.entries(rest)) {
    const t = typeof v;
    if (v !== null && t !== 'string' && t !== 'number' && t !== 'boolean') {
      throw invalidArgument(`${where}: context.${k} must be a string, number or boolean (no nesting)`);
    }
  }
  return { tz, contextJson: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '' };
}

/**
 * @typedef {{
 *   call<T>(fn: (M: any, engine: any) => T): T,
 *   mutate<T>(fn: (M: any, engine: any) => T): T,
 *   now(): number,
 *   tzAt(ts: number): number,
 *   emit(reward: object): void,
 * }} GameHost
 */

/**
 * Takes the reward events the engine holds and emits them.
 * @param {any} M
 * @param {any} engine
 * @param {(reward: object) => void} emit
 */
export function drainRewards(M, engine, emit) {
  const list = M.gameTakeRewards(engine);
  for (const r of list) emit(r);
  return list;
}

/**
 * @param {GameHost} host
 */
export function createGame(host) {
  /** @param {any} r */
  const unwrap = (r) => {
    if (r && r.error) throw fromStatus(r.error);
    return r;
  };
  /**
   * Runs a mutating call, then emits the rewards it produced (also on failure:
   * a call can settle expiry before it fails).
   * @template T
   * @param {(M: any, e: any) => T} fn
   * @returns {T}
   */
  const run = (fn) =>
    host.mutate((M, e) => {
      try {
        return fn(M, e);
      } finally {
        drainRewards(M, e, host.emit);
      }
    });

  return Object.freeze({
    /**
     * Replaces the game rules (shop content, like the catalog). All or
     * nothing: on error the loaded rules stay.
     * @param {string | Uint8Array | object} rules
     */
    load(rules) {
      let input = rules;
      if (!(typeof rules === 'string' || rules instanceof Uint8Array)) {
        if (rules === null || typeof rules !== 'object') throw invalidArgument('game.load(rules) needs JSON text, bytes or a rules object');
        input = JSON.stringify(rules);
      }
      return host.call((M, e) => unwrap(M.gameLoad(e, input)));
    },
    /** Balances, streak, stamp cards, tier, badges, challenges, mystery boxes and recent history. */
    state() {
      const now = host.now();
      const tz = checkOffset(host.tzAt(now), 'options.timeZoneOffset(now)');
      return run((M, e) => unwrap(M.gameState(e, now, tz)));
    },
    /**
     * Opens one available mystery box (the odds are in state().mystery).
     * @param {string} id
     */
    openMystery(id) {
      if (typeof id !== 'string' || id.length === 0) throw invalidArgument('game.openMystery(id) needs the id of a mystery box');
      const now = host.now();
      return run((M, e) => unwrap(M.gameOpenMystery(e, id, now)));
    },
    /**
     * Ledger entries, newest first.
     * @param {{ limit?: number }} [options]
     */
    history(options = {}) {
      if (options === null || typeof options !== 'object') throw invalidArgument('game.history({ limit }) needs an object');
      for (const k of Object.keys(options)) {
        if (!HISTORY_KEYS.includes(k)) throw invalidArgument(`game.history(): unknown option '${k}'; use limit`);
      }
      const limit = options.limit ?? 50;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw invalidArgument('game.history({ limit }) needs a whole number of at least 1');
      const now = host.now();
      return run((M, e) => unwrap(M.gameHistory(e, limit, now)));
    },
    /**
     * Reverses what an event earned (a returned order). Needs the event's id.
     * @param {{ event: string }} request
     */
    refund(request) {
      if (request === null || typeof request !== 'object') throw invalidArgument("game.refund({ event }) needs an object such as { event: 'order-7' }");
      for (const k of Object.keys(request)) {
        if (!REFUND_KEYS.includes(k)) throw invalidArgument(`game.refund(): unknown field '${k}'; use event`);
      }
      if (typeof request.event !== 'string' || request.event.length === 0) throw invalidArgument('game.refund({ event }) needs the id of the tracked event');
      const now = host.now();
      run((M, e) => {
        const err = M.gameRefund(e, request.event, now);
        if (err) throw fromStatus(err);
      });
    },
  });
}
