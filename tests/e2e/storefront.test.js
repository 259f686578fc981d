// End-to-end: the whole storefront as a shopper walks it, in Debian's
// Chromium under the strict CSP, with the collector running (in memory) and
// the demo's real data (catalog, promotions, campaigns, loyalty rules):
//
//   first visit → consent prompt; with consent pending the shop works, the
//   cart survives a reload (sessionStorage), Hearth stores nothing and
//   nothing goes to the collector → "Allow all" → browse a department, view
//   products, add to cart, checkout (simulated payment): the points balance
//   and the order card's stamps rise in the widgets, the for-you picks change
//   and say why → a rainy evening near the store shows context deals and
//   campaign offers → rewards and the privacy center → the next day, a reload
//   keeps points, stamps, profile, consent and cart, and the first sync sends
//   aggregate reports → "Erase everything" in the privacy center: profile,
//   points, stamps and cart gone, and nothing of them left in IndexedDB,
//   localStorage or sessionStorage → the built-in simulator fills the
//   collector dashboard.
//
// Every wait is on a condition the page exposes (body data attributes, widget
// text, requests), never a fixed sleep. Screenshots: out/screenshots/
// storefront-*.png. Every request is logged: the egress audit checks what
// reached the collector, body by body.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { SHOTS, TEST_TIMEOUT, launchChromium, shutDown, startDemoServer, startupProbes, waitForShop, watch } from './harness.js';

const STORAGE_KEY = 'hearth-demo'; // demo/public/app.js
const CART_KEY = 'hearthside-cart'; // demo/public/shop.js
const DAY_MS = 86_400_000;

let server = null;
let browser = null;
let context;
let page;
let seen;

before(async () => {
  server = await startDemoServer({ collector: true });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  context.setDefaultTimeout(20_000);
  seen = await watch(context);
  // Start-up milestones as performance marks, so that a start that stalls
  // says where (wasm compile, the lock, IndexedDB open or read) in the failure message.
  await context.addInitScript(startupProbes);
  page = await context.newPage();
});

after(() => shutDown(browser, server));

const shot = (name, options = {}) => page.screenshot({ path: join(SHOTS, `storefront-${name}.png`), ...options });

/**
 * Everything the page can see in its storage: the IndexedDB snapshot's size
 * (null when there is none), and the keys of localStorage and sessionStorage.
 */
function storage() {
  return page.evaluate(
    ([key]) =>
      new Promise((resolve) => {
        const rest = { local: Object.keys(localStorage), session: Object.keys(sessionStorage) };
        const open = indexedDB.open('hearth');
        open.onerror = () => resolve({ idb: null, ...rest });
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('state')) return resolve((db.close(), { idb: null, ...rest }));
          const get = db.transaction('state').objectStore('state').get(key);
          get.onsuccess = () => resolve((db.close(), { idb: get.result ? get.result.byteLength : null, ...rest }));
          get.onerror = () => resolve((db.close(), { idb: null, ...rest }));
        };
      }),
    [STORAGE_KEY],
  );
}

/**
 * What a snapshot left in IndexedDB holds, read back by a second Hearth
 * restored from it in memory (the page's own package, same origin, so the
 * CSP allows it): interests, events, points, stamps. null when there is none.
 */
function storedContents() {
  return page.evaluate(async ([key]) => {
    const bytes = await new Promise((resolve, reject) => {
      const open = indexedDB.open('hearth');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('state')) return resolve((db.close(), null));
        const get = db.transaction('state').objectStore('state').get(key);
        get.onsuccess = () => resolve((db.close(), get.result ?? null));
        get.onerror = () => reject(get.error);
      };
    });
    if (!bytes) return null;
    const { createHearth } = await import('/hearth/index.js');
    const h = await createHearth({ storage: 'memory', snapshot: bytes, sync: { auto: false } });
    try {
      h.game.load(await (await fetch('/data/game-rules.json')).text());
      const p = h.profile();
      const g = h.game.state();
      return {
        interests: p.interests.length,
        events: Number(p.rfm?.eventsTotal ?? 0),
        points: Number(g.balances.points),
        stamps: (g.stampCards ?? []).reduce((s, c) => s + Number(c.stamps ?? 0), 0),
      };
    } finally {
      h.close();
    }
  }, [STORAGE_KEY]);
}

/** The points balance and the order card's stamps, as the widgets show them to the shopper. */
function rewardsShown() {
  return page.evaluate(() => {
    const text = (sel, inner) => document.querySelector(sel)?.shadowRoot?.querySelector(inner);
    const big = text('hearth-points', '.big');
    const stamps = text('hearth-stamp-card', '.stamps');
    const n = (s) => (s == null ? null : Number(String(s).replace(/[^\d]/g, '')));
    return {
      points: big ? n(big.textContent) : null,
      stamps: stamps ? n(/^([\d,]+) of/.exec(stamps.getAttribute('aria-label') ?? '')?.[1]) : null,
    };
  });
}

/** Until the widgets show `want(points, stamps)`; returns what they show. */
async function waitForRewards(want, what) {
  const shown = () => rewardsShown();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await shown();
    if (want(r)) return r;
    if (Date.now() > deadline) throw new Error(`the rewards widgets never showed ${what}: ${JSON.stringify(r)}`);
    await page.waitForFunction(() => new Promise((ok) => requestAnimationFrame(() => ok(true))));
  }
}

const collectorRequests = () => seen.requests.filter((r) => new URL(r.url).pathname.startsWith('/collector'));
const forYouItems = () => page.$$eval('#for-you-list > li[data-item]', (lis) => lis.map((li) => li.dataset.item));
const interestsShown = () => page.$$eval('#interests > li', (lis) => lis.map((li) => li.dataset.feature));

async function openProductOfGrid(index) {
  await page.locator('#grid a[data-item]').nth(index).click();
  await page.waitForSelector('#product[open]');
}

async function closeProduct() {
  await page.keyboard.press('Escape');
  // Closing goes back in history (/p/<id> → /): done when both settled.
  await page.waitForFunction(() => !document.querySelector('#product[open]') && location.pathname === '/');
}

async function shopReady() {
  const s = await waitForShop(page, { errors: () => seen.pageErrors.concat(seen.consoleErrors) });
  assert.equal(s.hearthStatus, 'ready', JSON.stringify(s));
  assert.equal(s.shop, 'ready', JSON.stringify(s));
}

test('a new visitor: consent, browse, earn, checkout, context deals, reload, privacy, erase, dashboard', { timeout: TEST_TIMEOUT * 2 }, async () => {
  await page.goto(server.url);
  await shopReady();

  // ---- First visit: the consent prompt; pending = unpersonalized, nothing stored, nothing sent.
  const allow = page.locator('hearth-consent button', { hasText: 'Allow all' });
  await allow.waitFor({ state: 'visible' });
  assert.equal(await page.getAttribute('body', 'data-consent'), 'pending');
  assert.match(await page.textContent('#status-text'), /nothing saved/);
  await shot('1-first-visit');
  await openProductOfGrid(0);
  await page.click('#add-to-cart');
  await closeProduct();
  await page.waitForFunction(() => document.body.dataset.cart === '1');
  // A reload runs Hearth's pagehide flush, which writes whenever writing is
  // allowed: after it, storage proves that nothing was written.
  await page.reload();
  await shopReady();
  assert.equal(await page.getAttribute('body', 'data-cart'), '1', 'the cart survives a reload (sessionStorage), consent or not');
  let s = await storage();
  assert.equal(s.idb, null, 'nothing in IndexedDB while consent is pending');
  assert.deepEqual(s.local, [], 'nothing in localStorage while consent is pending');
  assert.deepEqual(s.session, [CART_KEY], 'only the cart, in sessionStorage');
  assert.deepEqual(collectorRequests(), [], 'no request to the collector before consent');
  assert.match(await page.textContent('#profile-empty-text'), /nothing is kept/);

  // ---- Consent granted: rewards start from zero.
  await allow.click();
  await page.waitForFunction(() => document.body.dataset.consent === 'granted');
  await page.locator('hearth-consent').waitFor({ state: 'hidden', timeout: 10_000 });
  const start = await waitForRewards((r) => r.points === 0 && r.stamps === 0, '0 points and 0 stamps');
  // The rows render only while on screen (each recommend() counts as shown).
  await page.locator('#for-you').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('#for-you-list > li[data-item]').length === 8);
  const picksBefore = await forYouItems();

  // ---- Browse a department and view products: a point per product viewed.
  await page.locator('#departments .chip', { hasText: 'Outdoor' }).click();
  await page.waitForFunction(() => document.querySelector('#results-title')?.textContent === 'Outdoor');
  for (let i = 0; i < 4; i++) {
    await openProductOfGrid(i);
    if (i === 0) await shot('2-product');
    if (i < 2) await page.click('#add-to-cart');
    await closeProduct();
  }
  await page.waitForFunction(() => document.body.dataset.cart === '3');
  const browsed = await waitForRewards((r) => r.points > start.points, 'points for browsing');
  assert.equal(browsed.stamps, 0, 'no stamp before an order');

  // ---- The picks follow the browsing, each with its reason.
  await page.locator('#for-you').scrollIntoViewIfNeeded();
  await page.waitForFunction(
    ([before]) => {
      const lis = [...document.querySelectorAll('#for-you-list > li[data-item]')];
      return lis.map((li) => li.dataset.item).join() !== before.join() && lis.some((li) => li.dataset.department === 'Outdoor');
    },
    [picksBefore],
  );
  assert.match(await page.textContent('#interests'), /Outdoor/, 'the profile learned Outdoor');
  await page.locator('#for-you-list > li button[data-role="why"]').first().click();
  const reason = await page.locator('#for-you-list .why__reason').first().textContent();
  assert.ok(reason && reason.length > 5, `a reason: ${reason}`);
  await shot('3-picks-changed');

  // ---- Cart and simulated checkout: points for the order and a stamp on the order card.
  await page.click('#cart-button');
  await page.waitForSelector('#cart[open]');
  assert.equal(await page.locator('#cart-lines > li').count(), 3);
  await page.click('#checkout-button');
  await shot('4-checkout');
  await page.click('#pay-button');
  await page.waitForFunction(() => document.body.dataset.orders === '1' && document.body.dataset.cart === '0');
  const ordered = await waitForRewards((r) => r.stamps === 1 && r.points > browsed.points, 'a stamp and points for the order');

  // ---- Context: a rainy evening near the store.
  await page.locator('#moment').scrollIntoViewIfNeeded();
  const dealsText = () => page.$eval('#deals-slot', (el) => el.shadowRoot?.textContent ?? '');
  const dry = await dealsText();
  await page.selectOption('#ctx-hour', '19');
  await page.selectOption('#ctx-weather', 'rain');
  await page.check('#ctx-near');
  await page.waitForFunction(() => Number(document.body.dataset.offers) >= 1);
  const offers = await page.$$eval('#offers > li', (lis) => lis.map((li) => li.dataset.campaign));
  assert.ok(offers.length >= 1, `campaign offers for the moment: ${offers}`);
  await page.waitForFunction(() => /Rain day deal/.test(document.querySelector('#deals-slot')?.shadowRoot?.textContent ?? ''));
  assert.notEqual(await dealsText(), dry, 'the deals slot changed with the context');
  await shot('5-context-deals');

  // ---- Rewards and the privacy center.
  await page.click('.site-nav a[href="#rewards"]');
  assert.equal(await page.getAttribute('body', 'data-rewards'), 'on');
  assert.equal(await page.locator('.rewards__grid > *').count(), 7);
  assert.equal(await page.locator('#rewards-grid').isVisible(), true);
  // The badge shelf names its set as the rules do ("Starter set"), not by id.
  assert.match(await page.locator('hearth-badges').evaluate((el) => el.shadowRoot?.textContent ?? ''), /Starter set.*1 \/ 2/);
  await shot('6-rewards');
  await page.click('.site-nav a[href="#privacy"]');
  const center = page.locator('hearth-privacy-center');
  await center.waitFor();
  assert.match(await center.evaluate((el) => el.shadowRoot?.textContent ?? ''), /next sync|budget/i);
  await shot('7-privacy-center');

  // ---- The next day, a reload: points, stamps, profile, consent and cart are kept.
  await openProductOfGrid(5);
  await page.click('#add-to-cart');
  await closeProduct();
  await page.waitForFunction(() => document.body.dataset.cart === '1');
  const kept = { rewards: await rewardsShown(), interests: await interestsShown() };
  assert.equal(kept.rewards.stamps, ordered.stamps);
  assert.ok(kept.interests.length > 0);
  const requestsBeforeReload = collectorRequests().length;
  // Reports cover completed days: move the page's clock a day on, so the
  // first sync after the reload (3 s after start) reports today.
  await page.clock.setSystemTime(Date.now() + DAY_MS);
  const firstReports = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/collector/reports', { timeout: 30_000 });
  await page.reload();
  await shopReady();
  assert.equal(await page.getAttribute('body', 'data-consent'), 'granted');
  assert.equal(await allow.isVisible(), false, 'no prompt for a returning visitor');
  assert.equal(await page.getAttribute('body', 'data-cart'), '1', 'the cart is kept');
  const after = await waitForRewards((r) => r.points !== null && r.stamps !== null, 'the restored rewards');
  assert.deepEqual(after, kept.rewards, 'points and stamps are kept');
  assert.deepEqual(await interestsShown(), kept.interests, 'the profile is kept');
  s = await storage();
  assert.ok(s.idb > 0, 'the state is in IndexedDB');

  // ---- The first sync after consent: aggregate reports only.
  await firstReports;
  assert.equal(requestsBeforeReload, 0, 'nothing went to the collector before the sync');

  // ---- Erase everything, from the privacy center.
  await page.click('.site-nav a[href="#privacy"]');
  await center.locator('button', { hasText: 'Erase everything' }).click();
  await center.locator('button', { hasText: 'Yes, erase everything' }).click();
  await center.getByText('was erased from this browser').first().waitFor();
  await waitForRewards((r) => r.points === 0 && r.stamps === 0, '0 points and 0 stamps after the erase');
  await page.waitForFunction(() => document.body.dataset.cart === '0');
  await page.waitForFunction(() => !document.querySelector('#profile-empty')?.hidden && document.querySelectorAll('#interests > li').length === 0);
  s = await storage();
  assert.deepEqual(s.local, [], 'localStorage is empty after the erase');
  assert.deepEqual(s.session, [], 'sessionStorage is empty after the erase (the cart went too)');
  // Right after the erase IndexedDB holds nothing; once the shopper does
  // anything, the (consented) fresh state may be saved again: either way no
  // trace of the old profile, points or stamps.
  const left = await storedContents();
  if (left !== null) assert.deepEqual(left, { interests: 0, events: 0, points: 0, stamps: 0 }, 'what IndexedDB holds after the erase');
  assert.match(await center.evaluate((el) => el.shadowRoot?.textContent ?? ''), /was erased/);
  await shot('8-erased');

  // ---- The simulator fills the collector; the dashboard is linked.
  await page.fill('#sim-n', '40');
  await page.click('#sim-run');
  await page.waitForFunction(() => /shoppers, \d+ events/.test(document.querySelector('#sim-result')?.textContent ?? ''), null, { timeout: 60_000 });
  const result = await page.textContent('#sim-result');
  const accepted = Number(/(\d+) private reports accepted/.exec(result)?.[1]);
  assert.ok(accepted >= 40, result);
  await page.locator('#backstage').scrollIntoViewIfNeeded();
  await shot('9-backstage');

  // ---- Egress audit, before the dashboard page adds its own requests: what
  // the shop's pages sent to the collector is aggregate reports, nothing else.
  const egress = collectorRequests();
  const posts = egress.filter((r) => r.method === 'POST');
  assert.ok(posts.length >= 1, 'the sync posted reports');
  for (const r of egress) {
    const url = new URL(r.url);
    if (r.method !== 'POST') {
      // Downloads only (population priors), carrying nothing of the device.
      assert.equal(r.method, 'GET', `${r.method} ${url.pathname}`);
      assert.equal(url.search, '', `a GET with a query: ${r.url}`);
      continue;
    }
    assert.equal(url.pathname, '/collector/reports', `POST ${url.pathname}`);
    const body = JSON.parse(r.body ?? 'null');
    assert.deepEqual(Object.keys(body), ['reports'], `body keys: ${Object.keys(body)}`);
    assert.ok(Array.isArray(body.reports) && body.reports.length >= 1 && body.reports.length <= 50);
    for (const report of body.reports) {
      assert.deepEqual(Object.keys(report), ['v', 'id', 'period', 'type', 'epsilon', 'sdk', 'data'], JSON.stringify(report));
      assert.equal(report.v, 1);
      assert.match(report.id, /^[0-9a-f]{32}$/);
      assert.match(report.period, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(['interests', 'campaign', 'bandit', 'engagement'].includes(report.type), report.type);
      assert.ok(report.epsilon > 0 && report.epsilon <= 1, `epsilon ${report.epsilon}`);
      const data = report.data;
      if (report.type === 'interests') {
        assert.ok(['krr', 'oue'].includes(data.mech));
        assert.ok(Array.isArray(data.keys) && data.keys.every((k) => /^[a-z0-9 &-]+$/.test(k)), `public taxonomy keys: ${data.keys}`);
        if (data.mech === 'krr') assert.ok(Number.isInteger(data.value) && data.value >= 0 && data.value <= data.keys.length);
        else assert.match(data.bits, new RegExp(`^[01]{${data.keys.length}}$`));
      } else if (report.type === 'campaign') {
        for (const c of data.campaigns) {
          assert.deepEqual(Object.keys(c), ['id', 'arm', 'value']);
          assert.ok(['treatment', 'holdout'].includes(c.arm) && [0, 1, 2].includes(c.value));
        }
      } else if (report.type === 'bandit') {
        assert.deepEqual(Object.keys(data), ['shows', 'clicks']);
        assert.ok(data.shows.length === 6 && data.clicks.length === 6 && [...data.shows, ...data.clicks].every(Number.isInteger));
      } else {
        assert.deepEqual(Object.keys(data), ['counts']);
        assert.ok(data.counts.length === 7 && data.counts.every(Number.isInteger));
      }
    }
    // Noised aggregates only: no item id, query, title or identifier.
    assert.doesNotMatch(r.body, /sku-|item|query|title|user|device|email/i, 'no item, query or identifier leaves the device');
  }

  await page.goto(new URL('/collector/', server.url).href);
  await page.waitForLoadState('networkidle');
  await shot('10-dashboard', { fullPage: true });

  assert.deepEqual(seen.cspViolations, [], 'CSP violations');
  assert.deepEqual(seen.pageErrors, [], 'page errors');
  assert.deepEqual(seen.consoleErrors, [], 'console errors');
});
