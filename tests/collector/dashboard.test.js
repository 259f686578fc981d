// The collector dashboard in Debian's Chromium: it draws SVG charts (not
// tables) from the APIs under the strict CSP, with no CSP violation, console
// error or page error, and shows nothing for cells below k.
//
//   node --test tests/collector/dashboard.test.js

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { startCollector } from '../../demo/collector/server.mjs';
import { launchChromium, SHOTS, watch } from '../e2e/harness.js';
import { daysAgo, newId, postReports, seeded, storeUrls } from './harness.js';

const KEYS = ['apparel', 'camping', 'home', 'shoes', 'sports', 'toys'];
const urls = storeUrls();
let collector;
let browser;

before(async () => {
  collector = await startCollector({ port: 0, url: await urls.postgres(), k: 50 });
  const rand = seeded(3);
  const reports = [];
  for (const day of [3, 2, 1]) {
    const period = daysAgo(day);
    for (let i = 0; i < 400; ++i) {
      const base = { v: 1, id: newId(), period, epsilon: 1, sdk: '0.1.0' };
      if (i % 2) reports.push({ ...base, type: 'interests', data: { mech: 'krr', keys: KEYS, value: Math.floor(rand() * rand() * 7) } });
      else {
        const campaigns = [
          { id: 'spring', arm: rand() < 0.5 ? 'treatment' : 'holdout', value: Math.floor(rand() * 3) },
          // Only 3 reports a day: below k, never drawn.
          ...(i < 6 ? [{ id: 'tiny', arm: i % 2 ? 'treatment' : 'holdout', value: 1 }] : []),
        ];
        reports.push({ ...base, type: 'campaign', data: { campaigns } });
      }
    }
  }
  // One device = one sync: a report per POST here, so the budget chart shows ε = 1 per device-day.
  for (let i = 0; i < reports.length; i += 20) {
    const answers = await Promise.all(reports.slice(i, i + 20).map((r) => postReports(collector.url, [r])));
    for (const a of answers) assert.deepEqual(a.body.accepted.length, 1);
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await collector?.close();
  urls.stop();
});

test('the dashboard draws lift, interests, reports per day and budget as SVG under the strict CSP', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const seen = await watch(context);
  const page = await context.newPage();
  try {
    await page.goto(collector.url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20000 });
    // Lift: one row (spring), two marks (among exposed, ITT), each with whiskers.
    assert.equal(await page.locator('#lift svg').count(), 1);
    assert.equal(await page.locator('#lift svg > g:not(.legend) circle.dot.exposed').count(), 1);
    assert.equal(await page.locator('#lift svg > g:not(.legend) circle.dot.itt').count(), 1);
    assert.ok((await page.locator('#lift svg line.whisker').count()) >= 6);
    assert.equal(await page.locator('#lift-arms svg > g:not(.legend) circle.dot.treatment').count(), 1);
    assert.equal(await page.locator('#lift-arms svg > g:not(.legend) circle.dot.holdout').count(), 1);
    assert.match(await page.locator('#lift').locator('..').textContent(), /Below the k-threshold \(not shown\): tiny/);
    assert.doesNotMatch(await page.locator('#lift svg').textContent(), /tiny/);
    // Interests: one bar per key of the latest period.
    assert.equal(await page.locator('#interests svg rect.bar').count(), KEYS.length);
    // Reports per day: three days, two types stacked.
    assert.equal(await page.locator('#days svg rect.bar').count(), 6);
    // Budget: every sync spent ε = 1, marked against the allowed ε per day.
    assert.equal(await page.locator('#budget svg rect.bar').count(), 1);
    assert.equal(await page.locator('#budget svg line.limit').count(), 1);
    // Charts, not tables.
    assert.equal(await page.locator('table').count(), 0);
    await page.screenshot({ path: join(SHOTS, 'collector-dashboard.png'), fullPage: true });
    assert.deepEqual(seen.cspViolations, []);
    assert.deepEqual(seen.consoleErrors, []);
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});
