// End-to-end: the <hearth-*> elements of `hearth/widgets` in headless
// Chromium, under the demo server's strict CSP.
//
//   node --test tests/e2e/widgets.test.js
//
// The page (tests/e2e/fixtures/widgets/) is served on the demo server's
// origin with the server's own Content-Security-Policy header; the package,
// its wasm and the catalog come from the real server. With ?sdk=fake the
// elements run against a fake SDK that follows the game / consent / privacy
// contracts (those namespaces are being built elsewhere); with ?sdk=real
// against the real wasm build (the slot and the profile parts of the privacy
// center, and whatever namespaces exist today).
//
// Checked: every element renders; reward / change / consent events update it
// live; every interactive control has an accessible name and the roles are
// there; the slot, the mystery box and the consent prompt work from the
// keyboard alone; disconnecting unsubscribes; missing namespaces degrade to
// a clear message; prefers-reduced-motion stops the animations; zero CSP
// violations, console errors or page errors. Screenshots: out/screenshots/widgets-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { CSP } from '../../demo/server.mjs';
import { ROOT, SHOTS, STEP_TIMEOUT, TEST_TIMEOUT, launchChromium, startDemoServer, watch } from './harness.js';

const FIXTURES = join(ROOT, 'tests', 'e2e', 'fixtures', 'widgets');
const TYPES = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };
const WIDGETS = ['consent', 'slot', 'points', 'streak', 'tier', 'stamps', 'challenge', 'mystery', 'badges', 'deals', 'privacy'];

/** @type {Awaited<ReturnType<typeof startDemoServer>> | null} */
let server = null;
/** @type {import('playwright-core').Browser | null} */
let browser = null;
/** @type {Array<{ context: import('playwright-core').BrowserContext, seen: Awaited<ReturnType<typeof watch>>, name: string }>} */
const contexts = [];

before(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * A page on the demo origin with the test page routed in (served with the
 * demo server's CSP header), every console / CSP / page error collected.
 * @param {string} query e.g. 'sdk=fake'
 * @param {{ reducedMotion?: 'reduce' | 'no-preference', colorScheme?: 'light' | 'dark', width?: number, height?: number }} [options]
 */
async function openPage(query, options = {}) {
  const context = await /** @type {import('playwright-core').Browser} */ (browser).newContext({
    viewport: { width: options.width ?? 1200, height: options.height ?? 900 },
    reducedMotion: options.reducedMotion ?? 'no-preference',
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const seen = await watch(context);
  contexts.push({ context, seen, name: query });
  await context.route((url) => /^\/__widgets\/[a-z-]+\.(html|css|js)$/.test(url.pathname), async (route) => {
    const name = /** @type {string} */ (new URL(route.request().url()).pathname.split('/').pop());
    const ext = /** @type {keyof typeof TYPES} */ (name.split('.').pop());
    await route.fulfill({
      status: 200,
      body: await readFile(join(FIXTURES, name)),
      headers: { 'content-type': TYPES[ext], 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' },
    });
  });
  const page = await context.newPage();
  await page.goto(new URL(`/__widgets/index.html?${query}`, /** @type {any} */ (server).url).href);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30_000 });
  return { page, context, seen };
}

/** Asserts the page saw no CSP violation, console error or page error. */
function assertClean(seen, what) {
  assert.deepEqual(seen.cspViolations, [], `${what}: CSP violations`);
  assert.deepEqual(seen.consoleErrors, [], `${what}: console errors`);
  assert.deepEqual(seen.pageErrors, [], `${what}: page errors`);
}

/** Text of a widget's shadow root (its rendered body). */
function shadowText(page, id) {
  return page.evaluate((id) => document.getElementById(id)?.shadowRoot?.querySelector('.hw')?.textContent ?? null, id);
}

/** The polite live region's text of a widget. */
function liveText(page, id) {
  return page.evaluate((id) => document.getElementById(id)?.shadowRoot?.querySelector('[role="status"][aria-live]')?.textContent ?? '', id);
}

/**
 * Every interactive element inside the widgets' shadow roots, with its
 * accessible name computed the simple way (aria-label, aria-labelledby,
 * <label for>, wrapping label, text, title); and the roles on the page.
 */
function auditA11y(page) {
  return page.evaluate(() => {
    const out = [];
    for (const host of document.querySelectorAll('*')) {
      const root = host.shadowRoot;
      if (!root || !host.localName.startsWith('hearth-')) continue;
      const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
      const interactive = root.querySelectorAll('button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])');
      for (const el of interactive) {
        if (el.closest('[hidden]')) continue;
        let name = el.getAttribute('aria-label') ?? '';
        if (!name && el.getAttribute('aria-labelledby')) name = el.getAttribute('aria-labelledby').split(/\s+/).map((id) => text(root.getElementById(id))).join(' ');
        if (!name && el.id) name = text(root.querySelector(`label[for="${el.id}"]`));
        if (!name) name = text(el.closest('label'));
        if (!name && el.localName !== 'input') name = text(el);
        if (!name) name = el.getAttribute('title') ?? '';
        out.push({ widget: host.id || host.localName, tag: el.localName, role: el.getAttribute('role'), name: name.trim() });
      }
    }
    return out;
  });
}

test('every widget renders against the contract-faithful fake SDK, with roles, names and zero CSP violations', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  for (const id of WIDGETS) {
    const text = await shadowText(page, id);
    assert.ok(text && text.length > 10, `#${id} rendered nothing`);
    assert.doesNotMatch(text, /not available|could not/i, `#${id} shows an error: ${text}`);
  }
  assert.match(await shadowText(page, 'points'), /120/);
  assert.match(await shadowText(page, 'streak'), /4-day.*Visit tomorrow to keep your 4-day streak/);
  assert.match(await shadowText(page, 'tier'), /Silver.*180 points to Gold/);
  assert.match(await shadowText(page, 'stamps'), /Coffee card.*3 \/ 8.*5 more stamps/);
  assert.match(await shadowText(page, 'challenge'), /Spring walk.*1 of 3.*Coffee week.*Completed/);
  assert.match(await shadowText(page, 'badges'), /Getting started.*1 \/ 3.*Community.*0 \/ 1/);
  assert.match(await shadowText(page, 'consent'), /Allow all.*Deny all.*Choose/);

  // The odds are on the page before anything is opened.
  const odds = await page.locator('#mystery').getByRole('table').getByRole('row').allTextContents();
  assert.deepEqual(odds.slice(1), ['10 bonus points60%', '50 bonus points30%', 'Free shipping9.5%', 'Hearth mug0.5%']);

  const controls = await auditA11y(page);
  assert.ok(controls.length >= 25, `expected many controls, found ${controls.length}`);
  const unnamed = controls.filter((c) => !c.name);
  assert.deepEqual(unnamed, [], 'interactive elements without an accessible name');
  // Roles: progress bars with values, the carousel, live regions, the odds table.
  assert.equal(await page.locator('#tier').getByRole('progressbar', { name: 'Progress to Gold' }).getAttribute('aria-valuenow'), '320');
  assert.equal(await page.locator('#challenge').getByRole('progressbar').count(), 2);
  assert.equal(await page.locator('#slot section[aria-roledescription="carousel"]').count(), 1);
  assert.equal(await page.locator('#privacy').getByRole('meter', { name: 'Privacy budget spent' }).getAttribute('aria-valuetext'), '0.5 of 1 spent');
  for (const id of WIDGETS) {
    assert.equal(await page.locator(`#${id} [role="status"][aria-live="polite"]`).count() >= 1, true, `#${id} has no live region`);
  }
  // Styles come from adopted constructable sheets: no <style> or style attributes from markup.
  const styleElements = await page.evaluate(() =>
    [...document.querySelectorAll('[id]')].filter((el) => el.shadowRoot).reduce((n, el) => n + el.shadowRoot.querySelectorAll('style, link').length + (el.shadowRoot.adoptedStyleSheets.length === 2 ? 0 : 100), 0),
  );
  assert.equal(styleElements, 0);
  await page.screenshot({ path: join(SHOTS, 'widgets-fake-light.png'), fullPage: true });
  assertClean(seen, 'fake SDK page');
});

test('reward, change and consent events update the widgets live and are announced', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  await page.evaluate(() => globalThis.__widgets.fake.award('points', { amount: 20, label: 'your purchase' }));
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.textContent.includes('140'));
  assert.match(await shadowText(page, 'points'), /140.*\+20.*Last: your purchase/);
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.querySelector('[role="status"]').textContent !== '');
  assert.equal(await liveText(page, 'points'), '20 points added for your purchase; balance 140');
  // The same points moved the tier bar.
  assert.match(await shadowText(page, 'tier'), /160 points to Gold.*340 \/ 500/);

  await page.evaluate(() => {
    const f = globalThis.__widgets.fake;
    f.award('stamp');
    f.award('streak');
    f.award('badge', { id: 'explorer' });
    f.award('challenge_progress', { id: 'spring' });
    f.award('mystery_available');
  });
  await page.waitForFunction(() => document.getElementById('stamps').shadowRoot.textContent.includes('4 / 8'));
  assert.match(await shadowText(page, 'streak'), /5-day.*Visit tomorrow to keep your 5-day streak/);
  assert.match(await shadowText(page, 'badges'), /Getting started.*2 \/ 3/);
  assert.match(await shadowText(page, 'challenge'), /2 of 3/);
  assert.match(await shadowText(page, 'mystery'), /2 to open/);
  await page.waitForFunction(() => document.getElementById('stamps').shadowRoot.querySelector('[role="status"]').textContent !== '');
  assert.equal(await liveText(page, 'stamps'), 'Stamp 4 of 8 on your Coffee card');
  assert.equal(await page.locator('#stamps .stamp--new').count(), 1, 'the new stamp animates');

  await page.evaluate(() => globalThis.__widgets.fake.award('tier'));
  await page.waitForFunction(() => document.getElementById('tier').shadowRoot.textContent.includes('Gold'));
  assert.match(await shadowText(page, 'tier'), /Gold.*Top tier reached.*Birthday gift/);

  // Consent events: turning gamification off hides the rewards with a reason; on again brings them back.
  await page.evaluate(() => globalThis.__widgets.hearth.consent.set({ gamification: 'denied' }));
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.textContent.includes('turned rewards off'));
  await page.evaluate(() => globalThis.__widgets.hearth.consent.set({ gamification: 'granted' }));
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.textContent.includes('140'));

  // A change event (the profile changed elsewhere) re-renders the privacy center.
  await page.evaluate(() => globalThis.__widgets.hearth.profile.forget('brand:northpeak'));
  await page.waitForFunction(() => !document.getElementById('privacy').shadowRoot.textContent.includes('Northpeak'));
  await page.screenshot({ path: join(SHOTS, 'widgets-fake-after-events.png'), fullPage: true });
  assertClean(seen, 'events page');
});

test('the slot carousel works from the keyboard and reports clicks and dismissals through hearth.feedback', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  const slot = page.locator('#slot');
  const ids = await page.evaluate(() => globalThis.__widgets.catalog.slice(0, 6).map((it) => it.id));
  const titles = await page.evaluate(() => globalThis.__widgets.catalog.slice(0, 6).map((it) => it.title));
  assert.equal(await slot.locator('li.card').count(), 6);
  // The arrow buttons page the row (Previous is disabled at the start, More at the end).
  const prev = slot.getByRole('button', { name: 'Previous picked for you' });
  const next = slot.getByRole('button', { name: 'More picked for you' });
  assert.equal(await prev.isDisabled(), true);
  await next.click();
  await page.waitForFunction(() => document.getElementById('slot').shadowRoot.querySelector('.track').scrollLeft > 0);
  await page.waitForFunction(() => !document.getElementById('slot').shadowRoot.querySelector('[aria-label="Previous picked for you"]').disabled);
  // Each card says why.
  const firstWhy = slot.getByRole('button', { name: 'Why this?' }).first();
  await slot.getByRole('button', { name: titles[0], exact: true }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.getElementById('slot').shadowRoot.activeElement?.textContent), titles[1]);
  await slot.screenshot({ path: join(SHOTS, 'widgets-slot-keyboard-focus.png') });
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.getElementById('slot').shadowRoot.activeElement?.textContent), titles[5]);
  await page.keyboard.press('Home');
  assert.equal(await page.evaluate(() => document.getElementById('slot').shadowRoot.activeElement?.textContent), titles[0]);
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => globalThis.__widgets.picked), [ids[0]]);
  // Tab reaches "Why this?" of the same card; Enter opens the reason.
  await page.keyboard.press('Tab');
  assert.equal(await firstWhy.evaluate((el) => el === el.getRootNode().activeElement), true);
  await page.keyboard.press('Enter');
  assert.equal(await firstWhy.getAttribute('aria-expanded'), 'true');
  assert.equal(await slot.locator('#why-0').textContent(), 'Because you looked at trail shoes');
  assert.equal(await slot.locator('#why-0').isVisible(), true);
  // "Not interested" from the keyboard: feedback dismiss, the card goes, focus stays in the row.
  await slot.getByRole('button', { name: `Not interested in ${titles[1]}` }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('slot').shadowRoot.querySelectorAll('li.card').length === 5);
  assert.equal(await page.evaluate(() => document.getElementById('slot').shadowRoot.activeElement?.textContent), titles[2]);
  const feedback = await page.evaluate(() => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'feedback').map((c) => c[1]));
  assert.deepEqual(feedback, [
    { item: ids[0], slot: 'for_you', outcome: 'click' },
    { item: ids[1], slot: 'for_you', outcome: 'dismiss' },
  ]);
  assert.match(await liveText(page, 'slot'), new RegExp(`${titles[1]} removed`));
  // Deals carry the discount (the row asks for them once it is scrolled near).
  await page.locator('#deals').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('deals').shadowRoot.querySelectorAll('li.card:not(.skeleton)').length === 3);
  assert.match(await shadowText(page, 'deals'), /−20%.*−15%.*−30%/);
  assertClean(seen, 'slot page');
});

test('the mystery box shows its odds, opens from the keyboard and reveals the prize', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  const mystery = page.locator('#mystery');
  const open = mystery.getByRole('button', { name: 'Open Welcome box' });
  assert.equal(await open.getAttribute('aria-describedby'), 'odds-welcome-box', 'the button points at the odds');
  await open.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('mystery').shadowRoot.querySelector('.reveal'));
  const result = await page.evaluate(() => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'openMystery'));
  assert.deepEqual(result, [['openMystery', 'welcome-box']]);
  const prize = await mystery.locator('.prize').textContent();
  assert.ok(['10 bonus points', '50 bonus points', 'Free shipping', 'Hearth mug'].includes(prize ?? ''), `prize: ${prize}`);
  // Focus moved to the reveal, and it was announced.
  await page.waitForFunction(() => document.getElementById('mystery').shadowRoot.activeElement?.textContent === 'You won');
  await page.waitForFunction(() => document.getElementById('mystery').shadowRoot.querySelector('[role="status"]').textContent.startsWith('You opened Welcome box and won'));
  await page.waitForTimeout(700); // the reveal animation
  await mystery.screenshot({ path: join(SHOTS, 'widgets-mystery-revealed.png') });
  // None left: the button is disabled and says why; the odds stay.
  assert.equal(await mystery.getByRole('button', { name: 'Nothing to open yet' }).isDisabled(), true);
  assert.equal(await mystery.getByRole('table').getByRole('row').count(), 5);
  // "Done" by keyboard closes the reveal.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.getElementById('mystery').shadowRoot.querySelector('.reveal'));
  assertClean(seen, 'mystery page');
});

test('the consent prompt works from the keyboard: choose, toggle, save; then it steps aside', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  const consent = page.locator('#consent');
  await consent.screenshot({ path: join(SHOTS, 'widgets-consent-prompt.png') });
  const choose = consent.getByRole('button', { name: 'Choose…' });
  await choose.focus();
  await page.keyboard.press('Enter');
  assert.equal(await choose.getAttribute('aria-expanded'), 'true');
  // Focus went to the first switch (Personal picks); Space turns it on.
  assert.equal(await page.evaluate(() => document.getElementById('consent').shadowRoot.activeElement?.id), 'consent-personalization');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab'); // gamification: leave off
  await page.keyboard.press('Tab'); // measurement
  await page.keyboard.press('Space');
  assert.equal(await consent.getByRole('switch', { name: /Anonymous measurement/ }).isChecked(), true);
  // Escape closes the choices unsaved, back on "Choose…"; reopening starts from the saved state.
  await page.keyboard.press('Escape');
  assert.equal(await choose.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.getElementById('consent').shadowRoot.activeElement?.textContent), 'Choose…');
  await page.keyboard.press('Enter');
  assert.equal(await consent.getByRole('switch', { name: /Anonymous measurement/ }).isChecked(), false);
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  assert.equal(await consent.getByRole('switch', { name: /Anonymous measurement/ }).isChecked(), true);
  await consent.screenshot({ path: join(SHOTS, 'widgets-consent-choose.png') });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // Save my choices
  const sets = await page.evaluate(() => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'consent.set'));
  assert.deepEqual(sets, [['consent.set', { personalization: 'granted', gamification: 'denied', measurement: 'granted' }, 'api']]);
  await page.waitForFunction(() => document.getElementById('consent').shadowRoot.textContent.includes('Your choices are saved'));
  // The privacy center follows the consent event: measurement on, so the next sync has a report to show.
  await page.waitForFunction(() => document.getElementById('privacy').shadowRoot.textContent.includes('The next sync sends 1 anonymous report'));
  // The prompt hides once the confirmation has been read.
  await page.waitForFunction(() => document.getElementById('consent').hidden, null, { timeout: 8000 });
  assertClean(seen, 'consent page');
});

test('the consent prompt: "Deny all" is one press and sets every purpose to denied', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  await page.locator('#consent').getByRole('button', { name: 'Deny all' }).press('Enter');
  const state = await page.evaluate(() => globalThis.__widgets.hearth.consent.get());
  assert.deepEqual(Object.values(state).map((s) => s.state), ['denied', 'denied', 'denied']);
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.textContent.includes('turned rewards off'));
  assertClean(seen, 'deny page');
});

test('the privacy center: forget an interest, switch consent, read the budget and the exact next sync, export, erase', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake&consent=granted');
  const pc = page.locator('#privacy');
  assert.match(await shadowText(page, 'privacy'), /You look at trail shoes most\..*Trail shoes.*Northpeak.*Waterproof/);
  // Forget from the keyboard: focus moves to the next interest's button.
  await pc.getByRole('button', { name: 'Forget Trail shoes' }).press('Enter');
  await page.waitForFunction(() => !document.getElementById('privacy').shadowRoot.querySelector('.interests').textContent.includes('Trail shoes'));
  assert.equal(await page.evaluate(() => document.getElementById('privacy').shadowRoot.activeElement?.getAttribute('aria-label')), 'Forget Northpeak');
  assert.deepEqual(await page.evaluate(() => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'forget')), [['forget', 'cat:shoes/trail']]);

  // Budget, ledger and the exact bytes of the next sync.
  assert.match(await shadowText(page, 'privacy'), /Budget \(ε\)1Spent0\.5Left0\.5/);
  assert.equal(await pc.getByRole('table').getByRole('row').count(), 3);
  const report = await page.evaluate(() => globalThis.__widgets.hearth.privacy.report());
  await pc.getByText('Show exactly what is sent').click();
  assert.equal(await pc.locator('pre').textContent(), report.next.body);
  assert.match(await shadowText(page, 'privacy'), new RegExp(`sends 1 anonymous report \\(${report.next.bytes} bytes\\): Interest totals`));
  await pc.screenshot({ path: join(SHOTS, 'widgets-privacy-center.png') });

  // Consent switch: measurement off → the next sync sends nothing.
  await pc.getByRole('switch', { name: /Anonymous measurement/ }).press('Space');
  await page.waitForFunction(() => document.getElementById('privacy').shadowRoot.textContent.includes('anonymous measurement is off'));
  assert.equal((await page.evaluate(() => globalThis.__widgets.hearth.consent.get())).measurement.state, 'denied');

  // Export downloads exportJSON().
  const [download] = await Promise.all([page.waitForEvent('download'), pc.getByRole('button', { name: 'Export my data (JSON)' }).click()]);
  assert.match(download.suggestedFilename(), /^hearth-data-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await readFile(/** @type {string} */ (await download.path()), 'utf8'));
  assert.equal(exported.profile.interests.length, 2);

  // Erase asks first; Cancel keeps everything; Yes erases.
  const erase = pc.getByRole('button', { name: 'Erase everything', exact: true });
  await erase.press('Enter');
  assert.equal(await erase.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.evaluate(() => document.getElementById('privacy').shadowRoot.activeElement?.textContent), 'Cancel');
  await page.keyboard.press('Escape');
  assert.equal(await erase.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.getElementById('privacy').shadowRoot.activeElement?.textContent), 'Erase everything');
  await erase.press('Enter');
  await page.keyboard.press('Enter'); // Cancel
  assert.equal(await page.evaluate(() => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'erase').length), 0);
  await erase.press('Enter');
  await pc.getByRole('button', { name: 'Yes, erase everything' }).press('Enter');
  await page.waitForFunction(() => document.getElementById('privacy').shadowRoot.textContent.includes('was erased'));
  assert.equal(await page.evaluate(() => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'erase').length), 1);
  assert.match(await shadowText(page, 'privacy'), /Hearth knows nothing about you yet/);
  assert.equal(await page.locator('#points .big').textContent(), '0');
  assertClean(seen, 'privacy center page');
});

test('disconnecting a widget unsubscribes it; reconnecting subscribes again', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  const counts = () => page.evaluate(() => ['reward', 'change', 'consent'].map((e) => globalThis.__widgets.fake.listenerCount(e)));
  const [reward, change, consent] = await counts();
  assert.ok(reward >= 7 && change >= 11 && consent >= 9, `listeners: ${[reward, change, consent]}`);
  const removed = await page.evaluate(() => {
    const els = [...document.querySelectorAll('[id]')].filter((el) => el.localName.startsWith('hearth-'));
    globalThis.__removed = els.map((el) => [el, el.parentNode, el.nextSibling]);
    for (const el of els) el.remove();
    return els.length;
  });
  assert.equal(removed, 11);
  assert.deepEqual(await counts(), [0, 0, 0]);
  await page.evaluate(() => {
    for (const [el, parent, next] of globalThis.__removed) parent.insertBefore(el, next);
  });
  assert.deepEqual(await counts(), [reward, change, consent]);
  // Swapping the instance moves the subscriptions.
  await page.evaluate(() => {
    document.getElementById('points').hearth = null;
  });
  assert.equal((await counts())[0], reward - 1);
  assertClean(seen, 'disconnect page');
});

test('missing namespaces degrade to a clear message and the rest keeps working', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake&nogame&noprivacy&noconsent');
  for (const id of ['points', 'streak', 'tier', 'stamps', 'challenge', 'mystery', 'badges']) {
    assert.match(await shadowText(page, id), /not available in this version of Hearth \(no hearth\.game\)/, `#${id}`);
  }
  assert.match(await shadowText(page, 'consent'), /Privacy choices: not available in this version of Hearth \(no hearth\.consent\)/);
  const pc = await shadowText(page, 'privacy');
  assert.match(pc, /no hearth\.consent/);
  assert.match(pc, /no hearth\.privacy.*Nothing is sent/);
  assert.match(pc, /Trail shoes/, 'the profile part still works');
  assert.equal(await page.locator('#slot li.card').count(), 6, 'the slot still works');
  // An element without any SDK says how to connect it.
  const text = await page.evaluate(() => {
    const el = document.createElement('hearth-points');
    document.body.append(el);
    return el.shadowRoot.textContent;
  });
  assert.match(text, /waiting for the page to connect Hearth/);
  await page.screenshot({ path: join(SHOTS, 'widgets-degraded.png'), fullPage: true });
  assertClean(seen, 'degraded page');
});

test('prefers-reduced-motion: no animations, and a dark theme from the system', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake', { reducedMotion: 'reduce', colorScheme: 'dark' });
  const animations = () =>
    page.evaluate(() => {
      const names = [];
      for (const host of document.querySelectorAll('[id]')) {
        for (const el of host.shadowRoot?.querySelectorAll('*') ?? []) {
          const cs = getComputedStyle(el);
          if (cs.animationName !== 'none') names.push(`${host.id}: ${el.className?.baseVal ?? el.className} ${cs.animationName}`);
          if (cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0)) names.push(`${host.id}: ${el.className?.baseVal ?? el.className} transition`);
        }
      }
      return names;
    });
  assert.deepEqual(await animations(), []);
  await page.evaluate(() => globalThis.__widgets.fake.award('points', { amount: 5 }));
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.textContent.includes('125'));
  assert.equal(await page.locator('#points .pop').count(), 0);
  assert.deepEqual(await animations(), []);
  // The dark defaults apply (the surface is dark), and a host override wins.
  const surface = await page.evaluate(() => getComputedStyle(document.getElementById('points').shadowRoot.querySelector('.hw')).backgroundColor);
  assert.equal(surface, 'rgb(34, 28, 23)');
  await page.screenshot({ path: join(SHOTS, 'widgets-fake-dark.png'), fullPage: true });
  const accent = await page.evaluate(() => {
    const el = document.getElementById('mystery');
    el.style.setProperty('--hearth-accent', 'rgb(1, 2, 3)');
    return getComputedStyle(el.shadowRoot.querySelector('button.primary')).backgroundColor;
  });
  assert.equal(accent, 'rgb(1, 2, 3)');
  assertClean(seen, 'reduced-motion page');
});

test('against the real SDK: the slot shows real picks with reasons, follows the profile, and the privacy center reads and forgets it', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=real');
  const slot = page.locator('#slot');
  await page.waitForFunction(() => document.getElementById('slot').shadowRoot.querySelectorAll('li.card').length === 6);
  const reasons = await slot.locator('.reason').allTextContents();
  assert.equal(reasons.length, 6);
  for (const r of reasons) assert.ok(r.length > 5, `a pick without a reason: "${r}"`);
  // Browse one department: the 'change' events re-render the row towards it.
  const dept = await page.evaluate(() => {
    const { hearth, catalog } = globalThis.__widgets;
    const top = (it) => it.category.split(' > ')[0];
    const first = catalog.find((it) => top(it) === 'Kitchen') ?? catalog[0];
    const same = catalog.filter((it) => top(it) === top(first)).slice(0, 8);
    for (const it of same) {
      hearth.track({ type: 'view', item: it.id });
      hearth.track({ type: 'add_to_cart', item: it.id });
    }
    return top(first);
  });
  await page.waitForFunction(
    (dept) => {
      const { catalog } = globalThis.__widgets;
      const byId = new Map(catalog.map((it) => [it.id, it]));
      const items = [...document.getElementById('slot').shadowRoot.querySelectorAll('li.card')].map((li) => byId.get(li.dataset.item));
      return items.filter((it) => it.category.startsWith(dept)).length >= 3;
    },
    dept,
  );
  // A click on a pick reaches the real feedback() (no throw, no error shown).
  await slot.locator('.open').first().press('Enter');
  assert.equal((await page.evaluate(() => globalThis.__widgets.picked)).length, 1);
  await slot.locator('.x').first().press('Enter');
  await page.waitForFunction(() => document.getElementById('slot').shadowRoot.querySelector('[role="status"]').textContent.includes('removed'));

  // The privacy center shows the real profile and forgets through it.
  const pc = page.locator('#privacy');
  await page.waitForFunction((dept) => document.getElementById('privacy').shadowRoot.textContent.includes(dept), dept);
  const first = await page.evaluate(() => globalThis.__widgets.hearth.profile().interests[0]);
  await pc.getByRole('button', { name: `Forget ${first.label}` }).press('Enter');
  const after = await page.evaluate(() => globalThis.__widgets.hearth.profile().interests.map((i) => i.feature));
  assert.ok(!after.includes(first.feature), `${first.feature} was not forgotten`);

  // The deals row on real promotions: discounts on the cards, and a click is
  // real feedback for the deals slot (no error announced).
  await page.evaluate(() => {
    const { hearth, catalog } = globalThis.__widgets;
    const day = (d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    hearth.promotions.load(catalog.slice(0, 3).map((it, i) => ({ id: `promo-${i}`, item: it.id, discount: 0.1 * (i + 1), starts: day(-7), ends: day(7) })));
    document.getElementById('deals').refresh();
  });
  await page.locator('#deals').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('deals').shadowRoot.querySelectorAll('li.card:not(.skeleton)').length >= 1);
  assert.match(await shadowText(page, 'deals'), /−\d+%/);
  await page.locator('#deals .open').first().press('Enter');
  await page.waitForTimeout(100);
  assert.doesNotMatch(await liveText(page, 'deals'), /Could not/);
  assert.equal((await page.evaluate(() => globalThis.__widgets.picked)).length, 2);

  // Namespaces the real SDK has today render; the rest say what is missing.
  const has = await page.evaluate(() => ({ game: !!globalThis.__widgets.hearth.game, privacy: !!globalThis.__widgets.hearth.privacy, consent: !!globalThis.__widgets.hearth.consent }));
  if (!has.game) assert.match(await shadowText(page, 'points'), /no hearth\.game/);
  // The real game: rules loaded, a real purchase earns points and a streak
  // day, and the widgets follow the SDK's own 'reward' events.
  assert.ok(has.game, 'the real SDK has hearth.game');
  await page.evaluate(() => {
    const { hearth, catalog } = globalThis.__widgets;
    hearth.game.load({
      earn: [{ id: 'order', label: 'Order', event: 'purchase', reward: { currency: 'points', amount: 50 } }],
      streak: { period: 'day', events: ['view', 'purchase'] },
    });
    hearth.track({ type: 'purchase', item: catalog[0].id, id: 'e2e-order-1' });
  });
  await page.waitForFunction(() => /\b50\b/.test(document.getElementById('points').shadowRoot.textContent));
  await page.waitForFunction(() => /\b1\b/.test(document.getElementById('streak').shadowRoot.textContent));
  assert.equal(await page.evaluate(() => globalThis.__widgets.hearth.game.state().balances.points), 50);
  if (!has.privacy) assert.match(await shadowText(page, 'privacy'), /no hearth\.privacy/);
  const controls = await auditA11y(page);
  assert.deepEqual(controls.filter((c) => !c.name), [], 'interactive elements without an accessible name (real SDK)');
  await page.screenshot({ path: join(SHOTS, 'widgets-real.png'), fullPage: true });
  assertClean(seen, 'real SDK page');
});

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => {});
});

test('the demo\'s widget gallery (/widgets.html) runs every element on the real SDK under the server\'s CSP', { timeout: TEST_TIMEOUT }, async () => {
  const context = await /** @type {import('playwright-core').Browser} */ (browser).newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const seen = await watch(context);
  contexts.push({ context, seen, name: 'gallery' });
  const page = await context.newPage();
  const res = await page.goto(new URL('/widgets.html', /** @type {any} */ (server).url).href);
  assert.equal(res?.headers()['content-security-policy'], CSP);
  await page.waitForFunction(() => document.body.dataset.hearthStatus !== 'loading', null, { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-hearth-status'), 'ready');
  await page.waitForFunction(() => document.querySelector('hearth-slot').shadowRoot.querySelectorAll('li.card').length === 8);
  // Links on the cards go to the store's product pages.
  assert.match(/** @type {string} */ (await page.locator('hearth-slot[name="for_you"] a.open').first().getAttribute('href')), /^\/p\/sku-\d+$/);
  const rendered = await page.evaluate(() => [...document.querySelectorAll('main > *, .gallery__grid > *')].filter((el) => el.localName.startsWith('hearth-')).map((el) => [el.localName, (el.shadowRoot?.textContent ?? '').length]));
  assert.equal(rendered.length, 11);
  for (const [name, length] of rendered) assert.ok(length > 10, `${name} rendered nothing`);
  assert.deepEqual(await axe(page), [], 'axe violations on the gallery');
  await page.screenshot({ path: join(SHOTS, 'widgets-demo-gallery.png'), fullPage: true });
  assertClean(seen, 'gallery page');
});

test('untrusted text (reward labels, catalog titles) is shown as text, never parsed as markup', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  const evil = '<img src=x onerror="globalThis.__pwned=1"><b>bold</b>';
  await page.evaluate((evil) => {
    const slot = document.getElementById('slot');
    slot.resolveItem = (id) => ({ title: `${evil} ${id}`, price: '<i>9</i>' });
    slot.refresh();
    globalThis.__widgets.fake.award('points', { amount: 1, label: evil });
  }, evil);
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.textContent.includes('121'));
  const found = await page.evaluate(() => {
    const count = (id, sel) => document.getElementById(id).shadowRoot.querySelectorAll(sel).length;
    return {
      pointsImgs: count('points', 'img, b'),
      slotInjected: count('slot', 'b, i, img:not([src^="/img/"])'),
      pointsText: document.getElementById('points').shadowRoot.querySelector('.hw').textContent,
      slotTitle: document.getElementById('slot').shadowRoot.querySelector('.open').textContent,
      pwned: globalThis.__pwned ?? 0,
    };
  });
  assert.equal(found.pointsImgs, 0);
  assert.equal(found.slotInjected, 0);
  assert.ok(found.pointsText.includes(`Last: ${evil}`), found.pointsText);
  assert.ok(found.slotTitle.startsWith(evil), found.slotTitle);
  assert.equal(found.pwned, 0);
  // Points that go away (expired here) are announced with the balance.
  await page.evaluate(() => globalThis.__widgets.fake.emit('reward', { kind: 'expired', currency: 'points', amount: 20, balance: 101, label: 'old points' }));
  await page.waitForFunction(() => document.getElementById('points').shadowRoot.querySelector('[role="status"]').textContent.includes('expired'));
  assert.equal(await liveText(page, 'points'), '20 points expired (old points); balance 101');
  assertClean(seen, 'hostile text page');
});

test('reads that bump the revision while rendering (privacy.report) do not make the widgets re-render in a loop', { timeout: TEST_TIMEOUT }, async () => {
  // A short window keeps the deals row (the last slot) well below the fold.
  const { page, seen } = await openPage('sdk=fake&consent=granted', { height: 600 });
  const count = (name, slot) => page.evaluate(([name, slot]) => globalThis.__widgets.fake.calls.filter((c) => c[0] === name && (!slot || c[1]?.slot === slot)).length, [name, slot]);
  await page.waitForTimeout(300);
  const reports = await count('privacy.report');
  const recommends = await count('recommend');
  const deals = await count('recommend', 'deals');
  assert.ok(reports >= 1 && reports <= 2, `privacy.report() calls at start: ${reports}`);
  await page.waitForTimeout(500);
  assert.equal(await count('privacy.report'), reports, 'the privacy center keeps asking for the report');
  assert.equal(await count('recommend'), recommends, 'the slots keep asking for picks');
  // A real change still re-renders them, once.
  await page.evaluate(() => globalThis.__widgets.fake.award('points', { amount: 1 }));
  await page.waitForTimeout(300);
  assert.equal(await count('privacy.report'), reports + 1);
  // recommend() counts as showing the picks: only the row on screen asks again;
  // the deals row, below the fold, catches up once when scrolled near.
  assert.equal(await count('recommend'), recommends + 1, 'one recommend() for the row on screen');
  assert.equal(await count('recommend', 'deals'), deals);
  await page.locator('#deals').scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => globalThis.__widgets.fake.calls.filter((c) => c[0] === 'recommend' && c[1]?.slot === 'deals').length === n, deals + 1);
  await page.waitForTimeout(200);
  assert.equal(await count('recommend', 'deals'), deals + 1);
  assertClean(seen, 'loop page');
});

/**
 * Runs axe-core (WCAG 2 A and AA rules; it walks open shadow roots) on the
 * page. The source goes in through the DevTools protocol (page.evaluate), not
 * a <script>, so the page's CSP stays as strict as ever.
 * @param {import('playwright-core').Page} page
 */
async function axe(page) {
  const source = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    // @ts-ignore: axe is global once evaluated
    const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
}

test('axe-core finds no WCAG 2.1 A/AA violations in the widgets, light and dark, with the consent choices open', { timeout: TEST_TIMEOUT }, async () => {
  for (const colorScheme of /** @type {const} */ (['light', 'dark'])) {
    const { page, seen } = await openPage('sdk=fake', { colorScheme });
    await page.locator('#consent').getByRole('button', { name: 'Choose…' }).click();
    await page.locator('#privacy').getByRole('button', { name: 'Erase everything', exact: true }).click();
    await page.locator('#slot').getByRole('button', { name: 'Why this?' }).first().click();
    assert.deepEqual(await axe(page), [], `axe violations (${colorScheme})`);
    assertClean(seen, `axe page (${colorScheme})`);
  }
});

test('an element given its SDK before it is defined picks it up on upgrade; a second prefix works side by side', { timeout: TEST_TIMEOUT }, async () => {
  const { page, seen } = await openPage('sdk=fake');
  const result = await page.evaluate(async () => {
    const el = document.createElement('shop-points');
    el.hearth = globalThis.__widgets.hearth; // a plain property: shop-points is not defined yet
    document.querySelector('main').append(el);
    const { defineHearthElements } = await import('/hearth/widgets/index.js');
    const defined = defineHearthElements({ prefix: 'shop' });
    await new Promise((r) => setTimeout(r, 50));
    return { defined: defined.length, text: el.shadowRoot?.textContent ?? '', own: Object.prototype.hasOwnProperty.call(el, 'hearth'), same: el.hearth === globalThis.__widgets.hearth };
  });
  assert.equal(result.defined, 10);
  assert.match(result.text, /Your points120/);
  assert.equal(result.own, false, 'the pre-upgrade property was moved onto the accessor');
  assert.equal(result.same, true);
  await page.evaluate(() => globalThis.__widgets.fake.award('points', { amount: 3 }));
  await page.waitForFunction(() => document.querySelector('shop-points').shadowRoot.textContent.includes('123'));
  assertClean(seen, 'upgrade page');
});
