#!/usr/bin/env node
// Screenshots of the storefront's main pages at a desktop and a phone
// viewport, for a person to look at (kept out of git, in out/screenshots/pages/):
//
//   node scripts/screenshot-storefront.mjs
//
// home, product, cart, checkout, rewards (after an order: points, a stamp),
// privacy center, collector dashboard (after the built-in simulator ran).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { SHOTS, grantConsent, launchChromium, startDemoServer } from '../tests/e2e/harness.js';

const OUT = join(SHOTS, 'pages');
mkdirSync(OUT, { recursive: true });
const VIEWPORTS = {
  desktop: { viewport: { width: 1366, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

const server = await startDemoServer({ collector: true });
const browser = await launchChromium();
try {
  for (const [name, options] of Object.entries(VIEWPORTS)) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const shot = (what, extra = {}) => page.screenshot({ path: join(OUT, `${what}-${name}.png`), ...extra });
    await page.goto(server.url);
    await grantConsent(page);
    await page.waitForFunction(() => Number(document.body.dataset.picksRevision) >= 1);
    await page.waitForLoadState('networkidle');
    await shot('home');
    await page.locator('#grid a[data-item]').nth(0).click();
    await page.waitForSelector('#product[open]');
    await page.waitForLoadState('networkidle');
    await shot('product');
    await page.click('#add-to-cart');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => location.pathname === '/' && !document.querySelector('#product[open]'));
    await page.click('#cart-button');
    await page.waitForSelector('#cart[open]');
    await shot('cart');
    await page.click('#checkout-button');
    await shot('checkout');
    await page.fill('#pay-name', 'Ada Shopper');
    await page.click('#pay-button');
    await page.waitForFunction(() => document.body.dataset.orders === '1');
    await page.locator('#rewards').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('rewards')?.scrollIntoView({ block: 'start' }));
    await page.waitForLoadState('networkidle');
    await shot('rewards');
    await page.evaluate(() => document.getElementById('privacy-center')?.scrollIntoView({ block: 'start' }));
    await shot('privacy');
    await page.fill('#sim-n', '40');
    await page.click('#sim-run');
    await page.waitForFunction(() => /shoppers, \d+ events/.test(document.querySelector('#sim-result')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.goto(new URL('/collector/', server.url).href);
    await page.waitForLoadState('networkidle');
    await shot('dashboard');
    await context.close();
  }
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await server.stop();
}
