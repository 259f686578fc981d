// Hearth in a Web Worker: the wasm engine, its storage and its sync run off
// the page's main thread; the page talks to it through a small message API.
//
// In the worker (a module worker):
//   import { serveHearth } from 'hearth/worker';
//   serveHearth();                       // answers the page's messages
//
// On the page:
//   import { connectHearthWorker } from 'hearth/worker';
//   const worker = new Worker(new URL('./hearth-worker.js', import.meta.url), { type: 'module' });
//   const hearth = connectHearthWorker(worker);
//   await hearth.start({ storage: 'indexeddb', key: 'shop' });
//   await hearth.call('catalog.load', catalogText);
//   await hearth.call('track', { type: 'view', item: 'sku-1' });
//   const picks = await hearth.call('recommend', { slot: 'for_you', count: 8 });
//   hearth.on('change', () => …);
//
// Messages page → worker: { id, method, args }; worker → page: { id, result }
// or { id, error: { code, message } }, and events { event, data }. Only the
// methods in METHODS can be called (dotted paths into the Hearth instance);
// results are structured-cloned, so everything returned is plain data.

import { createHearth } from '../index.js';
import { HearthError } from '../errors.js';

/** The calls a page may make, each a path into the Hearth instance. */
export const METHODS = Object.freeze([
  'catalog.load',
  'track',
  'trackMany',
  'feedback',
  'recommend',
  'profile',
  'profile.forget',
  'promotions.load',
  'campaigns.load',
  'campaigns.list',
  'campaigns.active',
  'priors.load',
  'consent.get',
  'consent.set',
  'privacy.report',
  'sync',
  'save',
  'exportJSON',
  'erase',
  'game.load',
  'game.state',
  'game.openMystery',
]);

/** Events forwarded from the worker's Hearth to the page. */
export const EVENTS = Object.freeze(['change', 'consent', 'reward', 'error', 'sync', 'status']);

/** Longest method name accepted in a message. */
const MAX_METHOD = 64;

function errorValue(e) {
  if (e instanceof HearthError) return { code: e.code, message: e.message };
  return { code: 'INTERNAL', message: String(e?.message ?? e) };
}

/**
 * Serves Hearth on `scope` (the worker's global by default): the first
 * `start` message creates the instance with its options (storage must be a
 * name — 'indexeddb', 'memory' — since adapters cannot cross postMessage),
 * later messages call METHODS on it.
 * @param {{ addEventListener: Function, postMessage: Function }} [scope]
 * @param {{ create?: typeof createHearth }} [options] `create` for tests
 */
export function serveHearth(scope = /** @type {any} */ (globalThis), options = {}) {
  const create = options.create ?? createHearth;
  /** @type {Promise<any> | null} */
  let starting = null;
  scope.addEventListener('message', async (/** @type {MessageEvent} */ e) => {
    const msg = e.data;
    if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return; // not ours
    const { id, method } = msg;
    const args = Array.isArray(msg.args) ? msg.args : [];
    try {
      if (method === 'start') {
        if (starting) throw new HearthError('FAILED_PRECONDITION', 'start: Hearth is already started in this worker');
        starting = create(args[0] ?? {});
        const hearth = await starting;
        for (const name of EVENTS) {
          try {
            hearth.on(name, (data) => scope.postMessage({ event: name, data: name === 'error' ? errorValue(data) : data }));
          } catch {
            // An event this build does not have (e.g. 'reward' without the game module).
          }
        }
        scope.postMessage({ id, result: { status: hearth.status } });
        return;
      }
      if (typeof method !== 'string' || method.length > MAX_METHOD || !METHODS.includes(method)) {
        throw new HearthError('INVALID_ARGUMENT', `method: ${JSON.stringify(String(method).slice(0, MAX_METHOD))} is not one of ${METHODS.join(', ')}`);
      }
      if (!starting) throw new HearthError('FAILED_PRECONDITION', `${method}: send 'start' first`);
      const hearth = await starting;
      const path = method.split('.');
      let owner = hearth;
      for (const part of path.slice(0, -1)) owner = owner?.[part];
      const fn = owner?.[path.at(-1)];
      if (typeof fn !== 'function') throw new HearthError('UNIMPLEMENTED', `${method}: not in this build of Hearth`);
      const result = await fn.apply(owner, args);
      scope.postMessage({ id, result });
    } catch (err) {
      scope.postMessage({ id, error: errorValue(err) });
    }
  });
}

/**
 * The page's side: a promise per call, HearthError on failure, and the
 * worker's Hearth events.
 * @param {Worker} worker
 */
export function connectHearthWorker(worker) {
  let next = 1;
  const waiting = new Map();
  const listeners = new Map();
  worker.addEventListener('message', (e) => {
    const msg = e.data;
    if (!msg || typeof msg !== 'object') return;
    if (typeof msg.event === 'string') {
      for (const fn of listeners.get(msg.event) ?? []) fn(msg.data);
      return;
    }
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new HearthError(msg.error.code, msg.error.message));
    else w.resolve(msg.result);
  });
  const send = (method, args) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  return {
    /** Creates the worker's Hearth (storage by name: 'indexeddb' | 'memory'). */
    start: (options = {}) => send('start', [options]),
    /** Calls one of METHODS with structured-cloneable arguments. */
    call: (method, ...args) => send(method, args),
    /** Listens to a worker Hearth event; returns the unsubscribe function. */
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
      return () => listeners.get(event)?.delete(fn);
    },
    /** Ends the worker; pending calls reject with CANCELLED. */
    terminate() {
      worker.terminate();
      for (const w of waiting.values()) w.reject(new HearthError('CANCELLED', 'the Hearth worker was terminated'));
      waiting.clear();
    },
  };
}
