// What the consumer app does with Hearth, in the browser (bundled) and in
// Node (ssr.mjs): the same calls an app makes, returning what the test
// checks. Imports 'hearth' exactly as an app that installed the tarball does.

import { createHearth, version } from 'hearth';

import { CATALOG } from './catalog.js';

export { CATALOG };

/**
 * Loads the catalog, reads the profile, tracks a short session, asks for
 * picks and reads the profile again.
 * @param {Parameters<typeof createHearth>[0]} options
 */
export async function session(options) {
  const hearth = await createHearth(options);
  const load = hearth.catalog.load(JSON.stringify(CATALOG));
  const before = hearth.profile();
  hearth.track({ type: 'view', item: 'trail-1' });
  hearth.track({ type: 'click', item: 'trail-2' });
  hearth.track({ type: 'add_to_cart', item: 'trail-1' });
  hearth.track({ type: 'purchase', item: 'trail-1', id: 'order-1' });
  const picks = hearth.recommend({ slot: 'for_you', count: 3 });
  const after = hearth.profile();
  const result = {
    version,
    status: hearth.status,
    catalog: { items: load.items, rejected: load.rejected.length, size: load.size },
    before: { events: before.rfm.eventsTotal, interests: before.interests.length, segment: before.segment },
    after: {
      events: after.rfm.eventsTotal,
      purchases: after.rfm.purchasesTotal,
      interests: after.interests.map((i) => i.feature),
      segment: after.segment,
      summary: after.summary,
    },
    picks: picks.map((p) => ({ item: p.item, reason: p.reason, propensity: p.propensity })),
  };
  return { hearth, result };
}
