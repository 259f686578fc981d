// <hearth-slot name="for_you" count="8" heading="Picked for you">: a carousel
// of hearth.recommend() picks, each with its "why this" reason, a "Not
// interested" button (hearth.feedback dismiss) and a main link whose click
// is reported with hearth.feedback click before the host handles it.
//
//   const row = document.querySelector('hearth-slot');
//   row.resolveItem = (id) => ({ title, price, image, href });   // your catalog
//   row.hearth = hearth;
//   row.addEventListener('hearth-pick', (e) => openProduct(e.detail.item));
//
// The attribute is `name`, not `slot`: `slot` is HTML's own (shadow DOM
// slotting) and `el.slot` a built-in property.
//
// Keyboard: Tab reaches each card's controls; ←/→ (and Home/End) move between
// cards; the arrow buttons page the row. recommend() counts as showing the
// picks (the bandit learns from it), so the row asks for picks only when it
// is connected and the user's state changed, at most once per microtask.

import { HearthElement, h, messageOf, reducedMotion } from './base.js';
import { icon } from './styles.js';

const HEADINGS = { for_you: 'Picked for you', wow: 'Something different', deals: 'Deals for you' };
const MAX_COUNT = 24;
/** The slots hearth.feedback() accepts. */
const FEEDBACK_SLOTS = ['for_you', 'wow'];

/**
 * @typedef {{ title?: string, subtitle?: string, price?: number | string, currency?: string, image?: string, href?: string }} ItemView
 */

export class HearthSlotElement extends HearthElement {
  static observedAttributes = ['name', 'count', 'heading'];
  static events = ['change', 'consent'];
  static css = `
.hw { padding: 16px 0 14px; }
.head { display: flex; align-items: flex-end; gap: 12px; padding: 0 18px; margin-bottom: 12px; }
.heading { font-size: 1.15rem; font-weight: 750; }
.sub { font-size: 0.85rem; color: var(--_muted); }
.nav { margin-left: auto; display: flex; gap: 8px; }
.nav button { width: 40px; padding: 0; }
.nav svg, .x svg { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2.2; stroke-linecap: round; stroke-linejoin: round; }
.track { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(180px, 210px); gap: 14px; overflow-x: auto;
  scroll-snap-type: x mandatory; scroll-padding: 0 18px; padding: 6px 18px 8px; scroll-behavior: smooth; scrollbar-width: thin; }
.card { scroll-snap-align: start; position: relative; display: flex; flex-direction: column; border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) - 2px); background: var(--_surface); overflow: hidden; transition: box-shadow 0.2s, transform 0.2s; }
.card:hover { box-shadow: var(--_shadow); transform: translateY(-2px); }
.media { aspect-ratio: 1; background: var(--_surface-2); display: grid; place-items: center; color: var(--_muted); }
.media img { width: 100%; height: 100%; object-fit: cover; display: block; }
.info { padding: 10px 12px 12px; display: flex; flex-direction: column; gap: 4px; flex: 1; }
.open { color: var(--_text); font-weight: 650; text-decoration: none; line-height: 1.3; border-radius: 4px; font: inherit; font-weight: 650;
  background: none; border: 0; padding: 0; min-height: 0; text-align: left; cursor: pointer; display: block; }
.open::after { content: ""; position: absolute; inset: 0 0 auto 0; aspect-ratio: 1; }
.open:hover { text-decoration: underline; text-underline-offset: 3px; }
.meta { font-size: 0.8rem; color: var(--_muted); }
.price-row { display: flex; align-items: center; gap: 8px; margin-top: auto; padding-top: 4px; }
.price { font-weight: 750; }
.deal { background: var(--_accent); color: var(--_on-accent); }
.why { align-self: flex-start; min-height: 28px; padding: 2px 0; border: 0; background: none; color: var(--_accent); font-size: 0.8rem; font-weight: 600; }
.why[aria-expanded="true"] { text-decoration: underline; }
.reason { font-size: 0.8rem; color: var(--_text); background: var(--_accent-soft); border-radius: 8px; padding: 6px 8px; }
.x { position: absolute; top: 8px; right: 8px; width: 32px; height: 32px; min-height: 0; padding: 0; z-index: 1;
  background: color-mix(in srgb, var(--_surface) 88%, transparent); border-color: transparent; }
.skeleton .line { display: block; height: 12px; border-radius: 6px; background: var(--_surface-2); margin: 4px 0; }
.skeleton .line--short { width: 55%; }
@supports selector(:has(*)) {
  .card:has(.open:focus-visible) { outline: 3px solid var(--_focus); outline-offset: 2px; }
  .card .open:focus-visible { outline: none; text-decoration: underline; text-underline-offset: 3px; }
}
.leaving { animation: hearth-leave 0.28s ease-in forwards; }
@keyframes hearth-leave { to { opacity: 0; transform: scale(0.92); } }
.empty { margin: 0 18px; }
.privacy { display: flex; gap: 6px; align-items: center; font-size: 0.76rem; color: var(--_muted); padding: 4px 18px 0; }
.privacy svg { width: 14px; height: 14px; fill: none; stroke: currentColor; stroke-width: 2; }
@media (prefers-reduced-motion: reduce) { .track { scroll-behavior: auto; } .card:hover { transform: none; } }
`;

  /** @type {import('../index.js').Pick[]} */ #picks = [];
  #stale = true;
  /** @type {string | null} */ #error = null;
  /** @type {Set<string>} */ #open = new Set();
  /** @type {Map<string, string>} */ #dismissed = new Map();
  /** @type {IntersectionObserver | null} */ #observer = null;
  /** On or near the screen (always true without IntersectionObserver). */
  #visible = true;
  /** recommend() has answered at least once. */
  #loaded = false;

  /**
   * Maps an item id to what the card shows; the default shows the id.
   * @type {(id: string) => ItemView | null | undefined}
   */
  resolveItem = (id) => ({ title: id });

  /** The deals slot's context (hour, weekday, weather, distanceKm); undefined uses the SDK's defaults. */
  context = undefined;

  get hearth() {
    return super.hearth;
  }

  /** Another SDK instance is another user: forget this one's picks and dismissals. */
  set hearth(value) {
    if (value !== super.hearth) {
      this.#stale = true;
      this.#loaded = false;
      this.#picks = [];
      this.#dismissed.clear();
      this.#open.clear();
    }
    super.hearth = value;
  }

  /** The recommendation slot, from the `name` attribute ('for_you' by default). */
  get slotName() {
    const s = this.getAttribute('name');
    return s === 'wow' || s === 'deals' ? s : 'for_you';
  }

  get count() {
    const n = Number(this.getAttribute('count') ?? 8);
    return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_COUNT) : 8;
  }

  /** The picks on screen now. */
  get picks() {
    return this.#picks.slice();
  }

  /** Asks for fresh picks and re-renders. */
  refresh() {
    this.#stale = true;
    this.update();
  }

  onHearthEvent() {
    this.#stale = true;
  }

  attributeChangedCallback() {
    this.#stale = true;
    super.attributeChangedCallback();
  }

  connectedCallback() {
    this.#stale = true;
    // recommend() counts as showing the picks (bandit, fatigue): ask only
    // while the row is on or near the screen, and catch up when it comes back.
    if (typeof IntersectionObserver === 'function' && !this.#observer) {
      this.#visible = false;
      this.#observer = new IntersectionObserver(
        (entries) => {
          const seen = entries.some((e) => e.isIntersecting);
          const wasHidden = !this.#visible;
          this.#visible = seen;
          if (seen && wasHidden && this.#stale) this.update();
        },
        { rootMargin: '200px 0px' },
      );
    }
    this.#observer?.observe(this);
    super.connectedCallback();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    super.disconnectedCallback();
  }

  #load() {
    this.#stale = false;
    this.#error = null;
    try {
      /** @type {any} */
      const request = { slot: this.slotName, count: this.count };
      if (this.slotName === 'deals' && this.context) request.context = this.context;
      this.#picks = this.hearth.recommend(request).filter((/** @type {any} */ p) => !this.#dismissed.has(p.item));
      this.#loaded = true;
    } catch (e) {
      this.#picks = [];
      this.#error = messageOf(e);
    }
  }

  render() {
    const heading = this.getAttribute('heading') || HEADINGS[this.slotName];
    const gone = this.missing(undefined, heading);
    if (gone) {
      this.body.replaceChildren(gone);
      return;
    }
    if (this.#stale && this.#visible) this.#load();
    const headingId = `h-${this.slotName}`;
    const listId = `list-${this.slotName}`;
    const prev = h('button', { type: 'button', 'aria-label': `Previous ${heading.toLowerCase()}`, 'aria-controls': listId, 'data-focus-key': 'prev' }, icon('chevronLeft'));
    const next = h('button', { type: 'button', 'aria-label': `More ${heading.toLowerCase()}`, 'aria-controls': listId, 'data-focus-key': 'next' }, icon('chevronRight'));
    const track = h('ul', { class: 'track', id: listId, 'aria-labelledby': headingId });
    const section = h(
      'section',
      { 'aria-roledescription': 'carousel', 'aria-labelledby': headingId },
      h(
        'div',
        { class: 'head' },
        h('div', {}, h('h2', { class: 'heading', id: headingId }, heading), h('p', { class: 'sub' }, this.#subtitle())),
        h('div', { class: 'nav' }, prev, next),
      ),
    );
    if (!this.#loaded && !this.#error) {
      // Not asked yet (off screen): placeholders of the cards' size, so nothing moves later.
      track.setAttribute('aria-busy', 'true');
      for (let i = 0; i < Math.min(this.count, 6); i++) track.append(h('li', { class: 'card skeleton', 'aria-hidden': 'true' }, h('div', { class: 'media' }), h('div', { class: 'info' }, h('span', { class: 'line' }), h('span', { class: 'line line--short' }))));
      section.append(track);
    } else if (this.#error) section.append(h('div', { class: 'empty' }, this.notice(`Picks are not available: ${this.#error}`, 'error')));
    else if (this.#picks.length === 0) section.append(h('div', { class: 'empty' }, this.notice(this.slotName === 'deals' ? 'No deals for you right now — check back soon.' : 'No picks yet — browse a little and they will appear here.', 'off')));
    else {
      this.#picks.forEach((p, i) => track.append(this.#card(p, i)));
      section.append(track);
    }
    section.append(h('p', { class: 'privacy' }, icon('lock'), 'Chosen on this device — nothing was sent'));

    const page = (/** @type {number} */ dir) => {
      track.scrollBy({ left: dir * Math.max(track.clientWidth - 60, 160), behavior: reducedMotion() ? 'auto' : 'smooth' });
    };
    prev.addEventListener('click', () => page(-1));
    next.addEventListener('click', () => page(1));
    const nav = /** @type {HTMLElement} */ (prev.parentElement);
    const sync = () => {
      const max = track.scrollWidth - track.clientWidth;
      // Everything fits: no arrows to page with.
      nav.hidden = max <= 1;
      /** @type {HTMLButtonElement} */ (prev).disabled = track.scrollLeft <= 1;
      /** @type {HTMLButtonElement} */ (next).disabled = track.scrollLeft >= max - 1;
    };
    track.addEventListener('scroll', sync, { passive: true });
    track.addEventListener('keydown', (e) => this.#onKey(e, track));
    this.body.replaceChildren(section);
    sync();
    requestAnimationFrame(sync);
  }

  #subtitle() {
    if (this.slotName === 'wow') return 'A little outside your usual, still up your street.';
    if (this.slotName === 'deals') return 'Offers that fit what you like, right now.';
    let learned = true;
    try {
      learned = (this.hearth?.profile?.()?.interests?.length ?? 0) > 0;
    } catch {
      // no readable profile (denied consent, closed): keep the general line
    }
    return learned ? 'Based on what you browse here.' : 'Popular right now — picks adapt as you browse.';
  }

  /**
   * @param {any} p a pick
   * @param {number} i
   */
  #card(p, i) {
    let view = null;
    try {
      view = this.resolveItem(p.item);
    } catch {
      view = null;
    }
    /** @type {ItemView} */
    const v = view ?? { title: p.item };
    const title = String(v.title ?? p.item);
    const reasonId = `why-${i}`;
    const open = v.href
      ? h('a', { class: 'open', href: String(v.href), 'data-focus-key': `open:${p.item}`, 'data-card': i }, title)
      : h('button', { type: 'button', class: 'open', 'data-focus-key': `open:${p.item}`, 'data-card': i }, title);
    open.addEventListener('click', (e) => {
      this.#feedback(p.item, 'click');
      const go = this.dispatchEvent(new CustomEvent('hearth-pick', { detail: { item: p.item, slot: this.slotName, pick: p }, bubbles: true, composed: true, cancelable: true }));
      if (!go) e.preventDefault();
    });
    const expanded = this.#open.has(p.item);
    const why = h('button', { type: 'button', class: 'why', 'aria-expanded': String(expanded), 'aria-controls': reasonId, 'data-focus-key': `why:${p.item}` }, 'Why this?');
    const reason = h('p', { class: 'reason', id: reasonId, hidden: !expanded }, String(p.reason ?? ''));
    why.addEventListener('click', () => {
      const now = !this.#open.has(p.item);
      if (now) this.#open.add(p.item);
      else this.#open.delete(p.item);
      why.setAttribute('aria-expanded', String(now));
      reason.hidden = !now;
    });
    const x = h('button', { type: 'button', class: 'x', 'aria-label': `Not interested in ${title}`, title: 'Not interested', 'data-focus-key': `x:${p.item}` }, icon('close'));
    x.addEventListener('click', () => this.#dismiss(p, title));

    const media = h('div', { class: 'media', 'aria-hidden': 'true' });
    if (v.image) media.append(h('img', { src: String(v.image), alt: '', loading: 'lazy', width: 210, height: 210 }));
    else media.append(icon('gift'));
    const priceRow = h('div', { class: 'price-row' });
    if (v.price !== undefined && v.price !== null && v.price !== '') {
      const text = typeof v.price === 'number' ? formatPrice(v.price, v.currency) : String(v.price);
      priceRow.append(h('span', { class: 'price' }, text));
    }
    if (typeof p.discount === 'number' && p.discount > 0) priceRow.append(h('span', { class: 'chip deal' }, `−${Math.round(p.discount * 100)}%`));
    return h(
      'li',
      { class: 'card', 'aria-label': `${title}, ${i + 1} of ${this.#picks.length}`, 'data-item': p.item },
      media,
      x,
      h('div', { class: 'info' }, v.subtitle ? h('p', { class: 'meta' }, String(v.subtitle)) : null, open, priceRow, why, reason),
    );
  }

  /** ←/→/Home/End move focus between the cards' main links. */
  #onKey(/** @type {KeyboardEvent} */ e, /** @type {HTMLElement} */ track) {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    const opens = [...track.querySelectorAll('.open')];
    if (opens.length === 0) return;
    const active = this.shadowRoot?.activeElement;
    const card = active instanceof HTMLElement ? active.closest('.card') : null;
    const at = card ? [...track.children].indexOf(card) : -1;
    let to = at;
    if (e.key === 'ArrowLeft') to = Math.max(0, at - 1);
    else if (e.key === 'ArrowRight') to = Math.min(opens.length - 1, at + 1);
    else if (e.key === 'Home') to = 0;
    else to = opens.length - 1;
    e.preventDefault();
    const target = /** @type {HTMLElement} */ (opens[to]);
    target.focus({ preventScroll: true });
    target.closest('.card')?.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
  }

  #feedback(item, outcome) {
    // feedback() teaches the for_you / wow bandit; the SDK has none for deals
    // (it rejects slot 'deals'), so a deal's click or dismissal stays on the
    // page: the host still gets hearth-pick / hearth-dismiss.
    if (!FEEDBACK_SLOTS.includes(this.slotName)) return true;
    try {
      this.hearth?.feedback?.({ item, slot: this.slotName, outcome });
      return true;
    } catch (e) {
      this.announce(`Could not record that: ${messageOf(e)}`);
      return false;
    }
  }

  /** @param {any} p @param {string} title */
  #dismiss(p, title) {
    if (!this.#feedback(p.item, 'dismiss')) return;
    this.#dismissed.set(p.item, title);
    const index = this.#picks.findIndex((x) => x.item === p.item);
    const li = this.shadowRoot?.querySelector(`li[data-item="${CSS.escape(p.item)}"]`);
    const finish = () => {
      this.#picks = this.#picks.filter((x) => x.item !== p.item);
      this.#open.delete(p.item);
      this.update();
      const opens = this.shadowRoot?.querySelectorAll('.open') ?? [];
      const target = /** @type {HTMLElement | undefined} */ (opens[Math.min(index, opens.length - 1)]);
      (target ?? /** @type {HTMLElement | null} */ (this.shadowRoot?.querySelector('.nav button') ?? null))?.focus();
    };
    this.announce(`${title} removed. You will not see it here for a while.`);
    this.emit('hearth-dismiss', { item: p.item, slot: this.slotName });
    if (li && !reducedMotion()) {
      li.classList.add('leaving');
      setTimeout(finish, 280);
    } else finish();
  }
}

/** @param {number} n @param {string} [currency] */
function formatPrice(n, currency = 'USD') {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return String(n);
  }
}
