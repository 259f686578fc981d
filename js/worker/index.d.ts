/**
 * Hearth in a Web Worker. Import from `hearth/worker`.
 *
 * @example
 * // hearth-worker.js (new Worker(url, { type: 'module' }))
 * import { serveHearth } from 'hearth/worker';
 * serveHearth();
 * // the page
 * import { connectHearthWorker } from 'hearth/worker';
 * const hearth = connectHearthWorker(worker);
 * await hearth.start({ storage: 'indexeddb', key: 'shop' });
 * const picks = await hearth.call('recommend', { slot: 'for_you' });
 */
import type { HearthOptions } from '../index.js';

/** The calls a page may make (dotted paths into the worker's Hearth instance). */
export type HearthWorkerMethod =
  | 'catalog.load' | 'track' | 'trackMany' | 'feedback' | 'recommend' | 'profile' | 'profile.forget'
  | 'promotions.load' | 'campaigns.load' | 'campaigns.list' | 'campaigns.active' | 'priors.load'
  | 'consent.get' | 'consent.set' | 'privacy.report' | 'sync' | 'save' | 'exportJSON' | 'erase'
  | 'game.load' | 'game.state' | 'game.openMystery';

export declare const METHODS: readonly HearthWorkerMethod[];
/** Events the worker forwards: change, consent, reward, error ({ code, message }), sync. */
export declare const EVENTS: readonly string[];

/** Serves the message API on the worker's global scope (or `scope`). */
export function serveHearth(
  scope?: { addEventListener(type: 'message', fn: (e: MessageEvent) => void): void; postMessage(msg: unknown): void },
  options?: { create?: (options: HearthOptions) => Promise<unknown> },
): void;

export interface HearthWorkerClient {
  /** Creates the worker's Hearth; `storage` must be a name ('indexeddb', 'memory'): adapters cannot be posted. */
  start(options?: Omit<HearthOptions, 'storage' | 'fetch' | 'now'> & { storage?: 'indexeddb' | 'memory' | 'local' }): Promise<{ status: string }>;
  /** Calls a method with structured-cloneable arguments; rejects with HearthError. */
  call(method: HearthWorkerMethod, ...args: unknown[]): Promise<any>;
  on(event: string, fn: (data: any) => void): () => void;
  /** Ends the worker; pending calls reject with CANCELLED. */
  terminate(): void;
}

export function connectHearthWorker(worker: Worker): HearthWorkerClient;
