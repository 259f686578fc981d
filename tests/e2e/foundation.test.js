// End-to-end: the demo storefront in headless Chromium, against the real
// wasm build, under the page's strict CSP.
//
//   node --test tests/e2e/
//
// Starts demo/server.mjs on a free port (PORT=0) as a child process, drives
// Debian's /usr/bin/chromium through playwright-core (never a downloaded
// browser), and checks what a shopper would see: Hearth ready, an empty
// profile, interests learned from two product views, persistence across a
// reload (IndexedDB), erase, plus zero CSP violations, zero console errors
// and no request leaving the page's own origin. Screenshots go to
// out/screenshots/ for a human to look at.
//
// Environment: CHROMIUM_PATH overrides /usr/bin/chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SHOTS, STEP_TIMEOUT, TEST_TIMEOUT, launchChromium, shutDown, startDemoServer, waitForHearth, watch } from './harness.js';

/** @type {Awaited<ReturnType<typeof startDemoServer>> | null} */
let server = null;
/** @type {URL} */
let origin;
/** @type {import('playwright-core').Browser | null} */
let browser = null;
/** @type {import('playwright-core').BrowserContext} */
let context;
/** @type {import('playwright-core').Page} */
let page;
/** @type {Array<any>} the demo catalog, as the server serves it */
let catalog = [];
/** @type {Awaited<ReturnType<typeof watch>>} */
let seen;

/** Set once the first test saw Hearth ready; later tests fail fast without it. */
let started = false;
const requireStarted = () => assert.ok(started, 'Hearth never became ready (see the first test): nothing to check');

before(async () => {
  server = await startDemoServer();
  origin = new URL(server.url);
  const res = await fetch(new URL('/catalog.json', origin), { signal: AbortSignal.timeout(STEP_TIMEOUT) });
  assert.equal(res.status, 200, 'GET /catalog.json');
  catalog = await res.json();

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(STEP_TIMEOUT);
  seen = await watch(context);
  page = await context.newPage();
});

after(() => shutDown(browser, server));

// ---- Helpers ------------------------------------------------------------------

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Loads (or reloads) the page and waits until Hearth has started or failed. */
async function open(reload = false) {
  if (reload) await page.reload({ waitUntil: 'load' });
  else await page.goto(origin.href, { waitUntil: 'load' });
  await waitForHearth(page);
}

const revision = async () => Number(await page.getAttribute('body', 'data-hearth-revision'));

/** The interests shown in the panel, strongest first. */
function interests() {
  return page.$$eval('#interests .interest', (rows) =>
    rows.map((r) => ({
      feature: r.getAttribute('data-feature'),
      label: r.querySelector('.interest__label')?.textContent,
      weight: Number(r.querySelector('.interest__weight')?.textContent),
    })),
  );
}

async function rfm() {
  const pairs = await page.$$eval('#rfm .rfm__item', (items) =>
    items.map((i) => [i.querySelector('dt')?.textContent, i.querySelector('dd')?.textContent]),
  );
  return Object.fromEntries(pairs);
}

/** Opens a product from the grid the way a shopper does, then closes it. */
async function viewProduct(id, { screenshot } = {}) {
  const before = await revision();
  await page.click(`#grid a[data-item="${id}"]`);
  await page.waitForSelector('#product[open]');
  assert.equal(await page.textContent('#product-title'), catalog.find((it) => it.id === id).title);
  assert.equal(new URL(page.url()).pathname, `/p/${id}`);
  await page.waitForFunction((n) => Number(document.body.dataset.hearthRevision) >= n + 2, before); // click + view
  if (screenshot) await shot(screenshot);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#product', { state: 'hidden' });
  await page.waitForFunction(() => location.pathname === '/');
}

const priceBand = (p) => (p >= 1 ? Math.floor(Math.log2(p)) + 1 : 0);

/**
 * Two in-stock items of one sub-category that share nothing else (brand,
 * tags, price band), so the category is the only interest they build twice.
 */
function twoOfOneCategory() {
  const byCategory = new Map();
  for (const it of catalog) {
    if (!byCategory.has(it.category)) byCategory.set(it.category, []);
    byCategory.get(it.category).push(it);
  }
  for (const [category, items] of byCategory) {
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const [a, b] = [items[i], items[j]];
        if (a.brand === b.brand || priceBand(a.price) === priceBand(b.price)) continue;
        if (a.tags.some((t) => b.tags.includes(t))) continue;
        return { category, a, b };
      }
    }
  }
  throw new Error('the demo catalog has no two unrelated items in one category');
}

const toKey = (s) => s.toLowerCase().replace(/\s+/g, ' ').trim();

// ---- Tests -------------------------------------------------------------------

test('the store starts with Hearth ready, the catalog shown and an empty profile', { timeout: TEST_TIMEOUT }, async () => {
  await open();
  assert.equal(await page.locator('#grid .card').count(), catalog.length, 'every catalog item has a card');
  assert.ok(await page.isVisible('#profile-empty'), 'the empty-profile message is shown');
  for (const section of ['#summary-section', '#interests-section', '#segment-section', '#rfm-section']) {
    assert.ok(await page.isHidden(section), `${section} is hidden while Hearth knows nothing`);
  }
  assert.deepEqual(await interests(), []);
  assert.equal(await page.textContent('#segment'), 'Not enough to tell yet');
  const numbers = await rfm();
  assert.equal(numbers.Events, '0');
  assert.equal(numbers['Last active'], 'Never');
  assert.match(await page.textContent('#status-text'), /saved on this device/);
  await shot('01-empty-profile');
  started = true;
});

test('opening two products of one category makes that category the top interest', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const { category, a, b } = twoOfOneCategory();
  const [dept, sub] = category.split(' > ');
  await viewProduct(a.id, { screenshot: '02-product-dialog' });
  await viewProduct(b.id);

  const shown = await interests();
  assert.ok(shown.length >= 2, `interests shown: ${JSON.stringify(shown)}`);
  const top2 = shown.slice(0, 2).map((i) => i.feature).sort();
  assert.deepEqual(top2, [`cat:${toKey(dept)}`, `cat:${toKey(dept)}/${toKey(sub)}`].sort(), JSON.stringify(shown));
  assert.ok(shown[0].weight > shown[2]?.weight || shown.length === 2, 'the category outweighs single-item features');
  const labels = shown.slice(0, 2).map((i) => i.label);
  assert.ok(labels.includes(dept) && labels.includes(`${dept} › ${sub}`), `labels: ${labels}`);
  assert.ok(await page.isHidden('#profile-empty'));
  const numbers = await rfm();
  assert.equal(numbers.Events, '4', 'two clicks and two views');
  assert.equal(numbers['Last active'], 'Today');
  await shot('03-profile-learned');
});

test('the profile survives a reload (IndexedDB)', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const before = await interests();
  await open(true);
  await page.waitForSelector('#interests .interest');
  const after = await interests();
  // Equal weights are ordered by an internal id that a reload may renumber,
  // so compare the strongest group as a set and every weight by feature.
  const strongest = (list) => list.filter((i) => i.weight === list[0].weight).map((i) => i.feature).sort();
  assert.deepEqual(strongest(after), strongest(before), 'same top interest after reload');
  assert.ok(strongest(after).every((f) => f.startsWith('cat:')));
  const weights = (list) => Object.fromEntries(list.map((i) => [i.feature, i.weight]));
  const wa = weights(after);
  for (const [feature, w] of Object.entries(weights(before))) {
    if (feature in wa) assert.ok(Math.abs(wa[feature] - w) < 0.01, `${feature}: ${w} before, ${wa[feature]} after`);
  }
  assert.equal(after.length, before.length);
  assert.equal((await rfm()).Events, '4');
  await shot('04-after-reload');
});

test('search filters the grid and is learned; a product opens from the keyboard', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const events = Number((await rfm()).Events);
  const rev = await revision();
  await page.fill('#search-input', 'trail');
  await page.press('#search-input', 'Enter');
  await page.waitForFunction((n) => Number(document.body.dataset.hearthRevision) > n, rev);
  assert.equal(await page.textContent('#results-title'), 'Results for “trail”');
  const expected = catalog.filter((it) =>
    [it.title, it.brand, it.category.replace(' > ', ' › '), ...it.tags].join(' ').toLowerCase().includes('trail'),
  ).length;
  assert.ok(expected > 0);
  assert.equal(await page.locator('#grid .card').count(), expected);
  assert.equal(Number((await rfm()).Events), events + 1);
  await shot('05-search');

  // Keyboard: focus the first result's link and press Enter.
  await page.focus('#grid a[data-item]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#product[open]');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('dialog')?.id), 'product', 'focus moved into the dialog');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#product', { state: 'hidden' });
  await page.waitForFunction(() => location.pathname === '/');

  await page.fill('#search-input', '');
  await page.locator('#grid .card').nth(catalog.length - 1).waitFor();
});

test('add to cart and buy are recorded', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const item = catalog.find((it) => it.stock !== 0);
  await page.click(`#grid a[data-item="${item.id}"]`);
  await page.waitForSelector('#product[open]');
  await page.click('#add-to-cart');
  assert.equal(await page.textContent('#cart-count'), '1');
  const rev = await revision();
  await page.click('#buy-now');
  await page.waitForSelector('#product', { state: 'hidden' });
  await page.waitForFunction((n) => Number(document.body.dataset.hearthRevision) > n, rev);
  const numbers = await rfm();
  assert.equal(numbers['Purchases (all)'], '1');
  assert.equal(numbers['Last purchase'], 'Today');
  assert.equal(numbers.Spent, `$${item.price.toFixed(2)}`);
  assert.notEqual(await page.textContent('#segment'), 'Not enough to tell yet');
  await page.waitForFunction(() => location.pathname === '/');
  await shot('06-after-purchase');
});

test('"Forget" removes an interest', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const before = await interests();
  const victim = before[0];
  await page.click(`#interests .interest[data-feature="${victim.feature}"] .interest__forget`);
  await page.waitForFunction((f) => !document.querySelector(`#interests .interest[data-feature="${f}"]`), victim.feature);
  const after = await interests();
  assert.ok(!after.some((i) => i.feature === victim.feature));
  assert.equal(after.length >= before.length - 1, true);
});

test('"Export my data" downloads the profile as JSON', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  assert.match(download.suggestedFilename(), /^hearth-profile-\d{4}-\d{2}-\d{2}\.json$/);
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  const data = JSON.parse(text);
  assert.equal(typeof data, 'object');
  assert.ok(text.includes('cat:'), 'the export names the learned category features');
});

test('"Erase everything" empties the profile, also after a reload', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  await page.click('#erase-button');
  await page.waitForSelector('#erase-confirm', { state: 'visible' });
  await shot('07-erase-confirm');
  await page.click('#erase-yes');
  await page.waitForSelector('#profile-empty', { state: 'visible' });
  assert.deepEqual(await interests(), []);
  assert.equal((await rfm()).Events, '0');

  await open(true);
  assert.ok(await page.isVisible('#profile-empty'), 'still empty after reload');
  assert.deepEqual(await interests(), []);
  assert.equal((await rfm()).Events, '0');
  await shot('08-erased-after-reload');
});

test('a phone-sized screen shows the profile first and a two-column grid', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const phone = await context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(origin.href, { waitUntil: 'load' });
    await phone.waitForFunction(() => document.body.dataset.hearthStatus === 'ready', null, { timeout: 30_000 });
    const knows = await phone.locator('#knows').boundingBox();
    const grid = await phone.locator('#grid').boundingBox();
    assert.ok(knows && grid && knows.y < grid.y, 'profile panel above the grid');
    const columns = await phone.$eval('#grid', (g) => getComputedStyle(g).gridTemplateColumns.split(' ').length);
    assert.equal(columns, 2, 'grid columns on a phone');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    await phone.screenshot({ path: join(SHOTS, '09-phone.png') });
  } finally {
    await phone.close();
  }
});

test('no CSP violations, no console or page errors, and every request stays on the page origin', { timeout: TEST_TIMEOUT }, async (t) => {
  const { requests, cspViolations, pageErrors, consoleErrors, failedRequests } = seen;
  const counts = new Map();
  for (const r of requests) {
    const key = `${r.method} ${r.url.replace(/\/img\/[^/]+\.svg$/, '/img/*.svg')} [${r.type}]`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  t.diagnostic(`${requests.length} requests:`);
  for (const [key, n] of [...counts].sort()) t.diagnostic(`  ${n}× ${key}`);

  const foreign = requests.filter((r) => {
    if (r.url.startsWith('data:')) return false;
    return new URL(r.url).origin !== origin.origin;
  });
  assert.deepEqual(foreign, [], 'requests to another origin');
  assert.ok(requests.some((r) => r.url.endsWith('/hearth/wasm/hearth_wasm.wasm')), 'the wasm came from the page origin');
  assert.deepEqual(cspViolations, [], 'CSP violations');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  assert.deepEqual(consoleErrors, [], 'console errors');
  assert.deepEqual(failedRequests, [], 'failed requests');
});
