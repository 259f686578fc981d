// End-to-end durability in Debian's Chromium (real IndexedDB, Web Locks,
// BroadcastChannel, pagehide): the demo server serves the package; each tab
// is a blank page of its origin that imports /hearth/index.js.
//
//  - Two and four tabs of one origin track 10,000 events (each with an id)
//    concurrently; in the four-tab run one tab closes mid-stream and another
//    opens mid-stream. None is lost, and after the tabs settle every tab
//    holds the same state (same snapshot bytes, event count, frequencies,
//    affinities); a tab opened afterwards sees all 10,000.
//  - A tab reloaded (and then closed) with unsaved events: its unloading
//    page takes no Web Lock and opens no IndexedDB write after pagehide (so
//    the reload's restore never waits behind it); the live tab folds the
//    announced tail in, the reloaded page starts with every event once.
//  - A full store (an adapter throwing QuotaExceededError), an IndexedDB
//    database deleted under Hearth (versionchange → the connection closes,
//    reopened on next use), and private mode (indexedDB.open and
//    localStorage throwing): Hearth keeps working in memory, says so in its
//    status, and never throws at the page.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { TEST_TIMEOUT, launchChromium, shutDown, startDemoServer, watch } from './harness.js';

const TOTAL = 10_000;
const BLANK = '/__durability.html';

let server = null;
let browser = null;
let seen;
/** @type {string[]} */
let ids = [];

before(async () => {
  server = await startDemoServer();
  const res = await fetch(new URL('/catalog.json', server.url));
  ids = (await res.json()).map((it) => it.id);
  browser = await launchChromium();
});

after(() => shutDown(browser, server));

async function newContext() {
  const context = await browser.newContext();
  context.setDefaultTimeout(30_000);
  seen = await watch(context);
  await context.route(`**${BLANK}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>tab</title>' }),
  );
  return context;
}

/**
 * A tab with Hearth on IndexedDB under `key`, the demo catalog loaded.
 * `page`: start Hearth in this (already loaded) page instead of a new one.
 */
async function openTab(context, key, seed, { autosave = 150, page = null } = {}) {
  if (!page) {
    page = await context.newPage();
    await page.goto(new URL(BLANK, server.url).href);
  }
  const status = await page.evaluate(
    async ({ key, seed, autosave }) => {
      const { createHearth } = await import('/hearth/index.js');
      // The clock can be frozen to compare decayed affinities across tabs.
      const h = await createHearth({ storage: 'indexeddb', key, seed, autosave, now: () => globalThis.__frozen ?? Date.now() });
      h.catalog.load(await (await fetch('/catalog.json')).text());
      globalThis.__h = h;
      globalThis.__errors = [];
      h.on('error', (e) => globalThis.__errors.push(`${e.code}: ${e.message}`));
      return h.status;
    },
    { key, seed, autosave },
  );
  assert.equal(status, 'ready');
  return page;
}

/** Tracks events [from, from + n) in the tab, in batches, yielding between them. */
function track(page, from, n) {
  return page.evaluate(
    async ({ from, n, ids }) => {
      const h = globalThis.__h;
      let recorded = 0;
      for (let i = from; i < from + n; ) {
        const size = Math.min(from + n - i, 1 + ((i * 7) % 60));
        const batch = [];
        for (let j = i; j < i + size; j++) {
          batch.push({ type: j % 9 === 0 ? 'click' : 'view', item: ids[(j * 13) % ids.length], id: `ev-${j}`, ts: Date.now() - (10_000 - j) * 50 });
        }
        if (size === 1) recorded += h.track(batch[0]) === 'recorded' ? 1 : 0;
        else recorded += h.trackMany(batch).recorded;
        i += size;
        await new Promise((r) => setTimeout(r, (i % 5) * 3));
      }
      return recorded;
    },
    { from, n, ids },
  );
}

/** What a tab holds: a digest of its snapshot, its event count and its interests as of `at`. */
function stateOf(page, at) {
  return page.evaluate(async (at) => {
    const h = globalThis.__h;
    await h.save();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', h.exportState()));
    globalThis.__frozen = at;
    const p = h.profile();
    globalThis.__frozen = undefined;
    return {
      digest: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
      events: p.rfm.eventsTotal,
      interests: p.interests.map((i) => `${i.key ?? i.feature ?? i.label}:${(i.weight ?? i.score ?? 0).toFixed(9)}`),
      errors: globalThis.__errors,
      status: h.status,
    };
  }, at);
}

/** Until every tab holds the same state (each save rebases onto the others' and tells them). */
async function converge(pages) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const at = Date.now();
    const states = await Promise.all(pages.map((p) => stateOf(p, at)));
    if (states.every((s) => s.digest === states[0].digest)) return states;
    if (Date.now() > deadline) assert.fail(`tabs did not converge: ${JSON.stringify(states.map((s) => [s.events, s.digest.slice(0, 8)]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const tabs of [2, 4]) {
  test(`${tabs} tabs track ${TOTAL} events concurrently: none lost, every tab converges, a new tab sees them all`, { timeout: TEST_TIMEOUT * 2 }, async () => {
    const context = await newContext();
    const key = `tabs-${tabs}`;
    let pages = [];
    for (let i = 0; i < tabs; i++) pages.push(await openTab(context, key, 100 + i));
    const chunk = 250;
    let next = 0;
    let round = 0;
    const tracked = [];
    while (next < TOTAL) {
      round++;
      // Every tab tracks its own chunk at the same time.
      const work = [];
      for (const page of pages) {
        if (next >= TOTAL) break;
        const n = Math.min(chunk, TOTAL - next);
        work.push(track(page, next, n));
        next += n;
      }
      tracked.push(...(await Promise.all(work)));
      if (tabs === 4 && round === 3) {
        // One tab closes mid-stream (pagehide: its tail, which the others fold in)…
        const gone = pages.shift();
        await gone.close({ runBeforeUnload: true });
      }
      if (tabs === 4 && round === 5) pages.push(await openTab(context, key, 200)); // …and one opens
    }
    assert.equal(tracked.reduce((a, b) => a + b, 0), TOTAL, 'each event recorded once, in the tab that tracked it');
    const states = await converge(pages);
    for (const s of states) {
      assert.equal(s.events, TOTAL, 'every tab has every event');
      assert.deepEqual(s.interests, states[0].interests, 'same affinities in every tab');
      assert.equal(s.status, 'ready');
      assert.deepEqual(s.errors, []);
    }
    const late = await openTab(context, key, 300);
    const lateState = await stateOf(late, Date.now());
    assert.equal(lateState.events, TOTAL, 'a tab opened afterwards sees all of them');
    const again = await converge([...pages, late]);
    assert.equal(again[0].digest, states[0].digest, 'opening a tab changes nothing');
    assert.deepEqual(seen.pageErrors, []);
    await context.close();
  });
}

test('a reload does not wait for the unloading page: it takes no lock and writes no IndexedDB after pagehide; the live tab folds its tail', { timeout: TEST_TIMEOUT }, async () => {
  const context = await newContext();
  // Every page logs, from its pagehide on (this listener runs before
  // Hearth's), each Web Lock request and each IndexedDB readwrite
  // transaction, to localStorage (which outlives the page).
  await context.addInitScript(() => {
    let hidden = false;
    const LOG = 'e2e:after-pagehide';
    addEventListener('pagehide', () => {
      hidden = true;
      localStorage.setItem(LOG, '[]');
    });
    const log = (/** @type {string} */ what) => {
      if (!hidden) return;
      localStorage.setItem(LOG, JSON.stringify([...JSON.parse(localStorage.getItem(LOG) ?? '[]'), what]));
    };
    if (!isSecureContext) return; // the about:blank a new page starts on has no Web Locks
    const request = LockManager.prototype.request;
    LockManager.prototype.request = function (name, ...rest) {
      log(`lock ${name}`);
      return request.call(this, name, ...rest);
    };
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
      if (mode === 'readwrite') log(`readwrite ${stores}`);
      return transaction.call(this, stores, mode, ...rest);
    };
  });
  const key = 'reload';
  // Autosave off: the events are unsaved when the page goes away.
  const live = await openTab(context, key, 1, { autosave: 0 });
  let page = await openTab(context, key, 2, { autosave: 0 });
  assert.equal(await track(page, 0, 40), 40);
  const events = (p) => p.evaluate(() => globalThis.__h.profile().rfm.eventsTotal);
  const afterPagehide = (p) => p.evaluate(() => JSON.parse(localStorage.getItem('e2e:after-pagehide') ?? 'null'));
  const tails = (p) => p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('reload:tail:')));

  await page.reload();
  assert.deepEqual(await afterPagehide(page), [], 'the unloading page asked for no lock and wrote no IndexedDB');
  // Before the reloaded page starts Hearth, only the live tab can fold the tail in.
  await live.waitForFunction(() => globalThis.__h.profile().rfm.eventsTotal === 40);
  await openTab(context, key, 2, { autosave: 0, page });
  assert.equal(await events(page), 40, 'the reloaded page starts with every event once');
  await converge([live, page]);

  // The same on close, with no reload to fold anything: the live tab does.
  assert.equal(await track(page, 40, 25), 25);
  await page.close({ runBeforeUnload: true });
  await live.waitForFunction(() => globalThis.__h.profile().rfm.eventsTotal === 65);
  assert.deepEqual(await afterPagehide(live), [], 'the closed page asked for no lock either');
  page = await openTab(context, key, 3, { autosave: 0 });
  assert.equal(await events(page), 65);
  const [a, b] = await converge([live, page]);
  assert.equal(a.events, 65);
  assert.deepEqual([a.errors, b.errors], [[], []]);
  assert.deepEqual(await tails(live), [], 'every tail folded and removed');
  assert.deepEqual(seen.pageErrors, []);
  await context.close();
});

test('a full store, a deleted database, and private mode: memory-only with a status, never a throw', { timeout: TEST_TIMEOUT }, async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(new URL(BLANK, server.url).href);

  const quota = await page.evaluate(async () => {
    const { createHearth } = await import('/hearth/index.js');
    const { createMemoryStorage } = await import('/hearth/storage/index.js');
    const inner = createMemoryStorage();
    let full = false;
    const storage = {
      get: (k) => inner.get(k),
      delete: (k) => inner.delete(k),
      async set(k, b) {
        if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return inner.set(k, b);
      },
    };
    const h = await createHearth({ storage, autosave: 50 });
    h.catalog.load(await (await fetch('/catalog.json')).text());
    const statuses = [];
    h.on('status', (s) => statuses.push(`${s.status}/${s.code}`));
    const id = JSON.parse(await (await fetch('/catalog.json')).text())[0].id;
    full = true;
    h.track({ type: 'view', item: id });
    await new Promise((r) => setTimeout(r, 400)); // the autosave fails
    const during = { status: h.status, code: h.statusCode };
    h.track({ type: 'click', item: id });
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    const savedWhileFull = await h.save();
    full = false;
    const savedAfter = await h.save();
    const result = { during, savedWhileFull, savedAfter, status: h.status, statuses, events: h.profile().rfm.eventsTotal };
    h.close();
    return result;
  });
  assert.deepEqual(quota.during, { status: 'memory-only', code: 'RESOURCE_EXHAUSTED' });
  assert.equal(quota.savedWhileFull, false);
  assert.equal(quota.savedAfter, true);
  assert.equal(quota.status, 'ready');
  assert.deepEqual(quota.statuses, ['memory-only/RESOURCE_EXHAUSTED', 'ready/null']);
  assert.equal(quota.events, 2);

  const deleted = await page.evaluate(async () => {
    const { createHearth } = await import('/hearth/index.js');
    const h = await createHearth({ storage: 'indexeddb', key: 'dropped', autosave: 0 });
    const items = JSON.parse(await (await fetch('/catalog.json')).text());
    h.catalog.load(items);
    h.track({ type: 'view', item: items[0].id, id: 'd-1' });
    const first = await h.save();
    // "Clear site data" / another tab deleting the database: our connection
    // gets versionchange, steps aside (closes), and the delete goes through.
    const outcome = await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase('hearth');
      req.onsuccess = () => resolve('deleted');
      req.onerror = () => resolve(`error ${req.error}`);
      req.onblocked = () => resolve('blocked');
    });
    h.track({ type: 'view', item: items[1].id, id: 'd-2' });
    const second = await h.save(); // on a new connection (the database is recreated)
    const status = h.status;
    h.close();
    const back = await createHearth({ storage: 'indexeddb', key: 'dropped', autosave: 0 });
    back.catalog.load(items);
    const events = back.profile().rfm.eventsTotal;
    back.close();
    return { first, outcome, second, status, events };
  });
  assert.deepEqual(deleted, { first: true, outcome: 'deleted', second: true, status: 'ready', events: 2 });

  // Private mode: IndexedDB and localStorage refuse everything.
  const priv = await context.newPage();
  await priv.addInitScript(() => {
    const deny = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    IDBFactory.prototype.open = deny;
    Storage.prototype.getItem = deny;
    Storage.prototype.setItem = deny;
    Storage.prototype.removeItem = deny;
  });
  await priv.goto(new URL(BLANK, server.url).href);
  const p = await priv.evaluate(async () => {
    const { createHearth } = await import('/hearth/index.js');
    const h = await createHearth({ autosave: 20 }); // the browser default: IndexedDB
    const errors = [];
    h.on('error', (e) => errors.push(e.code));
    const items = JSON.parse(await (await fetch('/catalog.json')).text());
    h.catalog.load(items);
    for (let i = 0; i < 50; i++) h.track({ type: 'view', item: items[i % items.length].id });
    await new Promise((r) => setTimeout(r, 200));
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    const saved = await h.save();
    return { status: h.status, code: h.statusCode, reason: h.statusReason, saved, events: h.profile().rfm.eventsTotal, picks: h.recommend({ count: 4 }).length, errors };
  });
  assert.equal(p.status, 'memory-only');
  assert.equal(p.code, 'UNAVAILABLE');
  assert.match(p.reason, /SecurityError/);
  assert.equal(p.saved, false);
  assert.equal(p.events, 50);
  assert.equal(p.picks, 4);
  await priv.close({ runBeforeUnload: true });
  assert.deepEqual(seen.pageErrors, [], 'nothing thrown at the page');
  await context.close();
});
