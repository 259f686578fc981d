// Set-up the JS test files share: a Hearth on memory storage with a clock the
// test moves by hand (and optionally a catalog), and the code of the
// HearthError a call throws.

import assert from 'node:assert/strict';

import { HearthError } from '../../../js/errors.js';
import { T0, manualClock } from './real.js';

/**
 * A Hearth from `create` (createHearth, createDebugHearth, …) on memory
 * storage, autosave off, its clock at `start` and moved by the test.
 * @param {(options: any) => Promise<any>} create
 * @param {Record<string, unknown>} [options] merged over the defaults
 * @param {{ catalog?: unknown, start?: number }} [setup] a catalog to load, the clock's start
 */
export async function freshHearth(create, options = {}, { catalog, start = T0 } = {}) {
  const clock = manualClock(start);
  const hearth = await create({ storage: 'memory', now: clock.now, autosave: 0, ...options });
  if (catalog !== undefined) hearth.catalog.load(catalog);
  return { hearth, clock };
}

/**
 * The code of the HearthError `fn` throws; fails when it throws something
 * else or nothing.
 * @param {() => unknown} fn
 */
export function code(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof HearthError, `not a HearthError: ${e}`);
    return e.code;
  }
  assert.fail('did not throw');
}
