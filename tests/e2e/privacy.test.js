// Egress audit in Chromium: every request a page makes is logged. With
// measurement not granted (pending, denied, or denied by Global Privacy
// Control) the page makes zero requests to the collector — not on sync(), not
// on page hide, not across reloads. Granted, it sends only report envelopes
// whose every report matches the wire format (checked field by field here and
// by the core's own validator).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { privacyTools } from '../../js/index.js';
import { debugModule } from '../js/helpers/debug.js';
import { ROOT, STEP_TIMEOUT, TEST_TIMEOUT, launchChromium, watch } from './harness.js';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };
const CATALOG = [
  { id: 'sku-1', title: 'Trail runner', category: 'Shoes > Trail', brand: 'Acme', price: 89 },
  { id: 'sku-2', title: 'Rain shell', category: 'Jackets > Rain', brand: 'Acme', price: 150 },
  { id: 'sku-3', title: 'Wool socks', category: 'Accessories', brand: 'Knit', price: 12 },
];

// The page: createHearth with options from the query string and a clock the
// test moves (window.__clock), then exposes the instance.
const PAGE = `<!doctype html><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'">
<title>privacy egress</title><script type="module" src="/page.js"></script>`;
const PAGE_JS = `import { createHearth } from '/js/index.js';
const q = new URLSearchParams(location.search);
window.__clock = Number(q.get('t'));
const hearth = await createHearth({
  storage: 'local',
  endpoint: '/hearth',
  now: () => window.__clock,
  consent: JSON.parse(q.get('consent') || '{}'),
  sync: { auto: true, startDelay: 10, interval: 50, retryBase: 20, retryMax: 100 },
});
hearth.catalog.load(${JSON.stringify(JSON.stringify(CATALOG))});
window.hearth = hearth;
document.title = 'ready';`;

let server;
let origin;
/** @type {string[]} */ const collectorLog = [];

before(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/hearth/')) {
      let body = '';
      for await (const c of req) body += c;
      collectorLog.push(`${req.method} ${url.pathname} ${body}`);
      let ids = [];
      try {
        ids = JSON.parse(body).reports.map((/** @type {any} */ r) => r.id);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"INVALID_ARGUMENT","message":"bad envelope"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids, duplicates: [], rejected: [] }));
      return;
    }
    if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url.pathname === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(PAGE_JS);
    const file = normalize(join(ROOT, url.pathname));
    if (!url.pathname.startsWith('/js/') || !file.startsWith(join(ROOT, 'js'))) return void res.writeHead(404).end();
    try {
      const bytes = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(bytes);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

const T0 = Date.UTC(2026, 10, 20, 12);
const DAY = 86_400_000;

/**
 * Opens the page, browses over three days, syncs, hides the page, reloads
 * and syncs again; returns every request the context made.
 * @param {object} consent
 * @param {{ gpc?: boolean }} [opts]
 */
async function session(browser, consent, { gpc = false } = {}) {
  const context = await browser.newContext();
  if (gpc) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const seen = await watch(context);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const url = `${origin}/?t=${T0}&consent=${encodeURIComponent(JSON.stringify(consent))}`;
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'ready');
  for (let d = 0; d < 3; d++) {
    await page.evaluate((dt) => {
      const h = /** @type {any} */ (window).hearth;
      h.track({ type: 'view', item: 'sku-1' });
      h.recommend({ slot: 'for_you', count: 2 });
      const picks = h.recommend({ slot: 'for_you', count: 2 });
      h.feedback({ item: picks[0].item, slot: 'for_you', outcome: 'click' });
      /** @type {any} */ (window).__clock += dt;
    }, DAY);
  }
  const result = await page.evaluate(async () => {
    const h = /** @type {any} */ (window).hearth;
    const r = await h.sync();
    await new Promise((ok) => setTimeout(ok, 300)); // automatic rounds too
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    await new Promise((ok) => setTimeout(ok, 100));
    return { sync: r, consent: h.consent.get(), report: h.privacy.report() };
  });
  await page.reload();
  await page.waitForFunction(() => document.title === 'ready');
  const second = await page.evaluate(async () => {
    const h = /** @type {any} */ (window).hearth;
    /** @type {any} */ (window).__clock += 86_400_000;
    return h.sync();
  });
  await page.close();
  await context.close();
  return { seen, result, second };
}

/** Field-by-field check of one report against docs/privacy.md. */
function assertWireReport(r) {
  assert.deepEqual(Object.keys(r), ['v', 'id', 'period', 'type', 'epsilon', 'sdk', 'data']);
  assert.equal(r.v, 1);
  assert.match(r.id, /^[0-9a-f]{32}$/);
  assert.match(r.period, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(r.epsilon > 0 && r.epsilon <= 1);
  assert.equal(r.sdk, '0.1.0');
  const keys = Object.keys(r.data);
  switch (r.type) {
    case 'interests':
      assert.deepEqual(keys, r.data.mech === 'oue' ? ['mech', 'keys', 'bits'] : ['mech', 'keys', 'value']);
      assert.deepEqual(r.data.keys, ['accessories', 'jackets', 'shoes']);
      break;
    case 'bandit':
      assert.deepEqual(keys, ['shows', 'clicks']);
      assert.equal(r.data.shows.length, 6);
      assert.equal(r.data.clicks.length, 6);
      break;
    case 'engagement':
      assert.deepEqual(keys, ['counts']);
      assert.equal(r.data.counts.length, 7);
      break;
    default:
      assert.fail(`unexpected report type ${r.type}`);
  }
}

describe('privacy egress audit (Chromium)', { timeout: TEST_TIMEOUT * 3 }, () => {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());

  for (const [name, consent, gpc] of [
    ['measurement pending (the default)', {}, false],
    ['measurement denied', { measurement: 'denied' }, false],
    ['measurement granted by the host but Global Privacy Control on', { measurement: 'granted' }, true],
  ]) {
    test(`${name}: zero requests to the collector`, async () => {
      const before = collectorLog.length;
      const { seen, result, second } = await session(browser, consent, { gpc });
      const egress = seen.requests.filter((r) => new URL(r.url).pathname.startsWith('/hearth'));
      assert.deepEqual(egress, []);
      assert.equal(collectorLog.length, before);
      assert.equal(result.sync.status, 'skipped');
      assert.equal(second.status, 'skipped');
      assert.deepEqual(result.report.next, { bytes: 0, body: '', reports: [] });
      if (gpc) assert.deepEqual([result.consent.measurement.state, result.consent.measurement.source], ['denied', 'gpc']);
      // Nothing else leaves either: no request carries a body, none goes elsewhere.
      assert.deepEqual(seen.requests.filter((r) => r.method !== 'GET' || r.body), []);
      assert.deepEqual(seen.requests.filter((r) => new URL(r.url).origin !== origin), []);
      assert.deepEqual(seen.pageErrors, []);
      assert.deepEqual(seen.cspViolations, []);
    });
  }

  test('measurement granted: only report envelopes, each report valid', async () => {
    const tools = privacyTools(await debugModule());
    const { seen, result } = await session(browser, { measurement: 'granted' });
    const sent = seen.requests.filter((r) => r.method !== 'GET' || r.body);
    assert.ok(sent.length >= 1, 'at least one sync request');
    const ids = new Set();
    for (const r of sent) {
      assert.equal(r.method, 'POST');
      assert.equal(new URL(r.url).pathname, '/hearth/reports');
      const envelope = JSON.parse(r.body);
      assert.deepEqual(Object.keys(envelope), ['reports']);
      assert.ok(envelope.reports.length >= 1 && envelope.reports.length <= 50);
      assert.ok(Buffer.byteLength(r.body) <= 64 * 1024);
      for (const rep of envelope.reports) {
        assertWireReport(rep);
        assert.equal(tools.validateReport(JSON.stringify(rep)), null);
        ids.add(rep.id);
      }
    }
    // Three completed active days → three reports, each charged once.
    assert.equal(ids.size, 3);
    assert.equal(result.report.budget.ledger.length, 3);
    assert.deepEqual(new Set(result.report.budget.ledger.map((e) => e.reportId)), ids);
    assert.deepEqual(seen.requests.filter((r) => new URL(r.url).origin !== origin), []);
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.cspViolations, []);
  });
});
