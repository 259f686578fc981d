// Leak test on the real module: thousands of create / fail / destroy cycles
// must leave malloc'd memory flat. Runs the public wrapper (through
// createHearthWith, so the test can read memoryStats() of the very module
// instance the wrapper uses) and, separately, the raw Embind API.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HearthError } from '../../js/errors.js';
import { createHearthWith, defaultEnv } from '../../js/internal/hearth.js';
import { EventPacker } from '../../js/internal/packed.js';

import { CATALOG, T0, rawModule } from './helpers/real.js';

const CYCLES = 10_000;
const WARMUP = 100;
const TOLERANCE = 64 * 1024;

const GOOD = JSON.stringify(CATALOG);
const BAD_CATALOG = GOOD.slice(0, -7);
const BAD_ITEMS = '[{"id":5},{"id":"x","price":"free"},{"title":"no id"}]';

function expectHearthError(fn) {
  try {
    fn();
  } catch (e) {
    if (e instanceof HearthError) return;
    throw e;
  }
  assert.fail('expected a HearthError');
}

test(`${CYCLES} wrapper create / fail / close cycles leave the heap flat`, async () => {
  const M = await rawModule();
  const load = async () => M;
  const env = defaultEnv();
  const options = { storage: 'memory', now: () => T0, autosave: 0 };
  const snapshot = await (async () => {
    const h = await createHearthWith(load, options, env);
    h.catalog.load(GOOD);
    h.track({ type: 'purchase', item: 'sku-1' });
    const s = h.exportState();
    h.close();
    return s;
  })();
  const corrupt = snapshot.slice();
  corrupt[corrupt.length - 1] ^= 1;

  async function cycle(i) {
    const h = await createHearthWith(load, { ...options, snapshot }, env);
    try {
      h.catalog.load(GOOD);
      expectHearthError(() => h.catalog.load(BAD_CATALOG));
      assert.equal(h.catalog.load(BAD_ITEMS).rejected.length, 3);
      h.track({ type: 'view', item: 'sku-2', id: `e${i}` });
      expectHearthError(() => h.track({ type: 'view', item: 'nope' }));
      expectHearthError(() => h.track({ type: 'teleport', item: 'sku-1' }));
      h.profile();
      h.exportState();
    } finally {
      h.close();
    }
    await assert.rejects(createHearthWith(load, { ...options, snapshot: corrupt }, env), (e) => e.code === 'DATA_LOSS');
    await assert.rejects(createHearthWith(load, { ...options, profile: { halfLifeDays: { view: -1 } } }, env), (e) => e.code === 'INVALID_ARGUMENT');
  }

  for (let i = 0; i < WARMUP; i++) await cycle(i);
  const warm = M.memoryStats();
  const started = performance.now();
  for (let i = 0; i < CYCLES; i++) await cycle(WARMUP + i);
  const ms = performance.now() - started;
  const end = M.memoryStats();
  const growth = end.allocated - warm.allocated;
  console.log(
    `wrapper: ${CYCLES} cycles in ${ms.toFixed(0)} ms (${((ms * 1000) / CYCLES).toFixed(0)} µs/cycle); ` +
      `allocated ${warm.allocated} → ${end.allocated} bytes (${growth >= 0 ? '+' : ''}${growth}); heap ${warm.heapSize} → ${end.heapSize}`,
  );
  assert.ok(growth <= TOLERANCE, `malloc'd memory grew by ${growth} bytes over ${CYCLES} cycles`);
  assert.equal(end.heapSize, warm.heapSize, 'the wasm memory did not grow');
});

// One event through the raw packed path (what track() uses): packed into the
// handle's buffer, then handle.trackPacked. Returns its answer (-1: rejected).
function trackRaw(e, { type, item, id }) {
  const packer = new EventPacker(e);
  const ev = { type, item, id, ts: T0, query: '', value: NaN, quantity: 1, deal: false, tz: 0, contextJson: '' };
  return e.trackPacked(packer.packOne(ev), T0);
}

test(`${CYCLES} raw Engine create / fail / delete cycles leave the heap flat`, async () => {
  const M = await rawModule();
  const good = new TextEncoder().encode(GOOD);
  const bad = new TextEncoder().encode(BAD_CATALOG);
  let snapshot;
  {
    const e = new M.Engine();
    try {
      M.loadCatalog(e, good, false);
      assert.ok(trackRaw(e, { type: 'view', item: 'sku-1', id: 'x' }) >= 0);
      snapshot = M.exportState(e);
    } finally {
      e.delete();
    }
  }
  const corrupt = snapshot.slice(0, snapshot.length - 3);

  function cycle() {
    const e = new M.Engine();
    try {
      assert.equal(e.configure(''), null);
      assert.ok(e.configure('{"halfLifeDays":{"view":"x"}}').code);
      assert.equal(M.loadCatalog(e, good, false).loaded, 4);
      assert.ok(M.loadCatalog(e, bad, true).error);
      assert.equal(trackRaw(e, { type: 'view', item: 'nope', id: '' }), -1);
      assert.equal(e.lastError().code, 'NOT_FOUND');
      assert.equal(M.restoreState(e, corrupt).code, 'DATA_LOSS');
      assert.equal(M.restoreState(e, snapshot), null);
      assert.ok(e.profile(T0).interests.length > 0);
      assert.ok(M.exportJSON(e, NaN).error);
      M.erase(e);
    } finally {
      e.delete();
    }
  }

  for (let i = 0; i < WARMUP; i++) cycle();
  const warm = M.memoryStats();
  const started = performance.now();
  for (let i = 0; i < CYCLES; i++) cycle();
  const ms = performance.now() - started;
  const end = M.memoryStats();
  const growth = end.allocated - warm.allocated;
  console.log(
    `raw: ${CYCLES} cycles in ${ms.toFixed(0)} ms; allocated ${warm.allocated} → ${end.allocated} bytes (${growth >= 0 ? '+' : ''}${growth})`,
  );
  assert.ok(growth <= TOLERANCE, `malloc'd memory grew by ${growth} bytes over ${CYCLES} cycles`);
});
