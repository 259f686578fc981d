// The widget gallery: every <hearth-*> element of `hearth/widgets` on the
// same Hearth (and the same IndexedDB key) as the store, so what the shopper
// did there shows here. Imports the package from /hearth/ like app.js does.

import { createHearth } from '/hearth/index.js';
import '/hearth/widgets/index.js';

const catalogText = await (await fetch('/catalog.json', { credentials: 'same-origin' })).text();
const items = JSON.parse(catalogText);
const byId = new Map(items.map((it) => [it.id, it]));
try {
  const hearth = await createHearth({ storage: 'indexeddb', key: 'hearth-demo' });
  hearth.catalog.load(catalogText);
  for (const slot of document.querySelectorAll('hearth-slot')) {
    slot.resolveItem = (id) => {
      const it = byId.get(id);
      return it ? { title: it.title, subtitle: it.brand, price: it.price, image: `/img/${id}.svg`, href: `/p/${id}` } : { title: id };
    };
  }
  for (const el of document.querySelectorAll('hearth-consent, hearth-slot, hearth-points, hearth-streak, hearth-tier, hearth-stamp-card, hearth-challenge, hearth-mystery, hearth-badges, hearth-privacy-center')) {
    el.connect(hearth);
  }
  document.body.dataset.hearthStatus = hearth.status;
} catch (e) {
  document.body.dataset.hearthStatus = 'failed';
  throw e;
}
