// The page side of the README's Worker recipe, bundled: the engine runs in
// a module worker the bundler emits; the page only posts messages.

import { connectHearthWorker } from 'hearth/worker';

import { CATALOG } from './catalog.js';

async function main() {
  const hearth = connectHearthWorker(new Worker(new URL('./hearth-worker.js', import.meta.url), { type: 'module' }));
  let changes = 0;
  hearth.on('change', () => changes++);
  await hearth.start({ storage: 'indexeddb', key: 'consumer-worker' });
  const load = await hearth.call('catalog.load', JSON.stringify(CATALOG));
  await hearth.call('track', { type: 'view', item: 'tent-1' });
  await hearth.call('track', { type: 'add_to_cart', item: 'tent-1' });
  const picks = await hearth.call('recommend', { slot: 'for_you', count: 3 });
  const profile = await hearth.call('profile');
  let refused = null;
  try {
    await hearth.call('close');
  } catch (e) {
    refused = e.code;
  }
  return { items: load.items, picks, events: profile.rfm.eventsTotal, interests: profile.interests.map((i) => i.feature), changes, refused };
}

main().then(
  (r) => {
    globalThis.__consumer = r;
    document.getElementById('status').textContent = 'ready';
  },
  (e) => {
    globalThis.__consumer = { error: String((e && e.stack) || e), code: e && e.code };
  },
);
