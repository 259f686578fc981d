// End-to-end: Hearth inside a module Web Worker (hearth/worker), driven from
// demo/public/worker.html in Debian's Chromium under the strict CSP: the page
// starts the worker's Hearth, loads the catalog, tracks views through
// messages, gets picks back, and the worker's IndexedDB state survives a
// reload. An unknown method is refused with a HearthError code.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { TEST_TIMEOUT, launchChromium, shutDown, startDemoServer, watch } from './harness.js';

let server = null;
let browser = null;
let page;
let seen;

before(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
  const context = await browser.newContext();
  context.setDefaultTimeout(20_000);
  seen = await watch(context);
  page = await context.newPage();
});

after(() => shutDown(browser, server));

test('the page drives Hearth in a worker through messages, and its state persists', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto(new URL('/worker.html', server.url).href);
  await page.waitForFunction(() => document.body.dataset.workerStatus !== 'starting', null, { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-worker-status'), 'ready', (await page.textContent('#worker-status')) + JSON.stringify(seen));
  assert.equal(await page.getAttribute('body', 'data-worker-events'), '0');
  assert.equal(await page.locator('#worker-picks li').count(), 5, 'picks for a new visitor');

  for (let i = 1; i <= 3; i++) {
    await page.click('#worker-view');
    await page.waitForFunction((n) => document.body.dataset.workerEvents === String(n), i);
  }
  assert.ok(Number(await page.getAttribute('body', 'data-worker-changes')) >= 1, "the worker forwards 'change' events");
  const reason = await page.textContent('#worker-picks li');
  assert.match(reason, / — \S/, 'each pick carries its reason');

  // The page can call only the listed methods; errors come back as codes.
  const refused = await page.evaluate(async () => {
    const { connectHearthWorker } = await import('/hearth/worker/index.js');
    const w = connectHearthWorker(new Worker('/hearth-worker.js', { type: 'module' }));
    const out = [];
    try {
      await w.call('profile');
    } catch (e) {
      out.push(e.code);
    }
    await w.start({ storage: 'memory' });
    try {
      await w.call('close');
    } catch (e) {
      out.push(e.code);
    }
    w.terminate();
    return out;
  });
  assert.deepEqual(refused, ['FAILED_PRECONDITION', 'INVALID_ARGUMENT']);

  // Saved by the worker's autosave (IndexedDB is a worker API too).
  await page.waitForTimeout(1500);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.workerStatus === 'ready', null, { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-worker-events'), '3', 'the worker restored its state after a reload');

  assert.deepEqual(seen.cspViolations, [], 'CSP violations');
  assert.deepEqual(seen.pageErrors, [], 'page errors');
  assert.deepEqual(seen.consoleErrors, [], 'console errors');
});
