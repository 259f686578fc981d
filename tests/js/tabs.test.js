// Several "tabs" of one origin in one Node process, on the real wasm build:
// Hearth instances over one shared disk (an asynchronous adapter plus a
// shared localStorage for the pagehide tails), Node's BroadcastChannel, and
// the in-process lock (Node has no Web Locks; tests/e2e/tabs.test.js runs
// the same protocol in Chromium with Web Locks).
// Also: erase() reaches every open tab, a tab stuck holding the lock holds
// the others back for LOCK_TIMEOUT_MS at most, and a sync never sends reports
// whose privacy spend a rebase dropped.
//
// 10,000 events with ids, interleaved across four tabs with autosave on;
// one tab closes mid-stream, one dies after pagehide (it announces its tail,
// which the live tabs fold in), one opens mid-stream. After they settle: no event lost or counted twice,
// and every live tab holds exactly the stored state (byte for byte), which a
// tab opened afterwards sees too.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createHearthWith, defaultEnv } from '../../js/internal/hearth.js';
import { faultPlan, faultyLocalStorage, faultyStorage, newDisk } from './helpers/faulty.js';
import { CATALOG, T0, rawModule } from './helpers/real.js';

const CAT = JSON.stringify(CATALOG);
const ITEMS = CATALOG.map((c) => c.id);
const TOTAL = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let keys = 0;

async function openTab(disk, plan, key, extra = {}) {
  const M = await rawModule();
  const env = { ...defaultEnv(), localStorage: () => faultyLocalStorage(disk, plan), ...extra };
  const hearth = await createHearthWith(async () => M, { storage: faultyStorage(disk, plan), key, seed: 11, autosave: 20, now: () => T0 }, env);
  hearth.catalog.load(CAT);
  return hearth;
}

function eventAt(i) {
  return { type: i % 7 === 0 ? 'click' : 'view', item: ITEMS[i % ITEMS.length], id: `e-${i}`, ts: T0 - (TOTAL - i) * 100 };
}

/** Until every tab's exportState() is the same as the stored one (or the timeout). */
async function converge(tabs, disk, key, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await Promise.all(tabs.map((t) => t.save()));
    await sleep(50);
    const stored = disk.store.get(key);
    const states = tabs.map((t) => Buffer.from(t.exportState()));
    if (stored && states.every((s) => s.equals(Buffer.from(stored)))) return;
    if (Date.now() > deadline) {
      assert.fail(`tabs did not converge: events ${tabs.map((t) => t.profile().rfm.eventsTotal).join(', ')}`);
    }
  }
}

test(`${TOTAL} events across four tabs (one closes, one dies, one opens mid-stream): none lost, all converge`, { timeout: 120_000 }, async () => {
  const key = `tabs${keys++}`;
  const disk = newDisk();
  const plan = faultPlan();
  const tabs = [await openTab(disk, plan, key), await openTab(disk, plan, key), await openTab(disk, plan, key)];
  const closed = [];
  // A tab whose process dies after pagehide: its own plan drops every write
  // after the tail (the tail lands, its save never does).
  const dyingPlan = faultPlan();
  const dyingTarget = new EventTarget();
  const dying = await openTab(disk, dyingPlan, key, { target: dyingTarget });
  let dead = false;
  let next = 0;
  let round = 0;
  while (next < TOTAL) {
    round++;
    const live = dead ? tabs : [...tabs, dying];
    const tab = live[round % live.length];
    const n = Math.min(TOTAL - next, 1 + ((round * 37) % 120));
    const batch = [];
    for (let i = 0; i < n; i++) batch.push(eventAt(next + i));
    next += n;
    if (round % 3 === 0) for (const ev of batch) tab.track(ev);
    else assert.equal(tab.trackMany(batch).recorded, n);
    if (round === 20) {
      // Closes mid-stream: its last changes are saved by close().
      const t = tabs.shift();
      t.close();
      closed.push(t);
    }
    if (round === 40) tabs.push(await openTab(disk, plan, key)); // opens mid-stream
    if (round === 50) {
      // Its last events: tracked, then the page goes away before any save.
      const last = [];
      for (let i = 0; i < 50; i++) last.push(eventAt(next + i));
      next += 50;
      dying.trackMany(last);
      dyingPlan.crashAt = dyingPlan.writes + 1;
      dyingPlan.mode = 'drop';
      // Hidden for good: the tail lands, then the tab is gone.
      dyingTarget.dispatchEvent(new Event('pagehide'));
      dead = true;
    }
    if (round % 4 === 0) await sleep(round % 8 === 0 ? 25 : 0);
  }
  await converge(tabs, disk, key);
  // The dead tab announced its tail on the channel (it took no lock and wrote
  // nothing else): the live tabs folded its last events in.
  assert.equal(tabs[0].profile().rfm.eventsTotal, TOTAL, "the dead tab's last 50 events reached the live tabs");
  assert.deepEqual([...disk.local.keys()].filter((k) => k.includes(':tail')), [], 'a live tab removed the tail it folded');
  const late = await openTab(disk, plan, key);
  tabs.push(late);
  await converge(tabs, disk, key);
  for (const t of tabs) assert.equal(t.profile().rfm.eventsTotal, TOTAL, 'every tab has every event once');
  const fresh = await openTab(disk, plan, key);
  assert.equal(fresh.profile().rfm.eventsTotal, TOTAL, 'a tab opened afterwards sees all of them');
  assert.deepEqual(fresh.profile().interests, tabs[0].profile().interests, 'same affinities');
  assert.deepEqual([...disk.local.keys()].filter((k) => k.includes(':tail')), [], 'no tail left behind');
  for (const t of [...tabs, fresh]) t.close();
});

test('erase() in one tab erases every open tab; none saves the profile back', { timeout: 30_000 }, async () => {
  const key = `tabs${keys++}`;
  const disk = newDisk();
  const plan = faultPlan();
  const a = await openTab(disk, plan, key);
  const b = await openTab(disk, plan, key);
  a.trackMany(Array.from({ length: 30 }, (_, i) => eventAt(i)));
  await a.save();
  await converge([a, b], disk, key);
  assert.equal(b.profile().rfm.eventsTotal, 30);
  await a.erase();
  const deadline = Date.now() + 5_000;
  while (b.profile().rfm.eventsTotal !== 0 && Date.now() < deadline) await sleep(10);
  assert.equal(b.profile().rfm.eventsTotal, 0, "the other tab heard 'erased'");
  b.track(eventAt(100));
  await b.save();
  await sleep(50);
  const fresh = await openTab(disk, plan, key);
  assert.equal(fresh.profile().rfm.eventsTotal, 1, 'only what came after the erase is stored');
  for (const t of [a, b, fresh]) t.close();
});

test('a tab stuck holding the lock does not stop the others for longer than the lock timeout', { timeout: 60_000 }, async () => {
  const key = `tabs${keys++}`;
  const disk = newDisk();
  const plan = faultPlan();
  const M = await rawModule();
  // A's writes never finish (a wedged bridge), so A holds the lock.
  const stuck = { ...faultyStorage(disk, plan), set: () => new Promise(() => {}) };
  const a = await createHearthWith(async () => M, { storage: stuck, key, seed: 1, autosave: 0, now: () => T0 }, { ...defaultEnv(), localStorage: () => null });
  a.catalog.load(CAT);
  const b = await openTab(disk, plan, key);
  a.track(eventAt(1));
  void a.save();
  b.track(eventAt(2));
  const started = Date.now();
  const keepAlive = setInterval(() => {}, 1000); // the lock's timer does not keep Node alive by itself
  let saved;
  try {
    saved = await b.save();
  } finally {
    clearInterval(keepAlive);
  }
  assert.equal(saved, true);
  const waited = Date.now() - started;
  assert.ok(waited >= 9_000 && waited < 20_000, `waited ${waited} ms`);
  b.close();
});

test('a report whose privacy spend a rebase dropped is never sent; the next round sends from the merged state', { timeout: 60_000 }, async () => {
  const key = `tabs${keys++}`;
  const disk = newDisk();
  const plan = faultPlan();
  const { createDebugHearth } = await import('./helpers/debug.js');
  const sent = [];
  const fetch = async (_url, init) => {
    const ids = JSON.parse(init.body).reports.map((r) => r.id);
    sent.push(...ids);
    return new Response(JSON.stringify({ accepted: ids }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  let t = T0;
  const open = async () => {
    const h = await createDebugHearth(
      { storage: faultyStorage(disk, plan), key, now: () => t, autosave: 0, endpoint: 'http://collector.test/hearth', sync: { auto: false }, consent: { measurement: 'granted' }, fetch },
      { localStorage: () => faultyLocalStorage(disk, plan), BroadcastChannel: null },
    );
    h.catalog.load(CAT);
    return h;
  };
  const a = await open();
  const b = await open();
  for (let d = 0; d < 3; d++) {
    a.track({ type: 'view', item: 'sku-1', id: `a${d}` });
    b.track({ type: 'view', item: 'sku-2', id: `b${d}` });
    t += 86_400_000;
  }
  await b.save(); // storage moves on without A's knowing (no channel here)
  const r = await a.sync();
  assert.equal(r.status, 'retry', JSON.stringify(r));
  assert.match(r.reason, /another tab saved/);
  assert.deepEqual(sent, [], 'nothing left whose spend is not on disk');
  const again = await a.sync();
  assert.equal(again.status, 'ok', JSON.stringify(again));
  assert.ok(sent.length > 0);
  // What was sent is spent on disk: a fresh tab's ledger holds the spend.
  const fresh = await open();
  const budget = fresh.privacy.report().budget;
  assert.ok(budget.ledger.length > 0 && budget.spent > 0, JSON.stringify(budget));
  assert.deepEqual(budget, a.privacy.report().budget);
  assert.equal(fresh.profile().rfm.eventsTotal, 6, "both tabs' events are stored");
  for (const h of [a, b, fresh]) h.close();
});

test('preferences and pick feedback given in one tab survive a rebase onto another tab\'s save', { timeout: 30_000 }, async () => {
  const key = `tabs${keys++}`;
  const disk = newDisk();
  const plan = faultPlan();
  const noChannel = { BroadcastChannel: null };
  const a = await openTab(disk, plan, key, noChannel);
  const b = await openTab(disk, plan, key, noChannel);
  a.track(eventAt(1));
  a.preferences.like('trail');
  a.preferences.dislike('formal');
  a.preferences.set({ likes: ['trail', 'merino'] });
  a.feedback({ item: 'sku-2', slot: 'for_you', outcome: 'dismiss' });
  b.track(eventAt(2));
  await b.save();
  await a.save(); // rebases onto b's save and replays all of the above
  const fresh = await openTab(disk, plan, key, noChannel);
  assert.deepEqual(fresh.preferences.get(), { likes: ['trail', 'merino'], dislikes: ['formal'] });
  assert.equal(fresh.profile().rfm.eventsTotal, 2);
  assert.deepEqual(Buffer.from(fresh.exportState()), Buffer.from(a.exportState()));
  assert.ok(!fresh.recommend({ count: 4 }).some((p) => p.item === 'sku-2'), 'the dismissed item rests in the merged state');
  for (const h of [a, b, fresh]) h.close();
});
