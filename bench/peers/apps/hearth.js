// Hearth: start (wasm + stored profile), load the catalog, one track, one recommend.
import { createHearth } from 'hearth';

const hearth = await createHearth({ consent: { personalization: 'granted', gamification: 'granted', measurement: 'pending' } });
await hearth.catalog.load(await (await fetch('/catalog.json')).text());
hearth.track({ type: 'view', item: 'sku-42' });
document.body.dataset.picks = hearth
  .recommend({ slot: 'for_you', count: 10 })
  .map((p) => p.item)
  .join(' ');
