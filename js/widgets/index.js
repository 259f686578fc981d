// hearth/widgets: framework-agnostic custom elements for Hearth.
//
//   import 'hearth/widgets';                  // defines <hearth-*> (idempotent)
//   document.querySelector('hearth-points').hearth = hearth;
//
// Importing this module defines every element under its `hearth-` name: the
// set is meant to be dropped into a page, and defining is idempotent (a name
// already taken is left alone), harmless where there is no DOM (Node, SSR:
// nothing is defined) and listed in package.json "sideEffects" so bundlers
// keep it. defineHearthElements({ prefix }) registers the same elements under
// another prefix as well (e.g. 'shop' → <shop-points>), for pages where the
// names collide. Types and docs: index.d.ts.

import { HearthBadgesElement } from './badges.js';
import { HearthChallengeElement } from './challenge.js';
import { HearthConsentElement } from './consent.js';
import { HearthMysteryElement } from './mystery.js';
import { HearthPointsElement } from './points.js';
import { HearthPrivacyCenterElement } from './privacy-center.js';
import { HearthSlotElement } from './slot.js';
import { HearthStampCardElement } from './stamp-card.js';
import { HearthStreakElement } from './streak.js';
import { HearthTierElement } from './tier.js';

export { HearthElement } from './base.js';
export {
  HearthBadgesElement,
  HearthChallengeElement,
  HearthConsentElement,
  HearthMysteryElement,
  HearthPointsElement,
  HearthPrivacyCenterElement,
  HearthSlotElement,
  HearthStampCardElement,
  HearthStreakElement,
  HearthTierElement,
};

/** Element name (without prefix) → class. */
export const elements = Object.freeze({
  points: HearthPointsElement,
  streak: HearthStreakElement,
  'stamp-card': HearthStampCardElement,
  tier: HearthTierElement,
  badges: HearthBadgesElement,
  challenge: HearthChallengeElement,
  mystery: HearthMysteryElement,
  slot: HearthSlotElement,
  consent: HearthConsentElement,
  'privacy-center': HearthPrivacyCenterElement,
});

/**
 * Defines every element as `<{prefix}-{name}>`; names already defined are
 * skipped. Returns the names it defined now.
 * @param {{ prefix?: string }} [options]
 * @returns {string[]}
 */
export function defineHearthElements(options = {}) {
  const registry = globalThis.customElements;
  if (!registry) return [];
  const prefix = options.prefix ?? 'hearth';
  if (typeof prefix !== 'string' || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(prefix)) {
    throw new TypeError(`defineHearthElements(): prefix must be lowercase letters, digits and dashes, such as 'shop', not ${JSON.stringify(prefix)}`);
  }
  const defined = [];
  for (const [name, Cls] of Object.entries(elements)) {
    const tag = `${prefix}-${name}`;
    if (registry.get(tag)) continue;
    // A class can be registered under one name only: other prefixes get a subclass.
    const ctor = prefix === 'hearth' ? Cls : class extends Cls {};
    registry.define(tag, /** @type {CustomElementConstructor} */ (/** @type {unknown} */ (ctor)));
    defined.push(tag);
  }
  return defined;
}

defineHearthElements();
