#!/usr/bin/env node
// Numbers for the storefront note, measured in Debian's Chromium:
//
//   node scripts/measure-storefront.mjs [--runs 3] [--json]
//
// For each run, in a fresh browser context (empty HTTP cache, empty storage):
// - cold: a first visit (nothing stored, consent pending: the popular picks);
// - then the visitor allows personal picks and opens three products;
// - reload: the same tab reloaded (pagehide save + restore of that state);
// - warm: the tab closed and the shop opened in a new one (HTTP cache and the
//   wasm code cache warm, the profile in IndexedDB: personalized picks).
// Per load: navigation → first render of the picks rows (the page's
// `shop:first-picks` performance mark), navigation → Hearth started,
// largest contentful paint, cumulative layout shift (and, when it is not 0,
// which elements shifted: the `sources` of the layout-shift entries), and the
// JS + wasm bytes: transferred over the wire (compressed when the server
// compresses; demo/server.mjs does, brotli or gzip) and decoded.
// Prints a table of medians over the runs (and every run with --json).
import { grantConsent, launchChromium, startDemoServer, startupProbes, waitForShop } from '../tests/e2e/harness.js';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 3;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a whole number >= 1');
const JSON_OUT = args.includes('--json');

/** Installed before any page script (after startupProbes): LCP, layout shifts with their sources. */
function observe() {
  const w = /** @type {any} */ (window);
  w.__lcp = 0;
  w.__cls = 0;
  w.__shifts = [];
  const describe = (node) => {
    if (!node || node.nodeType !== 1) return node ? node.nodeName : '?';
    const id = node.id ? `#${node.id}` : '';
    const cls = typeof node.className === 'string' && node.className ? `.${node.className.trim().split(/\s+/).join('.')}` : '';
    const parent = node.parentElement;
    const p = parent ? `${parent.tagName.toLowerCase()}${parent.id ? `#${parent.id}` : ''} > ` : '';
    return `${p}${node.tagName.toLowerCase()}${id}${cls}`;
  };
  new PerformanceObserver((l) => l.getEntries().forEach((e) => (w.__lcp = e.startTime))).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((l) =>
    l.getEntries().forEach((/** @type {any} */ e) => {
      if (e.hadRecentInput) return;
      w.__cls += e.value;
      w.__shifts.push({
        at: Math.round(e.startTime),
        value: Number(e.value.toFixed(5)),
        sources: (e.sources ?? []).map((s) => ({
          node: describe(s.node),
          from: [s.previousRect.x, s.previousRect.y, s.previousRect.width, s.previousRect.height].map(Math.round),
          to: [s.currentRect.x, s.currentRect.y, s.currentRect.width, s.currentRect.height].map(Math.round),
        })),
      });
    }),
  ).observe({ type: 'layout-shift', buffered: true });
}

/** Waits for the shop and its first picks, lets the page settle, reads the numbers. */
async function measure(page) {
  const state = await waitForShop(page, { firstPicks: true, timeout: 60_000 });
  if (state.shop !== 'ready') throw new Error(`the shop did not start: ${JSON.stringify(state)}`);
  // Late shifts (images, fonts, the rewards widgets) count too: wait until
  // nothing has been fetched for a while.
  await page.waitForLoadState('networkidle');
  return page.evaluate(() => {
    const w = /** @type {any} */ (window);
    const mark = (name) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
    const res = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource'));
    const nav = /** @type {any} */ (performance.getEntriesByType('navigation')[0]);
    const pick = (re) => res.filter((r) => re.test(new URL(r.name).pathname));
    const sum = (list, k) => list.reduce((s, r) => s + (r[k] || 0), 0);
    const js = pick(/\.m?js$/);
    const wasm = pick(/\.wasm$/);
    return {
      marks: performance
        .getEntriesByType('mark')
        .map((m) => `${m.name.replace(/^(probe|shop):/, '')}@${Math.round(m.startTime)}`)
        .join(' '),
      picksMs: mark('shop:first-picks'),
      hearthMs: mark('shop:hearth-started'),
      lcpMs: Math.round(w.__lcp),
      cls: Number(w.__cls.toFixed(4)),
      shifts: w.__shifts,
      // transferSize: bytes on the wire incl. headers (0 when served from cache
      // without revalidation); encodedBodySize: the (compressed) body;
      // decodedBodySize: the body after decompression.
      jsWire: sum(js, 'encodedBodySize'),
      jsRaw: sum(js, 'decodedBodySize'),
      wasmWire: sum(wasm, 'encodedBodySize'),
      wasmRaw: sum(wasm, 'decodedBodySize'),
      transferred: sum([...js, ...wasm], 'transferSize'),
      wasmRequests: wasm.length,
      jsFiles: js.length,
      encoding: nav?.serverTiming?.length ? 'see server timing' : undefined,
    };
  });
}

async function oneRun(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(startupProbes); // wasm, lock, IndexedDB milestones as probe:* marks
  await context.addInitScript(observe);
  try {
    let page = await context.newPage();
    await page.goto(url);
    const cold = await measure(page);

    await grantConsent(page);
    for (let i = 0; i < 3; i++) {
      await page.locator('#grid a[data-item]').nth(i).click();
      await page.waitForSelector('#product[open]');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => location.pathname === '/' && !document.querySelector('#product[open]'));
    }
    // Reload at the top of the page (the rows render only while visible):
    // without this Chromium sometimes restores the grid's scroll position.
    await page.evaluate(() => {
      history.scrollRestoration = 'manual';
      window.scrollTo(0, 0);
    });
    await page.reload();
    const reload = await measure(page);
    if ((await page.getAttribute('body', 'data-consent')) !== 'granted') throw new Error('the reload lost the consent');

    // A returning shopper: the tab was closed, a new one opens the shop.
    await page.close();
    page = await context.newPage();
    await page.goto(url);
    const warm = await measure(page);
    const personalized = await page.$eval('#for-you-subtitle', (el) => el.textContent ?? '');
    if (!/Based on what you browse/.test(personalized)) throw new Error(`the warm load's picks are not personalized: ${personalized}`);
    return { cold, reload, warm };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const server = await startDemoServer();
const browser = await launchChromium();
try {
  // The server precompresses its static files at start (best setting in the
  // background): measure once that is done, as a production host serving
  // precompressed assets would be.
  const settled = Date.now() + 180_000;
  for (;;) {
    const res = await fetch(new URL('/hearth/wasm/hearth_wasm.wasm', server.url), { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
    if (res.headers.get('x-compression') === 'best') break;
    if (Date.now() > settled) throw new Error('the demo server did not finish precompressing in 3 minutes');
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`measure-storefront: run ${i + 1}/${RUNS}\n`);
    runs.push(await oneRun(browser, server.url));
  }
  const rows = [
    ['navigation → first picks render', 'picksMs', (v) => `${v} ms`],
    ['navigation → Hearth started', 'hearthMs', (v) => `${v} ms`],
    ['largest contentful paint', 'lcpMs', (v) => `${v} ms`],
    ['cumulative layout shift', 'cls', (v) => v.toFixed(4)],
    ['JS transferred (body, wire)', 'jsWire', kb],
    ['JS decoded', 'jsRaw', kb],
    ['wasm transferred (body, wire)', 'wasmWire', kb],
    ['wasm decoded', 'wasmRaw', kb],
    ['JS + wasm on the wire (incl. headers)', 'transferred', kb],
  ];
  const loads = ['cold', 'reload', 'warm'];
  const lines = [
    `Storefront, Chromium ${browser.version()}, 1366×900, medians of ${RUNS} run(s) (machine load ${(await import('node:os')).loadavg()[0].toFixed(1)})`,
    '',
    `| | ${loads.join(' | ')} |`,
    `|---|${loads.map(() => '---:').join('|')}|`,
    ...rows.map(([label, key, fmt]) => `| ${label} | ${loads.map((l) => fmt(median(runs.map((r) => r[l][key])))).join(' | ')} |`),
  ];
  console.log(lines.join('\n'));
  const shifted = runs.flatMap((r, i) => loads.flatMap((l) => r[l].shifts.map((s) => ({ run: i + 1, load: l, ...s }))));
  if (shifted.length) {
    console.log('\nLayout shifts (run, load, time, value, sources):');
    for (const s of shifted) console.log(`  ${s.run} ${s.load} @${s.at} ms ${s.value}: ${s.sources.map((x) => `${x.node} ${x.from} → ${x.to}`).join('; ')}`);
  } else {
    console.log('\nNo layout shift in any load.');
  }
  console.log('\nStart-up milestones (ms after navigation):');
  for (const [i, r] of runs.entries()) for (const l of loads) console.log(`  ${i + 1} ${l}: ${r[l].marks}`);
  if (JSON_OUT) console.log(JSON.stringify(runs, null, 2));
} finally {
  await browser.close();
  await server.stop();
}
