// The wasm heap stays flat over a one-hour-equivalent session, on the real
// (release) wasm build: 10^6 events through the packed batch path
// (trackMany, 40–400 events a batch, timestamps advancing over an hour,
// ids on every event so the dedup ring cycles), a save every ~5,000 events
// (to an asynchronous adapter, so each save reads, compares and writes the
// snapshot), recommend() for all three slots every ~20,000 events, and
// feedback now and then.
//
// After a warm-up of 100,000 events the wasm memory (memoryStats().heapSize,
// the module's HEAPU8.length) must not grow at all, malloc'd bytes
// (memoryStats().allocated) may move by at most ALLOCATED_SLACK (allocator
// fragmentation as the bounded structures churn), and the JS heap after a
// full GC by at most JS_SLACK.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import { createHearthWith } from '../../js/internal/hearth.js';
import { catalogToJSON, generateCatalog } from '../../scripts/gen-catalog.mjs';
import { fakeEnv } from './helpers/fake.js';
import { faultPlan, faultyStorage, newDisk } from './helpers/faulty.js';
import { T0, rawModule } from './helpers/real.js';

const EVENTS = 1_000_000;
const WARMUP = 100_000;
const SAVE_EVERY = 5_000;
const RECOMMEND_EVERY = 20_000;
const HOUR = 3_600_000;
const ALLOCATED_SLACK = 256 * 1024;
const JS_SLACK = 8 * 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const TYPES = ['view', 'view', 'view', 'view', 'click', 'dwell', 'search', 'add_to_cart', 'view', 'purchase'];

test(`${EVENTS} events over an hour with periodic saves: the wasm heap stays flat`, { timeout: 600_000 }, async () => {
  const M = await rawModule();
  const catalog = generateCatalog({ items: 500, seed: 5 });
  const ids = catalog.map((it) => it.id);
  let now = T0;
  const disk = newDisk();
  const fake = fakeEnv();
  const hearth = await createHearthWith(async () => M, { storage: faultyStorage(disk, faultPlan()), now: () => now, seed: 1, autosave: 0 }, fake.env);
  hearth.catalog.load(catalogToJSON(catalog));

  let seq = 0;
  let x = 12345;
  const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let saves = 0;
  let picks = 0;
  let nextSave = SAVE_EVERY;
  let nextRecommend = RECOMMEND_EVERY;
  /** @type {{ heapSize: number, allocated: number } | null} */
  let warm = null;
  let jsWarm = 0;
  const samples = [];
  const started = performance.now();
  let trackMs = 0;
  while (seq < EVENTS) {
    const n = Math.min(EVENTS - seq, 40 + Math.floor(rand() * 361));
    const batch = new Array(n);
    for (let i = 0; i < n; i++) {
      const type = TYPES[Math.floor(rand() * TYPES.length)];
      const ev = { type, item: ids[Math.floor(rand() * rand() * ids.length)], id: `s-${seq + i}`, ts: T0 + Math.floor(((seq + i) * HOUR) / EVENTS) };
      if (type === 'search') {
        ev.query = 'trail shoes';
        delete ev.item;
      } else if (type === 'purchase') ev.value = 20 + Math.floor(rand() * 200);
      else if (type === 'dwell') ev.value = 5 + Math.floor(rand() * 60);
      batch[i] = ev;
    }
    now = T0 + Math.floor(((seq + n) * HOUR) / EVENTS);
    const t = performance.now();
    const r = hearth.trackMany(batch);
    trackMs += performance.now() - t;
    assert.equal(r.rejected.length, 0, JSON.stringify(r.rejected[0]));
    seq += n;
    if (seq >= nextRecommend) {
      nextRecommend += RECOMMEND_EVERY;
      for (const slot of ['for_you', 'wow', 'deals']) picks += hearth.recommend({ slot, count: 8 }).length;
      const p = hearth.recommend({ count: 4 });
      if (p.length > 0) hearth.feedback({ item: p[0].item, slot: 'for_you', outcome: seq % 3 ? 'click' : 'dismiss' });
    }
    if (seq >= nextSave) {
      nextSave += SAVE_EVERY;
      assert.equal(await hearth.save(), true);
      saves++;
      if (warm === null && seq >= WARMUP) {
        gc();
        warm = M.memoryStats();
        jsWarm = process.memoryUsage().heapUsed;
      } else if (warm !== null && saves % 20 === 0) samples.push({ seq, ...M.memoryStats() });
    }
  }
  const ms = performance.now() - started;
  assert.equal(await hearth.save(), true);
  gc();
  const end = M.memoryStats();
  const jsEnd = process.memoryUsage().heapUsed;
  const p = hearth.profile();
  console.log(
    `${EVENTS} events in ${(ms / 1000).toFixed(1)} s (trackMany ${(trackMs / 1000).toFixed(1)} s, ${((trackMs * 1000) / EVENTS).toFixed(2)} µs/event); ` +
      `${saves} saves of ${disk.store.get('hearth').length} bytes, ${picks} picks; wasm heap ${warm.heapSize} → ${end.heapSize} bytes, ` +
      `allocated ${warm.allocated} → ${end.allocated} (${end.allocated - warm.allocated >= 0 ? '+' : ''}${end.allocated - warm.allocated}); ` +
      `JS heap ${(jsWarm / 2 ** 20).toFixed(1)} → ${(jsEnd / 2 ** 20).toFixed(1)} MiB; samples ${samples.map((s) => s.allocated).join(' ')}`,
  );
  assert.equal(p.rfm.eventsTotal, EVENTS, 'every event was recorded');
  assert.equal(end.heapSize, warm.heapSize, 'the wasm memory did not grow after warm-up');
  for (const s of samples) assert.equal(s.heapSize, warm.heapSize, `wasm memory at event ${s.seq}`);
  assert.ok(Math.abs(end.allocated - warm.allocated) <= ALLOCATED_SLACK, `malloc'd bytes moved by ${end.allocated - warm.allocated}`);
  assert.ok(jsEnd - jsWarm <= JS_SLACK, `the JS heap grew by ${jsEnd - jsWarm} bytes`);
  hearth.close();
});
