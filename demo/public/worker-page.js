// /worker.html: the page side of Hearth-in-a-worker. Everything it shows
// comes back from the worker as plain data.
import { connectHearthWorker } from '/hearth/worker/index.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const worker = new Worker('/hearth-worker.js', { type: 'module' });
const hearth = connectHearthWorker(worker);

async function main() {
  const catalogText = await (await fetch('/catalog.json')).text();
  const items = JSON.parse(catalogText);
  const byId = new Map(items.map((it) => [it.id, it]));
  const started = await hearth.start({ storage: 'indexeddb', key: 'hearth-worker-demo' });
  const loaded = await hearth.call('catalog.load', catalogText);
  let changes = 0;
  hearth.on('change', () => {
    changes += 1;
    document.body.dataset.workerChanges = String(changes);
  });
  async function render() {
    const picks = await hearth.call('recommend', { slot: 'for_you', count: 5 });
    $('worker-picks').replaceChildren(
      ...picks.map((p) => {
        const li = document.createElement('li');
        li.dataset.item = p.item;
        li.textContent = `${byId.get(p.item)?.title ?? p.item} — ${p.reason}`;
        return li;
      }),
    );
    const profile = await hearth.call('profile');
    $('worker-status').textContent = `Worker Hearth ${started.status}: ${loaded.size} products, ${profile.rfm.eventsTotal} events on this device.`;
    document.body.dataset.workerEvents = String(profile.rfm.eventsTotal);
  }
  $('worker-view').addEventListener('click', async () => {
    const item = items[Math.floor(Math.random() * items.length)];
    await hearth.call('track', { type: 'view', item: item.id });
    await render();
  });
  /** @type {HTMLButtonElement} */ ($('worker-view')).disabled = false;
  await render();
  document.body.dataset.workerStatus = started.status;
}

main().catch((e) => {
  $('worker-status').textContent = `The worker could not start Hearth: ${e.message}`;
  document.body.dataset.workerStatus = 'failed';
});
