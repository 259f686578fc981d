// The browser entry the bundlers build: Hearth's own session, then the
// OpenFeature provider reading it. Puts the outcome on window.__consumer.

import { OpenFeature } from '@openfeature/web-sdk';
import { HearthProvider } from 'hearth/openfeature';

import { session } from './scenario.js';

async function main() {
  const { hearth, result } = await session({ key: 'consumer-app' }); // IndexedDB, the browser default
  await OpenFeature.setProviderAndWait(new HearthProvider(hearth, { count: 3 }));
  const flags = OpenFeature.getClient();
  const segment = flags.getStringDetails('hearth.segment', 'unknown');
  result.openfeature = {
    segment: segment.value,
    reason: segment.reason,
    firstPick: flags.getStringValue('hearth.pick.for_you', 'none'),
    missing: flags.getBooleanDetails('hearth.nope', false).errorCode,
  };
  await hearth.save(); // the next visit starts from this (the test reloads)
  result.afterSave = hearth.status;
  return result;
}

const status = document.getElementById('status');
main().then(
  (r) => {
    globalThis.__consumer = r;
    if (status) status.textContent = `ready: ${r.picks.length} picks`;
  },
  (e) => {
    globalThis.__consumer = { error: String((e && e.stack) || e), code: e && e.code };
    if (status) status.textContent = 'failed';
  },
);
