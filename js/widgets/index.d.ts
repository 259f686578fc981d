/**
 * Hearth's custom elements: drop-in, framework-agnostic widgets for a shop.
 * Importing `hearth/widgets` defines every `<hearth-*>` element (idempotent;
 * nothing is defined where there is no DOM). Each element gets the SDK
 * instance through its `hearth` property or `connect(hearth)`, updates live
 * from the SDK's `'reward'`, `'change'` and `'consent'` events, and
 * unsubscribes when it leaves the document.
 *
 * Styles live in the elements' shadow roots as constructable stylesheets
 * (works under `style-src 'self'`); theme them with CSS custom properties:
 * `--hearth-accent`, `--hearth-accent-contrast`, `--hearth-accent-soft`,
 * `--hearth-surface`, `--hearth-surface-2`, `--hearth-text`,
 * `--hearth-text-muted`, `--hearth-border`, `--hearth-radius`,
 * `--hearth-success`, `--hearth-warning`, `--hearth-danger`, `--hearth-danger-contrast`,
 * `--hearth-focus`, `--hearth-font`, `--hearth-shadow`.
 *
 * @example
 * import { createHearth } from 'hearth';
 * import 'hearth/widgets';
 * const hearth = await createHearth();
 * for (const el of document.querySelectorAll('hearth-points, hearth-slot, hearth-privacy-center')) el.hearth = hearth;
 */

import type { Hearth, Pick } from '../index.js';

/**
 * What an element accepts as its SDK: a Hearth instance, or any object with
 * the same shape (the elements use `on`/`off`, `recommend`, `feedback`,
 * `profile`, `exportJSON`, `erase`, and the `game`, `consent` and `privacy`
 * namespaces when present; a missing namespace is shown as a message).
 */
export type WidgetHearth = Hearth | WidgetSdk;

export interface WidgetSdk {
  readonly status?: string;
  on(event: string, listener: (payload: any) => void): (() => void) | void;
  off?(event: string, listener: (payload: any) => void): void;
  [member: string]: any;
}

/** Base class of every element. */
export class HearthElement extends HTMLElement {
  /** The SDK instance shown; setting it re-subscribes and renders. */
  hearth: WidgetHearth | null;
  /** Sets `hearth`; returns the element. */
  connect(hearth: WidgetHearth | null): this;
  /** Re-renders now (it also re-renders by itself on SDK events). */
  update(): void;
}

/** `<hearth-points currency="points" label="…">`: a balance, with the last award. */
export class HearthPointsElement extends HearthElement {
  /** The `currency` attribute; `'points'` by default. */
  readonly currency: string;
}
/** `<hearth-streak label="…">`: current and best streak, freezes and the next-step message. */
export class HearthStreakElement extends HearthElement {}
/** `<hearth-stamp-card card="id">`: one stamp card, or all without `card`. */
export class HearthStampCardElement extends HearthElement {}
/** `<hearth-tier label="…">`: the tier, its benefits and the way to the next. */
export class HearthTierElement extends HearthElement {}
/** `<hearth-badges set="…">`: badges by set, earned first. */
export class HearthBadgesElement extends HearthElement {
  /** Display names of badge sets by set id (game state carries only the id); default: the id, humanized. */
  setNames: Record<string, string>;
}
/** `<hearth-challenge challenge="id">`: one challenge, or those not expired. */
export class HearthChallengeElement extends HearthElement {
  /** The clock for "time left" (default `Date.now`). */
  now: () => number;
}

/** `hearth-mystery-opened` detail: the result of `hearth.game.openMystery(box)`. */
export interface MysteryOpenedDetail {
  box: string;
  prize?: string;
  label?: string;
  [field: string]: unknown;
}

/**
 * `<hearth-mystery box="id">`: the odds table first, then Open (calls
 * `hearth.game.openMystery`) and the prize. Fires `hearth-mystery-opened`.
 */
export class HearthMysteryElement extends HearthElement {
  /** Opens the shown box, as the Open button does. */
  open(): Promise<void>;
}

/** What a slot card shows for an item; `resolveItem` maps ids to it. */
export interface ItemView {
  title?: string;
  subtitle?: string;
  /** A number is formatted as money in `currency` (default USD); a string is shown as is. */
  price?: number | string;
  currency?: string;
  /** Image URL (same-origin or data: under a strict CSP). */
  image?: string;
  /** Makes the card a link; without it the card is a button. */
  href?: string;
}

/** `hearth-pick` detail (cancelable: `preventDefault()` stops a link's navigation). */
export interface PickEventDetail {
  item: string;
  slot: 'for_you' | 'wow' | 'deals';
  pick: Pick;
}

/**
 * `<hearth-slot name="for_you|wow|deals" count="8" heading="…">`: a carousel
 * of `hearth.recommend()` picks with their reasons. A click reports
 * `feedback({ outcome: 'click' })` and fires `hearth-pick`; "Not interested"
 * reports `dismiss` and fires `hearth-dismiss` (the deals slot only fires the
 * events: `feedback()` has no deals slot). The attribute is `name` because
 * `slot` is HTML's own. Picks are asked for only while the row is on or near
 * the screen (each `recommend()` counts as showing them).
 */
export class HearthSlotElement extends HearthElement {
  /** The `name` attribute as a slot; `'for_you'` by default. */
  readonly slotName: 'for_you' | 'wow' | 'deals';
  /** The `count` attribute (1–24, default 8). */
  readonly count: number;
  /** The picks on screen now. */
  readonly picks: Pick[];
  /** Maps an item id to what its card shows (default: the id as title). */
  resolveItem: (id: string) => ItemView | null | undefined;
  /** The deals slot's context; undefined uses the SDK's defaults. */
  context: { hour?: number; weekday?: number; weather?: string; distanceKm?: number } | undefined;
  /** Asks for fresh picks (each call counts as showing them) and re-renders. */
  refresh(): void;
}

/**
 * `<hearth-consent always>`: the first-visit prompt for personalization,
 * gamification and measurement (Allow all / Deny all / Choose). Shown while a
 * purpose is pending (or always, with `always`); fires
 * `hearth-consent-decided` with the new `hearth.consent.get()`.
 */
export class HearthConsentElement extends HearthElement {
  /** True while the prompt asks. */
  readonly open: boolean;
  grantAll(): unknown;
  denyAll(): unknown;
}

/**
 * `<hearth-privacy-center heading="…">`: the profile in words with Forget per
 * interest, consent switches, the privacy budget with its ledger and the exact
 * bytes of the next sync, Export (JSON download) and Erase (with a
 * confirmation). Fires `hearth-export` and `hearth-erased`.
 */
export class HearthPrivacyCenterElement extends HearthElement {
  /** Downloads `hearth.exportJSON()`, as the Export button does. */
  exportData(): void;
  /** Erases everything (no confirmation: that is the button's job). */
  eraseAll(): Promise<void>;
}

/** Element name without prefix → class. */
export const elements: Readonly<{
  points: typeof HearthPointsElement;
  streak: typeof HearthStreakElement;
  'stamp-card': typeof HearthStampCardElement;
  tier: typeof HearthTierElement;
  badges: typeof HearthBadgesElement;
  challenge: typeof HearthChallengeElement;
  mystery: typeof HearthMysteryElement;
  slot: typeof HearthSlotElement;
  consent: typeof HearthConsentElement;
  'privacy-center': typeof HearthPrivacyCenterElement;
}>;

/**
 * Defines every element as `<{prefix}-{name}>` (default prefix `'hearth'`,
 * already done on import); names already defined are skipped. Returns the
 * tags defined by this call. Throws a TypeError for a prefix that is not
 * lowercase letters, digits and dashes.
 */
export function defineHearthElements(options?: { prefix?: string }): string[];

declare global {
  interface HTMLElementTagNameMap {
    'hearth-points': HearthPointsElement;
    'hearth-streak': HearthStreakElement;
    'hearth-stamp-card': HearthStampCardElement;
    'hearth-tier': HearthTierElement;
    'hearth-badges': HearthBadgesElement;
    'hearth-challenge': HearthChallengeElement;
    'hearth-mystery': HearthMysteryElement;
    'hearth-slot': HearthSlotElement;
    'hearth-consent': HearthConsentElement;
    'hearth-privacy-center': HearthPrivacyCenterElement;
  }
  interface HTMLElementEventMap {
    'hearth-pick': CustomEvent<PickEventDetail>;
    'hearth-dismiss': CustomEvent<{ item: string; slot: 'for_you' | 'wow' | 'deals' }>;
    'hearth-mystery-opened': CustomEvent<MysteryOpenedDetail>;
    'hearth-consent-decided': CustomEvent<unknown>;
    'hearth-export': CustomEvent<{ bytes: number }>;
    'hearth-erased': CustomEvent<Record<string, never>>;
  }
}
