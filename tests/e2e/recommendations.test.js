// End-to-end: the storefront's "Picked for you" and "Something different"
// rows in headless Chromium, against the real wasm build, under the strict CSP.
//
//   node --test tests/e2e/
//
// A new visitor gets popular picks (skeletons first, in the same space);
// browsing one department turns the for-you row towards it; every card says
// why; the wow row never repeats the for-you row; "Not interested" removes a
// card for good; clicking and buying a pick reach hearth.feedback(); and none
// of it moves the page (layout shifts measured with a PerformanceObserver
// from the first script on) or sends anything anywhere.
//
// To see what the page passes to Hearth without adding hooks to the page,
// the test serves a thin wrapper as /hearth/index.js: it re-exports the real
// module (loaded as /hearth/index.js?unwrapped) and records every recommend()
// and feedback() call. Screenshots go to out/screenshots/1x-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
/** @type {Awaited<ReturnType<typeof watch>>} */
let seen;
/** @type {Array<any>} */
let catalog = [];
/** @type {Map<string, any>} */
let byId = new Map();

/** Holds /hearth/index.js back until released, to see the page before Hearth starts. */
let holdHearth = null;
/** Layout shifts of documents already left (reloads), see harvestShifts(). */
const shifts = [];
/** The top of the product grid, in document coordinates, at every step. */
const gridTops = [];

let started = false;
const requireStarted = () => assert.ok(started, 'the rows never rendered (see the first test): nothing to check');

const SPY_MODULE = `
export * from '/hearth/index.js?unwrapped';
import { createHearth as createReal } from '/hearth/index.js?unwrapped';
const calls = (globalThis.__hearthTestCalls = []);
export async function createHearth(options) {
  const hearth = await createReal(options);
  for (const name of ['recommend', 'feedback']) {
    const real = hearth[name].bind(hearth);
    hearth[name] = (arg) => {
      const result = real(arg);
      calls.push({ name, arg: JSON.parse(JSON.stringify(arg ?? null)), items: Array.isArray(result) ? result.map((p) => p.item) : null });
      return result;
    };
  }
  return hearth;
}
`;

before(async () => {
  server = await startDemoServer();
  origin = new URL(server.url);
  const res = await fetch(new URL('/catalog.json', origin), { signal: AbortSignal.timeout(STEP_TIMEOUT) });
  assert.equal(res.status, 200, 'GET /catalog.json');
  catalog = await res.json();
  byId = new Map(catalog.map((it) => [it.id, it]));

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  seen = await watch(context);

  // Every layout shift of every document, from its first script on.
  await context.addInitScript(() => {
    const list = [];
    Object.defineProperty(globalThis, '__hearthTestShifts', { value: list });
    const describe = (node) => {
      if (!node || node.nodeType !== 1) return String(node?.nodeName ?? 'unknown');
      const cls = typeof node.className === 'string' && node.className.trim() ? `.${node.className.trim().split(/\s+/).join('.')}` : '';
      const owner = node.id ? '' : ` in #${node.closest('[id]')?.id ?? '?'}`;
      return `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${cls}${owner}`;
    };
    if (!PerformanceObserver.supportedEntryTypes?.includes('layout-shift')) return;
    new PerformanceObserver((entries) => {
      for (const e of entries.getEntries()) {
        // @ts-ignore: LayoutShift entries
        list.push({ value: e.value, hadRecentInput: e.hadRecentInput, at: Math.round(e.startTime), sources: (e.sources ?? []).map((s) => describe(s.node)) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });

  await context.route(
    (url) => url.pathname === '/hearth/index.js' && url.search === '',
    async (route) => {
      await holdHearth?.promise;
      await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: SPY_MODULE });
    },
  );
  page = await context.newPage();
});

after(() => shutDown(browser, server));

// ---- Helpers ------------------------------------------------------------------

async function shot(name, p = page) {
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
}

const departmentOf = (item) => item.category.split(' > ')[0];

/** The cards of both rows as the shopper sees them. */
function rows(p = page) {
  return p.evaluate(() => {
    const read = (id) =>
      [...document.querySelectorAll(`#${id} > li[data-item]`)]
        .filter((li) => !li.classList.contains('is-leaving'))
        .map((li) => {
          const box = li.getBoundingClientRect();
          return {
            item: li.getAttribute('data-item'),
            slot: li.getAttribute('data-slot'),
            department: li.getAttribute('data-department'),
            title: li.querySelector('a[data-item]')?.textContent ?? '',
            href: li.querySelector('a[data-item]')?.getAttribute('href') ?? '',
            price: li.querySelector('[class$="__price"]')?.textContent ?? '',
            reason: li.querySelector('[role="region"]')?.textContent?.trim() ?? '',
            badge: li.querySelector('.badge--wow')?.textContent ?? null,
            imageLoaded: /** @type {HTMLImageElement | null} */ (li.querySelector('img'))?.complete ?? false,
            area: box.width * box.height,
          };
        });
    return { forYou: read('for-you-list'), wow: read('wow-list') };
  });
}

const picksRevision = async (p = page) => Number((await p.getAttribute('body', 'data-picks-revision')) ?? 0);
const waitForPicks = (after, p = page) =>
  p.waitForFunction((n) => Number(document.body.dataset.picksRevision ?? 0) > n, after, { timeout: STEP_TIMEOUT });
/** Every recommend() and feedback() call the page made, oldest first. */
// The page's own rows' calls: the deals row (<hearth-slot name="deals">) asks on its own.
const calls = (p = page) =>
  p.evaluate(() => (/** @type {any} */ (globalThis).__hearthTestCalls ?? []).filter((c) => c.arg?.slot !== 'deals'));
/** Lets a few animation frames pass (a debounced render would have happened by then). */
const frames = (n = 3, p = page) =>
  p.evaluate((k) => new Promise((done) => {
    const step = (left) => (left === 0 ? done(undefined) : requestAnimationFrame(() => step(left - 1)));
    step(k);
  }), n);

async function recordGridTop(label) {
  const top = await page.evaluate(() => {
    const box = document.getElementById('grid').getBoundingClientRect();
    return Math.round((box.top + window.scrollY) * 100) / 100;
  });
  gridTops.push({ label, top });
  return top;
}

async function rowHeights() {
  return page.evaluate(() => ['for-you', 'wow', 'picks'].map((id) => document.getElementById(id).getBoundingClientRect().height));
}

/** Keeps the layout shifts of the current document (call before a reload). */
async function harvestShifts() {
  shifts.push(...(await page.evaluate(() => /** @type {any} */ (globalThis).__hearthTestShifts ?? [])));
}

async function events() {
  const pairs = await page.$$eval('#rfm .rfm__item', (items) => items.map((i) => [i.querySelector('dt')?.textContent, i.querySelector('dd')?.textContent]));
  return Number(Object.fromEntries(pairs).Events);
}

async function closeDialog() {
  await page.keyboard.press('Escape');
  await page.waitForSelector('#product', { state: 'hidden' });
  await page.waitForFunction(() => location.pathname === '/');
}

async function scrollToRows() {
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** A change that re-renders the rows without opening anything: a search. */
async function searchFor(text) {
  await page.fill('#search-input', text);
  await page.press('#search-input', 'Enter');
}

// ---- Tests -------------------------------------------------------------------

test('skeletons hold the rows’ space until a new visitor’s popular picks arrive, each with a reason', { timeout: TEST_TIMEOUT }, async () => {
  // Hold the SDK back to see the page as it is before Hearth starts.
  let release;
  holdHearth = { promise: new Promise((r) => (release = r)) };
  await page.goto(origin.href, { waitUntil: 'commit' });
  await page.waitForSelector('#wow-list .wow--skeleton');
  assert.equal(await page.locator('#for-you-list .pick--skeleton').count(), 8, 'eight for-you skeletons');
  assert.equal(await page.locator('#wow-list .wow--skeleton').count(), 2, 'two wow skeletons');
  assert.equal(await page.getAttribute('#for-you-list', 'aria-busy'), 'true');
  const skeletonHeights = await rowHeights();
  await shot('10-picks-skeletons');
  release();
  holdHearth = null;

  await waitForHearth(page);
  await waitForPicks(0);
  const heights = await rowHeights();
  assert.deepEqual(heights, skeletonHeights, 'the rows are exactly as tall with picks as with skeletons');
  assert.equal(await page.getAttribute('#for-you-list', 'aria-busy'), 'false');
  await recordGridTop('new visitor, first picks');

  const { forYou, wow } = await rows();
  assert.equal(forYou.length, 8, 'eight picks for you');
  // Popular: a new visitor's picks come from the most popular part of the catalog.
  const byPopularity = [...catalog].sort((a, b) => b.popularity - a.popularity).map((it) => it.id);
  for (const card of forYou) {
    const item = byId.get(card.item);
    assert.ok(item, `${card.item} is a catalog item`);
    assert.equal(card.slot, 'for_you');
    assert.equal(card.title, item.title);
    assert.equal(card.href, `/p/${item.id}`);
    assert.equal(card.department, departmentOf(item));
    assert.equal(card.price, `$${item.price.toFixed(2)}`);
    assert.ok(card.reason.length > 0, `${card.item} has a reason`);
    const rank = byPopularity.indexOf(card.item);
    // The top half: the row was already shown once before the consent answer,
    // and shown-but-ignored picks fade, so the second showing goes further down.
    assert.ok(rank < catalog.length / 2, `${card.item} is popular (rank ${rank + 1} of ${catalog.length})`);
  }
  assert.equal(new Set(forYou.map((c) => c.item)).size, 8, 'no pick twice');
  assert.match(await page.textContent('#for-you-subtitle'), /popular/i);

  assert.ok(wow.length >= 1 && wow.length <= 2, `1–2 wow cards, got ${wow.length}`);
  for (const card of wow) {
    assert.ok(byId.has(card.item));
    assert.ok(!forYou.some((c) => c.item === card.item), `${card.item} is not also in the for-you row`);
    assert.ok(card.reason.length > 0, `${card.item} has a reason`);
    assert.equal(card.badge, 'New for you');
    assert.ok(card.area > forYou[0].area, 'wow cards are larger than for-you cards');
  }

  // The page renders exactly what recommend() returned, asked once per slot,
  // and the wow request excludes the for-you picks.
  await frames(5);
  // The deals row is <hearth-slot>'s own; the page's rows ask once before the
  // consent answer and once after it (waitForHearth answers "Allow all").
  const all = (await calls()).filter((c) => c.name === 'recommend');
  assert.deepEqual(all.map((c) => c.arg.slot), ['for_you', 'wow', 'for_you', 'wow'], 'one recommend() per slot and consent state, no re-render loop');
  const made = all.slice(-2);
  assert.deepEqual(made[0].items, forYou.map((c) => c.item));
  assert.deepEqual(made[1].items, wow.map((c) => c.item));
  assert.deepEqual([...made[1].arg.exclude].sort(), forYou.map((c) => c.item).sort());

  assert.equal((await page.textContent('#picks-privacy')).trim(), 'Computed on this device — nothing was sent');
  assert.ok(await page.isVisible('#picks-privacy'));

  // "Why this?" is a disclosure: a button with aria-expanded controlling a region.
  const first = `#for-you-list li[data-item="${forYou[1].item}"]`;
  const why = page.locator(`${first} button[data-role="why"]`);
  assert.equal(await why.getAttribute('aria-expanded'), 'false');
  const regionId = await why.getAttribute('aria-controls');
  assert.ok(await page.isHidden(`#${regionId}`));
  await why.click();
  assert.equal(await why.getAttribute('aria-expanded'), 'true');
  const region = page.locator(`#${regionId}`);
  assert.ok(await region.isVisible());
  assert.equal(await region.getAttribute('role'), 'region');
  assert.equal(await region.getAttribute('aria-labelledby'), await why.getAttribute('id'));
  assert.equal((await region.textContent()).trim(), forYou[1].reason);
  assert.equal(await recordGridTop('why open'), gridTops[0].top, 'opening "Why this?" moves nothing');
  await page.waitForTimeout(250); // the bubble's fade-in
  await shot('11-picks-new-visitor');
  await page.keyboard.press('Escape');
  assert.equal(await why.getAttribute('aria-expanded'), 'false');
  assert.ok(await region.isHidden());
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-role')), 'why', 'focus back on the button');
  started = true;
});

test('browsing one department turns the for-you row towards it', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const before = await rows();
  // The department with the most items in stock; four of its products from
  // as many sub-categories as it has.
  const counts = new Map();
  for (const it of catalog) if (it.stock !== 0) counts.set(departmentOf(it), (counts.get(departmentOf(it)) ?? 0) + 1);
  const department = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const inDepartment = catalog.filter((it) => departmentOf(it) === department && it.stock !== 0);
  const chosen = [];
  for (const it of inDepartment) if (!chosen.some((c) => c.category === it.category)) chosen.push(it);
  for (const it of inDepartment) if (chosen.length < 4 && !chosen.includes(it)) chosen.push(it);
  chosen.length = 4;

  await page.click(`#departments button.chip:text-is("${department}")`);
  const revision = await picksRevision();
  const recommendsBefore = (await calls()).filter((c) => c.name === 'recommend').length;
  for (const item of chosen) {
    await page.click(`#grid a[data-item="${item.id}"]`);
    await page.waitForSelector('#product[open]');
    await frames();
    assert.equal(await picksRevision(), revision, 'no re-render behind the product dialog');
    await closeDialog();
  }
  await page.click('#departments button.chip:text-is("All")');
  await scrollToRows();
  await waitForPicks(revision);
  await frames(5);
  // Eight changes (a click and a view per product); the rows re-render at
  // most once per closed dialog, and only while they are on screen.
  const renders = (await picksRevision()) - revision;
  assert.ok(renders >= 1 && renders <= chosen.length, `${renders} re-renders for ${chosen.length} products`);
  const recommendsAfter = (await calls()).filter((c) => c.name === 'recommend');
  assert.equal(recommendsAfter.length, recommendsBefore + 2 * renders, 'one recommend() per row and re-render');

  const after = await rows();
  const ids = (list) => list.map((c) => c.item).sort();
  assert.notDeepEqual(ids(after.forYou), ids(before.forYou), 'the for-you picks changed');
  assert.equal(after.forYou.length, 8);
  const fromDepartment = after.forYou.filter((c) => c.department === department);
  assert.ok(
    fromDepartment.length > after.forYou.length / 2,
    `most picks are from ${department}: ${after.forYou.map((c) => c.department).join(', ')}`,
  );
  for (const card of after.forYou) {
    assert.equal(card.department, departmentOf(byId.get(card.item)), 'data-department is the item’s department');
    assert.ok(card.reason.length > 0, `${card.item} has a reason`);
  }
  // The reasons now speak of this shopper, not of what is popular.
  const coldReasons = new Set(before.forYou.map((c) => c.reason));
  assert.ok(
    after.forYou.some((c) => !coldReasons.has(c.reason)),
    `personal reasons: ${after.forYou.map((c) => c.reason).join(' | ')}`,
  );
  assert.doesNotMatch(await page.textContent('#for-you-subtitle'), /popular/i);
  assert.ok(after.wow.length >= 1 && after.wow.length <= 2, `1–2 wow cards, got ${after.wow.length}`);
  for (const card of after.wow) {
    assert.ok(!after.forYou.some((c) => c.item === card.item), `${card.item} is in both rows`);
    assert.ok(card.reason.length > 0);
  }
  assert.equal(await recordGridTop('after browsing a department'), gridTops[0].top, 'the grid did not move');

  await page.click(`#for-you-list li[data-item="${after.forYou[0].item}"] button[data-role="why"]`);
  await page.click(`#wow-list li[data-item="${after.wow[0].item}"] button[data-role="why"]`);
  await page.waitForTimeout(250);
  await shot('12-picks-personalized');
  await page.keyboard.press('Escape');
  await page.click(`#for-you-list li[data-item="${after.forYou[0].item}"] button[data-role="why"]`);
});

test('clicking a pick opens it and tells Hearth; buying it does too', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  await scrollToRows();
  const { forYou } = await rows();
  const pick = forYou[0];
  const revision = await picksRevision();
  const eventsBefore = await events();
  const callsBefore = (await calls()).length;

  // The whole card is the link: click in the middle of the picture.
  const box = await page.locator(`#for-you-list li[data-item="${pick.item}"] img`).boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('#product[open]');
  assert.equal(await page.textContent('#product-title'), pick.title);
  assert.equal(new URL(page.url()).pathname, `/p/${pick.item}`);
  const afterClick = (await calls()).slice(callsBefore);
  assert.deepEqual(afterClick, [{ name: 'feedback', arg: { item: pick.item, slot: 'for_you', outcome: 'click' }, items: null }]);
  await page.waitForFunction((n) => Number(document.querySelector('#rfm .rfm__item dd')?.textContent) >= n + 2, eventsBefore);
  await frames();
  assert.equal(await picksRevision(), revision, 'no re-render behind the dialog');

  await page.click('#buy-now');
  await page.waitForSelector('#product', { state: 'hidden' });
  const afterBuy = (await calls()).slice(callsBefore + 1);
  assert.deepEqual(afterBuy[0], { name: 'feedback', arg: { item: pick.item, slot: 'for_you', outcome: 'purchase' }, items: null });
  await waitForPicks(revision);
  await frames(5);
  assert.equal(await picksRevision(), revision + 1, 'one re-render after the dialog closed, and no loop');
  const now = await rows();
  assert.ok(![...now.forYou, ...now.wow].some((c) => c.item === pick.item), 'a bought item is not picked again');
  assert.equal(now.forYou.length, 8);

  // A wow pick reports its own slot.
  const wowPick = now.wow[0];
  const n = (await calls()).length;
  await page.click(`#wow-list li[data-item="${wowPick.item}"] a[data-item]`);
  await page.waitForSelector('#product[open]');
  assert.deepEqual((await calls()).slice(n), [{ name: 'feedback', arg: { item: wowPick.item, slot: 'wow', outcome: 'click' }, items: null }]);
  await closeDialog();
  await waitForPicks(revision + 1);
  assert.equal(await recordGridTop('after a purchase'), gridTops[0].top);
});

test('"Not interested" removes a card gently, and it does not come back', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  await scrollToRows();
  const { forYou, wow } = await rows();
  const victim = forYou[2];
  const next = forYou[3];
  const n = (await calls()).length;

  // From the keyboard: focus the × and press Enter.
  const dismiss = page.locator(`#for-you-list li[data-item="${victim.item}"] button[data-role="dismiss"]`);
  assert.equal(await dismiss.getAttribute('aria-label'), `Not interested in ${victim.title}`);
  await dismiss.focus();
  await page.keyboard.press('Enter');
  assert.deepEqual((await calls()).slice(n), [{ name: 'feedback', arg: { item: victim.item, slot: 'for_you', outcome: 'dismiss' }, items: null }]);
  // It leaves with a transition (still there, fading), then it is gone.
  assert.ok(await page.locator(`#for-you-list li[data-item="${victim.item}"].is-leaving`).count() === 1, 'the card fades out first');
  await page.waitForSelector(`#for-you-list li[data-item="${victim.item}"]`, { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-item')), next.item, 'focus moved to the next card');
  assert.match(await page.textContent('#toast'), /Got it/);
  assert.equal((await rows()).forYou.length, 7);
  assert.equal(await recordGridTop('after a dismissal'), gridTops[0].top, 'dismissing moved nothing below the rows');
  await shot('13-picks-dismissed');

  // A wow card, with the mouse.
  const wowVictim = wow[0];
  await page.click(`#wow-list li[data-item="${wowVictim.item}"] button[data-role="dismiss"]`);
  await page.waitForSelector(`#wow-list li[data-item="${wowVictim.item}"]`, { state: 'detached' });

  // With reduced motion the card goes at once.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const quick = (await rows()).forYou[0];
  await page.click(`#for-you-list li[data-item="${quick.item}"] button[data-role="dismiss"]`);
  assert.equal(await page.locator(`#for-you-list li[data-item="${quick.item}"]`).count(), 0, 'removed without waiting for an animation');
  await page.emulateMedia({ reducedMotion: null });

  // The next re-render (any change: here a search) fills the row again, without them.
  const gone = [victim.item, wowVictim.item, quick.item];
  const revision = await picksRevision();
  await searchFor('lamp');
  await waitForPicks(revision);
  const after = await rows();
  assert.equal(after.forYou.length, 8, 'the row is full again');
  for (const id of gone) {
    assert.ok(![...after.forYou, ...after.wow].some((c) => c.item === id), `${id} came back after a re-render`);
  }
  await page.fill('#search-input', '');
  await page.locator('#grid .card').nth(catalog.length - 1).waitFor();

  // Nor after a reload (the dismissals are saved on this device; autosave runs 1 s after a change).
  await page.waitForTimeout(1_500);
  await harvestShifts();
  await page.reload({ waitUntil: 'load' });
  await waitForHearth(page);
  await waitForPicks(0);
  const reloaded = await rows();
  for (const id of gone) {
    assert.ok(![...reloaded.forYou, ...reloaded.wow].some((c) => c.item === id), `${id} came back after a reload`);
  }
  assert.equal(await recordGridTop('after a reload'), gridTops[0].top);
});

test('personalizing the page causes no layout shift', { timeout: TEST_TIMEOUT }, async (t) => {
  requireStarted();
  assert.ok(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('layout-shift')), 'Chromium reports layout shifts');
  await frames(2);
  await harvestShifts();
  for (const s of shifts) t.diagnostic(`shift ${s.value.toFixed(5)} at ${s.at} ms${s.hadRecentInput ? ' (after input)' : ''}: ${s.sources.join(', ')}`);
  // CLS counts shifts not caused by the shopper's own input (within 500 ms).
  const cls = shifts.filter((s) => !s.hadRecentInput).reduce((sum, s) => sum + s.value, 0);
  t.diagnostic(`CLS ${cls}`);
  assert.ok(cls < 0.01, `cumulative layout shift ${cls}`);
  // Stricter: nothing in the rows or under them ever moved on its own.
  const inShop = shifts.filter((s) => !s.hadRecentInput && s.sources.some((src) => /#(picks|for-you|wow|products|grid|departments)\b/.test(src) || /in #(for-you-list|wow-list|grid)/.test(src)));
  assert.deepEqual(inShop, [], 'shifts in the shop column');
  const tops = new Set(gridTops.map((g) => g.top));
  assert.equal(tops.size, 1, `the grid stayed put: ${JSON.stringify(gridTops)}`);
});

test('on a phone the for-you row swipes sideways and the wow cards stack', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const phone = await context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(origin.href, { waitUntil: 'load' });
    await waitForHearth(phone);
    await waitForPicks(0, phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal page scrolling (overflow ${overflow}px)`);
    const track = await phone.$eval('#for-you-list', (l) => ({ scroll: l.scrollWidth, client: l.clientWidth }));
    assert.ok(track.scroll > track.client, 'the for-you row scrolls sideways');
    assert.ok(await phone.isHidden('#for-you-next'), 'no arrow buttons on a touch-sized screen');
    const boxes = await phone.$$eval('#wow-list > li[data-item]', (lis) => lis.map((li) => li.getBoundingClientRect().toJSON()));
    if (boxes.length === 2) assert.ok(boxes[1].top >= boxes[0].bottom, 'wow cards stack');
    const list = await phone.$eval('#wow-list', (l) => l.getBoundingClientRect().toJSON());
    for (const b of boxes) assert.ok(b.bottom <= list.bottom + 0.5 && b.right <= list.right + 0.5, 'wow cards fit their row');
    // The profile panel above the rows is a fixed-height bar until opened, so
    // loading a profile moves nothing on a phone either.
    assert.equal(await phone.getAttribute('#knows-toggle', 'aria-expanded'), 'false');
    assert.ok(await phone.isHidden('#knows-content'));
    assert.match(await phone.textContent('#knows-peek'), /^Top interests: /);
    await frames(2, phone);
    const moved = (await phone.evaluate(() => /** @type {any} */ (globalThis).__hearthTestShifts)).filter((s) => !s.hadRecentInput);
    assert.deepEqual(moved, [], 'layout shifts while a returning shopper’s page loads');
    await phone.click('#knows-toggle');
    assert.equal(await phone.getAttribute('#knows-toggle', 'aria-expanded'), 'true');
    assert.ok(await phone.isVisible('#interests'));
    await phone.click('#knows-toggle');

    await phone.$eval('#picks', (p) => p.scrollIntoView());
    await phone.click('#for-you-list li[data-item] button[data-role="why"]');
    await phone.waitForTimeout(250);
    await shot('14-picks-phone', phone);
  } finally {
    await phone.close();
  }
});

test('dark mode', { timeout: TEST_TIMEOUT }, async () => {
  requireStarted();
  const dark = await context.newPage();
  try {
    await dark.emulateMedia({ colorScheme: 'dark' });
    await dark.goto(origin.href, { waitUntil: 'load' });
    await waitForHearth(dark);
    await waitForPicks(0, dark);
    const { wow } = await rows(dark);
    if (wow[0]) await dark.click(`#wow-list li[data-item="${wow[0].item}"] button[data-role="why"]`);
    await dark.waitForTimeout(250);
    await shot('15-picks-dark', dark);
  } finally {
    await dark.close();
  }
});

test('no CSP violations or errors, and nothing was sent: only same-origin GETs', { timeout: TEST_TIMEOUT }, async (t) => {
  const { requests, cspViolations, pageErrors, consoleErrors, failedRequests } = seen;
  assert.deepEqual(cspViolations, [], 'CSP violations');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  assert.deepEqual(consoleErrors, [], 'console errors');
  assert.deepEqual(failedRequests, [], 'failed requests');
  const foreign = requests.filter((r) => !r.url.startsWith('data:') && new URL(r.url).origin !== origin.origin);
  assert.deepEqual(foreign, [], 'requests to another origin');
  const sent = requests.filter((r) => r.method !== 'GET' || r.body);
  assert.deepEqual(sent, [], 'requests that sent something');
  const paths = new Set(requests.map((r) => new URL(r.url).pathname.replace(/^\/img\/.*/, '/img/*').replace(/^\/p\/.*/, '/p/*')));
  t.diagnostic(`${requests.length} requests to ${[...paths].sort().join(' ')}`);
});
