// Crash during save at every write point, on the real wasm build.
//
// A fault-injecting disk (tests/js/helpers/faulty.js) counts every write of a
// save path — storage adapter set/delete and localStorage setItem/removeItem
// (the pagehide tails and the fold marker) — and "crashes" at write k, for
// every k of the path, in two ways: write k throws and nothing after it
// happens ('throw'), or write k lands and everything after it is dropped
// ('drop'). A restart from what the disk then holds must come up with the
// old state or the new one, byte for byte (exportState() of a restart from
// the disk before the path, and from the disk after a fault-free run), never
// a corrupt, mixed or double-counted one.
//
// Paths: save(); pagehide with an asynchronous adapter (tail + locked save);
// pagehide with a live tab that hears it (the handoff: tail only, the live
// tab folds it); pagehide with a synchronous adapter (direct write); two tabs
// whose second save rebases onto the first; a start that folds in the tails
// of pages that went away; erase(). Then the race of a live tab and a start
// folding the same announced tail, in every order: it counts once.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createHearthWith } from '../../js/internal/hearth.js';
import { fakeEnv } from './helpers/fake.js';
import { cloneDisk, faultPlan, faultyLocalStorage, faultyStorage, heldChannel, newDisk, recordingLocks } from './helpers/faulty.js';
import { CATALOG, T0, rawModule } from './helpers/real.js';

const CAT = JSON.stringify(CATALOG);
const ITEMS = CATALOG.map((c) => c.id);

let keySeq = 0;

/**
 * One "tab" over `disk`, with fake timers (autosave off: the paths save
 * explicitly) and a fixed clock and seed.
 * @param {ReturnType<typeof newDisk>} disk
 * @param {ReturnType<typeof faultPlan>} plan
 */
async function openTab(disk, plan, { key, synchronous = false, now = T0, beforeSet, bus, locks, catalog = true } = {}) {
  const M = await rawModule();
  const fake = fakeEnv({ localStorage: faultyLocalStorage(disk, plan) });
  // A channel the test delivers (heldChannel) and a Web Locks double: tabs that hear each other.
  if (bus) Object.assign(fake.env, { BroadcastChannel: bus.BroadcastChannel });
  if (locks) Object.assign(fake.env, { locks });
  const storage = faultyStorage(disk, plan, { synchronous, beforeSet });
  const hearth = await createHearthWith(async () => M, { storage, key, now: () => now, seed: 7, autosave: 0 }, fake.env);
  if (catalog) hearth.catalog.load(CAT);
  return { hearth, fake };
}

/** Lets queued promise callbacks (saves under the lock) run. */
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** What a restart from `disk` comes up with: its exportState() and event count. */
async function restart(disk, key) {
  const { hearth } = await openTab(disk, faultPlan(), { key, now: T0 + 60_000 });
  try {
    await settle();
    return { bytes: hearth.exportState(), events: hearth.profile().rfm.eventsTotal };
  } finally {
    hearth.close();
  }
}

/** `n` events; every third has no id (ids are optional; those must not double either). */
function events(prefix, n, ts = T0) {
  return Array.from({ length: n }, (_, i) => ({
    type: i % 5 === 4 ? 'click' : 'view',
    item: ITEMS[i % ITEMS.length],
    ...(i % 3 === 2 ? {} : { id: `${prefix}-${i}` }),
    ts: ts - 1000 * (n - i),
  }));
}

/** A disk where one tab saved 20 events. */
async function savedDisk(key) {
  const disk = newDisk();
  const { hearth } = await openTab(disk, faultPlan(), { key });
  hearth.trackMany(events('old', 20));
  await hearth.save();
  hearth.close();
  await settle();
  return disk;
}

const same = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Runs `path` on a copy of `disk0` once without faults (counting its
 * writes), then crashes it at every write in both modes; every restart must
 * give the old or the new state (or, for a path of several saves, the state
 * after one of them: `checkpoint()` marks those in the fault-free run).
 * @param {string} key
 * @param {ReturnType<typeof newDisk>} disk0
 * @param {(disk: any, plan: any, checkpoint: () => void) => Promise<void>} path
 * @param {{ oldEvents: number, newEvents: number }} expected event counts
 */
async function crashEverywhere(key, disk0, path, expected) {
  const before = await restart(cloneDisk(disk0), key);
  const clean = cloneDisk(disk0);
  const plan = faultPlan();
  const marks = [];
  await path(clean, plan, () => marks.push(cloneDisk(clean)));
  await settle();
  const after = await restart(clean, key);
  const between = [];
  for (const d of marks) between.push(await restart(d, key));
  const writes = plan.writes;
  assert.ok(writes >= 1, 'the path writes');
  assert.equal(before.events, expected.oldEvents, 'old state');
  assert.equal(after.events, expected.newEvents, 'new state: nothing lost, nothing counted twice');
  const outcomes = { old: 0, between: 0, new: 0 };
  for (const mode of ['throw', 'drop']) {
    for (let k = 1; k <= writes; k++) {
      const disk = cloneDisk(disk0);
      const p = faultPlan({ crashAt: k, mode });
      await path(disk, p, () => {}).catch(() => {}); // a crashed tab may see its own calls fail
      await settle();
      const got = await restart(disk, key);
      const isOld = same(got.bytes, before.bytes);
      const isNew = same(got.bytes, after.bytes);
      const isBetween = between.some((b) => same(got.bytes, b.bytes));
      assert.ok(
        isOld || isNew || isBetween,
        `crash at write ${k}/${writes} (${mode}: ${p.trace[k - 1]}): the restart has ${got.events} events, ` +
          `neither the old state (${before.events}) nor the new one (${after.events}); writes: ${plan.trace.join(', ')}`,
      );
      outcomes[isNew ? 'new' : isOld ? 'old' : 'between']++;
    }
  }
  return { writes, outcomes, trace: plan.trace };
}

describe('a crash at any write of a save leaves the old or the new state', () => {
  test('save()', async () => {
    const key = `save${keySeq++}`;
    const disk0 = await savedDisk(key);
    const r = await crashEverywhere(
      key,
      disk0,
      async (disk, plan) => {
        const { hearth } = await openTab(disk, plan, { key });
        hearth.trackMany(events('new', 30));
        hearth.preferences.like('trail');
        hearth.feedback({ item: 'sku-1', slot: 'for_you', outcome: 'click' });
        await hearth.save();
      },
      { oldEvents: 20, newEvents: 50 },
    );
    assert.deepEqual(r.trace, [`set ${key}`]);
    assert.ok(r.outcomes.old > 0 && r.outcomes.new > 0, JSON.stringify(r.outcomes));
  });

  test('pagehide with an asynchronous adapter: the tail, then the save under the lock', async () => {
    const key = `hide${keySeq++}`;
    const disk0 = await savedDisk(key);
    const r = await crashEverywhere(
      key,
      disk0,
      async (disk, plan) => {
        const { hearth, fake } = await openTab(disk, plan, { key });
        hearth.trackMany(events('new', 30));
        hearth.preferences.dislike('formal');
        fake.target.dispatchEvent(new Event('pagehide'));
      },
      { oldEvents: 20, newEvents: 50 },
    );
    // tail, fold marker, the write, tail and marker removed
    assert.equal(r.writes, 5, r.trace.join(', '));
    assert.match(r.trace[0], new RegExp(`^setItem ${key}:tail:`));
    assert.equal(r.trace[2], `set ${key}`);
    assert.ok(r.outcomes.new > r.outcomes.old, 'once the tail is written, a restart has the new state');
  });

  test('pagehide with a live tab (the handoff): the tail, then the live tab folds it under the lock', async () => {
    const key = `handoff${keySeq++}`;
    const disk0 = await savedDisk(key);
    const r = await crashEverywhere(
      key,
      disk0,
      async (disk, plan) => {
        const bus = heldChannel();
        const live = await openTab(disk, plan, { key, bus });
        const closing = await openTab(disk, plan, { key, bus });
        closing.hearth.trackMany(events('new', 30));
        closing.hearth.preferences.dislike('formal');
        closing.fake.target.dispatchEvent(new Event('pagehide'));
        await settle();
        bus.deliver();
        await settle();
        await live.hearth.save();
      },
      { oldEvents: 20, newEvents: 50 },
    );
    // the tail (the closing page), then the live tab: marker, the write, tail and marker removed
    assert.equal(r.writes, 5, r.trace.join(', '));
    assert.match(r.trace[0], new RegExp(`^setItem ${key}:tail:`));
    assert.deepEqual(r.trace.slice(1), [`setItem ${key}:folded`, `set ${key}`, `removeItem ${r.trace[0].slice('setItem '.length)}`, `removeItem ${key}:folded`]);
    assert.ok(r.outcomes.new > r.outcomes.old, 'once the tail is written, a restart has the new state');
  });

  test('pagehide while a save is being written (the tail records the save under way)', async () => {
    const key = `during${keySeq++}`;
    const disk0 = await savedDisk(key);
    const r = await crashEverywhere(
      key,
      disk0,
      async (disk, plan) => {
        let tab;
        let fired = false;
        tab = await openTab(disk, plan, {
          key,
          beforeSet: () => {
            if (fired) return;
            fired = true;
            tab.hearth.trackMany(events('late', 7));
            tab.fake.target.dispatchEvent(new Event('pagehide'));
          },
        });
        tab.hearth.trackMany(events('new', 30));
        await tab.hearth.save();
      },
      { oldEvents: 20, newEvents: 57 },
    );
    assert.ok(r.outcomes.between === 0, JSON.stringify(r.outcomes));
  });

  test('pagehide with a synchronous adapter (direct write)', async () => {
    const key = `sync${keySeq++}`;
    const disk0 = await savedDisk(key);
    await crashEverywhere(
      key,
      disk0,
      async (disk, plan) => {
        const { hearth, fake } = await openTab(disk, plan, { key, synchronous: true });
        hearth.trackMany(events('new', 30));
        fake.target.dispatchEvent(new Event('pagehide'));
      },
      { oldEvents: 20, newEvents: 50 },
    );
  });

  test('two tabs: the second save rebases onto the first and replays its own events', async () => {
    const key = `two${keySeq++}`;
    const disk0 = await savedDisk(key);
    const r = await crashEverywhere(
      key,
      disk0,
      async (disk, plan, checkpoint) => {
        const a = await openTab(disk, plan, { key });
        const b = await openTab(disk, plan, { key });
        a.hearth.trackMany(events('a', 15));
        b.hearth.trackMany(events('b', 25));
        await a.hearth.save();
        checkpoint(); // A's save alone is a state a crash may leave
        await b.hearth.save();
      },
      { oldEvents: 20, newEvents: 60 },
    );
    assert.deepEqual(r.trace, [`set ${key}`, `set ${key}`]);
    assert.ok(r.outcomes.between > 0 && r.outcomes.new > 0, JSON.stringify(r.outcomes));
  });

  test('a start that folds in the tails of pages that went away (one on the stored state, one on an older one)', async () => {
    const key = `fold${keySeq++}`;
    // Tab A hides (its tail is based on what is stored), tab B was based on
    // an older state and hides too; neither save lands.
    const disk0 = await savedDisk(key);
    {
      const dead = faultPlan();
      const b = await openTab(disk0, dead, { key });
      b.hearth.trackMany(events('b', 12));
      const a = await openTab(disk0, dead, { key });
      a.hearth.trackMany(events('a', 10));
      await a.hearth.save(); // B's base is now older than what is stored
      a.hearth.trackMany(events('a2', 8));
      dead.crashAt = dead.writes + 3; // both tails land, then the tab process dies
      dead.mode = 'drop';
      a.fake.target.dispatchEvent(new Event('pagehide'));
      b.fake.target.dispatchEvent(new Event('pagehide'));
      await settle();
    }
    const tails = [...disk0.local.keys()].filter((k) => k.startsWith(`${key}:tail:`));
    assert.equal(tails.length, 2, 'two tails wait');
    const r = await crashEverywhere(
      key,
      disk0,
      async (disk, plan) => {
        const { hearth } = await openTab(disk, plan, { key });
        await hearth.save();
      },
      { oldEvents: 20 + 10 + 8 + 12, newEvents: 20 + 10 + 8 + 12 },
    );
    assert.equal(r.outcomes.old, 0, 'both are the folded state: the restart folds what a crashed fold left');
  });

  test('erase(): the old state or nothing at all, never half of it', async () => {
    const key = `erase${keySeq++}`;
    const disk0 = await savedDisk(key);
    for (const mode of ['throw', 'drop']) {
      for (let k = 1; k <= 3; k++) {
        const disk = cloneDisk(disk0);
        const plan = faultPlan({ crashAt: k, mode });
        const { hearth } = await openTab(disk, plan, { key });
        hearth.trackMany(events('x', 5));
        await hearth.erase().catch(() => {});
        await settle();
        const got = await restart(disk, key);
        assert.ok(got.events === 20 || got.events === 0, `crash at write ${k} (${mode}): ${got.events} events`);
      }
    }
  });
});

describe('hostile leftovers in localStorage', () => {
  test('unreadable tails, entries of the wrong shape, a garbage snapshot and a garbage marker: no throw, nothing lost', async () => {
    const key = `hostile${keySeq++}`;
    const disk = await savedDisk(key);
    const stored = disk.store.get(key);
    const { Journal, decodeTail, encodeTail, storedTag } = await import('../../js/internal/persist.js');
    const { EventPacker, packedSize } = await import('../../js/internal/packed.js');
    // A tail based on the stored state whose snapshot is garbage: its journal still counts.
    const normalized = events('h', 6).map((ev) => ({ type: ev.type, item: ev.item, id: ev.id ?? '', ts: ev.ts, query: '', value: NaN, quantity: 1, deal: false, tz: 0, contextJson: '' }));
    const side = new EventPacker({ packBuffer: (n) => new Uint8Array(n) });
    const journal = new Journal();
    journal.append(side.bytes ?? new Uint8Array(0), 0);
    const n = side.pack(normalized, normalized.reduce((a, ev) => a + packedSize(ev), 0));
    journal.append(side.bytes, n);
    const text = encodeTail({ base: storedTag(stored), snapshot: new Uint8Array([72, 82, 84, 72, 9, 9, 9]), journal });
    assert.equal(decodeTail(text).journal.len, n);
    disk.local.set(`${key}:tail:aaa`, text);
    disk.local.set(`${key}:tail:bbb`, 'H2:{"v":2,"base":');
    disk.local.set(
      `${key}:tail:ccc`,
      'H2:' + JSON.stringify({ v: 2, base: 'r1', snapshot: 7, journal: { b: 'AAAA%%', f: [null, 1, { at: 'x' }, { item: 3 }] }, writing: { tag: 5 }, covers: 'all' }),
    );
    // Bytes that are not packed events: the core rejects them whole.
    disk.local.set(
      `${key}:tail:ddd`,
      'H2:' + JSON.stringify({ v: 2, base: 'r1', snapshot: null, journal: { b: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==', f: [] } }),
    );
    disk.local.set(`${key}:folded`, '{not json');
    const { hearth, fake } = await openTab(disk, faultPlan(), { key });
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    await fake.advance(0);
    await settle();
    assert.equal(hearth.profile().rfm.eventsTotal, 26, 'the stored 20 and the 6 of the tail with a garbage snapshot');
    assert.deepEqual(errors.map((e) => e.code), ['DATA_LOSS'], 'the unreadable tail is reported once');
    assert.match(errors[0].message, /tail:bbb/);
    assert.equal(await hearth.save(), true);
    assert.deepEqual([...disk.local.keys()].filter((k) => k.startsWith(key)), [], 'every leftover is gone once folded');
    assert.ok(disk.store.has(`${key}:corrupt`), 'the unreadable one is kept aside');
    hearth.close();
    assert.equal((await restart(disk, key)).events, 26);
  });
});

describe("a closing tab's tail, announced on the channel, counts once whoever folds it", () => {
  // Events without ids: the core's dedup window cannot hide a double fold.
  const noIds = (n) => events('x', n).map(({ id, ...ev }) => ev);

  /** A saved disk (20 events), a live tab L and a closing tab C that tracked `n` events and unloaded. */
  async function handoff(key, { n = 30, staleBase = false } = {}) {
    const disk = await savedDisk(key);
    const plan = faultPlan();
    const bus = heldChannel();
    const locks = recordingLocks();
    const live = await openTab(disk, plan, { key, bus, locks: locks.for('live') });
    const closing = await openTab(disk, plan, { key, bus, locks: locks.for('closing') });
    closing.hearth.trackMany(noIds(n));
    if (staleBase) {
      // L saves after C read the stored state: C's tail is based on an older one.
      live.hearth.trackMany(noIds(5));
      await live.hearth.save();
    }
    const asked = locks.requests.length;
    const writes = plan.writes;
    closing.fake.target.dispatchEvent(new Event('pagehide'));
    closing.fake.document.visibilityState = 'hidden';
    closing.fake.document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    const tail = [...disk.local.keys()].find((k) => k.startsWith(`${key}:tail:`));
    assert.ok(tail, 'the tail is written');
    return { disk, plan, bus, locks, live, closing, tail, asked, writes };
  }

  const total = (h) => h.profile().rfm.eventsTotal;

  test('the unloading page takes no lock and writes nothing but its tail; the live tab has its events at once', async () => {
    const key = `ho${keySeq++}`;
    const t = await handoff(key);
    assert.deepEqual(t.locks.requests.slice(t.asked).filter(([who]) => who === 'closing'), [], 'no lock requested after pagehide');
    assert.deepEqual(t.plan.trace.slice(t.writes), [`setItem ${t.tail}`], 'only the tail');
    assert.equal(t.bus.queue.length, 1, 'one announcement');
    assert.equal(t.bus.queue[0][1].type, 'tail');
    t.bus.deliver();
    await settle();
    assert.equal(total(t.live.hearth), 50, "the live tab folded the closing tab's events");
    assert.equal(t.disk.local.has(t.tail), false, 'and removed the tail');
    assert.equal(t.disk.local.has(`${key}:folded`), false);
    assert.deepEqual(Buffer.from(t.disk.store.get(key)), Buffer.from(t.live.hearth.exportState()), 'storage holds the live state');
    assert.deepEqual(t.plan.trace.slice(t.writes).filter((w) => w.startsWith('set') && !w.startsWith('setItem')), [`set ${key}`]);
    assert.equal((await restart(t.disk, key)).events, 50);
    t.live.hearth.close();
  });

  test('a restart folds it first, then the live tab hears the announcement (twice): once', async () => {
    const key = `ho${keySeq++}`;
    const t = await handoff(key);
    const message = t.bus.queue[0];
    const r = await openTab(t.disk, t.plan, { key, bus: t.bus, locks: t.locks.for('restart') });
    assert.equal(total(r.hearth), 50, 'the restart folded the tail from localStorage');
    assert.equal(t.disk.local.has(t.tail), false);
    t.bus.queue.push(message); // heard late, and once more
    t.bus.deliver();
    await settle();
    await t.live.hearth.save();
    await r.hearth.save();
    assert.equal(total(t.live.hearth), 50);
    assert.equal(total(r.hearth), 50);
    assert.deepEqual(Buffer.from(t.live.hearth.exportState()), Buffer.from(r.hearth.exportState()));
    assert.equal((await restart(t.disk, key)).events, 50);
    t.live.hearth.close();
    r.hearth.close();
  });

  test('the live tab folds it first, then a restart starts (and hears nothing): once', async () => {
    const key = `ho${keySeq++}`;
    const t = await handoff(key);
    t.bus.deliver();
    await settle();
    const r = await openTab(t.disk, t.plan, { key, bus: t.bus });
    assert.equal(total(r.hearth), 50);
    assert.equal((await restart(t.disk, key)).events, 50);
    t.live.hearth.close();
    r.hearth.close();
  });

  test('the live tab dies right after its fold landed, before removing the tail: the restart skips it (the marker)', async () => {
    const key = `ho${keySeq++}`;
    const t = await handoff(key);
    t.plan.crashAt = t.plan.writes + 2; // the marker, the write; then the process is gone
    t.plan.mode = 'drop';
    t.bus.deliver();
    await settle();
    assert.ok(t.disk.local.has(t.tail) && t.disk.local.has(`${key}:folded`), 'the tail and the marker are left');
    const r = await openTab(t.disk, faultPlan(), { key });
    assert.equal(total(r.hearth), 50);
    assert.equal(t.disk.local.has(t.tail), false, 'the restart removed the folded tail');
    assert.equal((await restart(t.disk, key)).events, 50);
    r.hearth.close();
  });

  test('a tail on an older state: a restart adopts it (no catalog yet), the live tab folds it meanwhile: once', async () => {
    for (const order of ['catalog-after-fold', 'catalog-before-fold']) {
      const key = `ho${keySeq++}`;
      const t = await handoff(key, { staleBase: true });
      const r = await openTab(t.disk, t.plan, { key, bus: t.bus, catalog: false });
      if (order === 'catalog-before-fold') r.hearth.catalog.load(CAT); // replays the adopted tail here
      t.bus.deliver(); // the live tab folds it (still in localStorage), then 'saved' reaches the restart
      await settle();
      t.bus.deliver();
      await settle();
      if (order === 'catalog-after-fold') r.hearth.catalog.load(CAT);
      await r.hearth.save();
      t.bus.deliver();
      await settle();
      await t.live.hearth.save();
      assert.equal(total(r.hearth), 55, order);
      assert.equal(total(t.live.hearth), 55, order);
      assert.deepEqual(Buffer.from(r.hearth.exportState()), Buffer.from(t.live.hearth.exportState()), order);
      assert.equal((await restart(t.disk, key)).events, 55, order);
      assert.deepEqual([...t.disk.local.keys()].filter((k) => k.includes(':tail')), [], order);
      t.live.hearth.close();
      r.hearth.close();
    }
  });

  test('a tail a start adopted (older base) survives a rebase onto another save before it is folded', async () => {
    const key = `ho${keySeq++}`;
    const t = await handoff(key, { staleBase: true });
    t.bus.queue.length = 0; // nobody heard it: the restart adopts it
    const r = await openTab(t.disk, t.plan, { key, bus: t.bus }); // replays it once the catalog is loaded
    assert.equal(total(r.hearth), 55);
    t.bus.queue.length = 0;
    t.live.hearth.trackMany(noIds(3));
    await t.live.hearth.save(); // storage moves on before the restart saved the tail
    await r.hearth.save(); // rebases: the stored state, the adopted tail, its own journal
    assert.equal(total(r.hearth), 58);
    assert.equal((await restart(t.disk, key)).events, 58);
    assert.deepEqual([...t.disk.local.keys()].filter((k) => k.includes(':tail')), []);
    t.live.hearth.close();
    r.hearth.close();
  });

  test('a save under way at pagehide: the tail is announced again once it lands, and counts once', async () => {
    const key = `ho${keySeq++}`;
    const disk = await savedDisk(key);
    const plan = faultPlan();
    const bus = heldChannel();
    const live = await openTab(disk, plan, { key, bus });
    let closing;
    let fired = false;
    closing = await openTab(disk, plan, {
      key,
      bus,
      beforeSet: () => {
        if (fired) return;
        fired = true;
        closing.hearth.trackMany(noIds(7));
        closing.fake.target.dispatchEvent(new Event('pagehide'));
      },
    });
    closing.hearth.trackMany(noIds(30));
    await closing.hearth.save();
    await settle();
    const tails = bus.queue.filter(([, m]) => m.type === 'tail');
    assert.equal(tails.length, 2, 'announced at pagehide and again once the save landed');
    bus.deliver();
    await settle();
    await live.hearth.save();
    assert.equal(total(live.hearth), 57);
    assert.equal((await restart(disk, key)).events, 57);
    live.hearth.close();
  });

  test('erase() removes every tail of the key, announced or not', async () => {
    const key = `ho${keySeq++}`;
    const t = await handoff(key);
    await t.live.hearth.erase();
    t.bus.deliver();
    await settle();
    assert.deepEqual([...t.disk.local.keys()].filter((k) => k.startsWith(key)), []);
    assert.equal((await restart(t.disk, key)).events, 0);
    t.live.hearth.close();
  });
});
