#!/usr/bin/env node
// Numbers for the storefront note, measured in Debian's Chromium:
//   node scripts/measure-storefront.mjs
// - time from navigation to the first render of the picks rows: cold (first
//   visit, nothing stored, popular picks) and warm (a returning shopper with
//   consent and a profile in IndexedDB: personalized picks);
// - JS and wasm transferred (encoded bytes from Resource Timing);
// - largest contentful paint and cumulative layout shift of the warm load.
import { grantConsent, launchChromium, startDemoServer } from '../tests/e2e/harness.js';

const server = await startDemoServer();
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.__lcp = 0;
    w.__cls = 0;
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (w.__lcp = e.startTime))).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (!(/** @type {any} */ (e)).hadRecentInput ? (w.__cls += /** @type {any} */ (e).value) : 0))).observe({ type: 'layout-shift', buffered: true });
    new MutationObserver(() => {
      if (!w.__picksAt && Number(document.body?.dataset.picksRevision) >= 1) w.__picksAt = performance.now();
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-picks-revision'] });
  });
  let page = await context.newPage();
  const load = async () => {
    await page.waitForFunction(() => /** @type {any} */ (window).__picksAt > 0 && document.body.dataset.shop === 'ready', null, { timeout: 30_000 });
    await page.waitForTimeout(300);
    return page.evaluate(() => {
      const w = /** @type {any} */ (window);
      const res = performance.getEntriesByType('resource');
      const sum = (re) => res.filter((r) => re.test(r.name)).reduce((s, r) => s + (/** @type {any} */ (r).encodedBodySize || 0), 0);
      return { picksMs: Math.round(w.__picksAt), lcpMs: Math.round(w.__lcp), cls: Number(w.__cls.toFixed(4)), jsBytes: sum(/\.m?js(\?|$)/), wasmBytes: sum(/\.wasm(\?|$)/) };
    });
  };
  await page.goto(server.url);
  const cold = await load();
  await grantConsent(page);
  for (let i = 0; i < 3; i++) {
    await page.locator('#grid a[data-item]').nth(i).click();
    await page.waitForSelector('#product[open]');
    await page.keyboard.press('Escape');
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(1500); // autosave
  // A returning shopper: the tab was closed, a new one opens the shop.
  await page.close();
  page = await context.newPage();
  await page.goto(server.url);
  const warm = await load();
  console.log(JSON.stringify({ cold, warm }, null, 2));
} finally {
  await browser.close();
  await server.stop();
}
