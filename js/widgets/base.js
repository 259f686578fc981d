// The shared base of Hearth's custom elements: how an element gets its SDK
// instance, subscribes to its events, renders and tears down.
//
//   const el = document.createElement('hearth-points');
//   el.hearth = hearth;            // or el.connect(hearth)
//   document.body.append(el);      // renders, then updates on 'reward' / 'change' / 'consent'
//
// Rules every element keeps (they are what makes the set safe to drop into a
// shop under a strict Content-Security-Policy):
// - Text that comes from data (catalog titles, reward labels, profile words)
//   reaches the DOM through `textContent` only: h() below has no HTML path.
// - Styles come from constructable stylesheets adopted by the shadow root
//   (`adoptedStyleSheets`), never from `<style>` elements or `style`
//   attributes, so `style-src 'self'` holds. Dynamic values (a progress
//   fraction) are set as CSS custom properties through the CSSOM.
// - Every subscription made while connected is removed on disconnect.
// - An SDK without a namespace (no `game` or `privacy` yet) or an event the SDK
//   does not know is not an error: the element says what is missing.

import { BASE_CSS, sheet } from './styles.js';

/** HTMLElement in browsers; a stand-in in Node so that importing the module does not throw. */
const Base = /** @type {typeof HTMLElement} */ (globalThis.HTMLElement ?? class {});

let uid = 0;

/**
 * How many elements are inside render() right now. A 'change' the SDK emits
 * meanwhile was caused by an element reading it (privacy.report() prepares
 * the next round; recommend() may draw), not by the user: no element
 * re-renders for it, or two such readers would wake each other forever.
 */
let rendering = 0;

/**
 * Builds an element. Children are nodes or strings (strings become text
 * nodes: there is no way to pass markup). Attributes named `style` or `on*`
 * are refused, so no code path can smuggle CSP-relevant markup in.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'style' || /^on/i.test(k)) throw new TypeError(`h(): attribute '${k}' is not allowed`);
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** An id unique in the document, for aria-labelledby / aria-controls inside one shadow root. */
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** @param {number} n @param {string} [locale] */
export function formatNumber(n, locale) {
  try {
    return new Intl.NumberFormat(locale).format(n);
  } catch {
    return String(n);
  }
}

/** `1 point`, `120 points`, `1 star`… (English copy; a host can relabel with the `label` attribute). */
export function plural(n, one, many = `${one}s`) {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** A currency key ('points') as a word for the user. */
export function currencyWord(currency, n) {
  const c = String(currency || 'points');
  const singular = c.endsWith('s') ? c.slice(0, -1) : c;
  return n === 1 ? singular : singular === c ? `${c}s` : c;
}

/** The user asked the system for less motion. */
export function reducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** The SDK's revision, or undefined when it has none (or is closed). */
function revisionOf(hearth) {
  try {
    const r = hearth?.revision;
    return typeof r === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Best-effort message of anything thrown. */
export function messageOf(e) {
  return e && typeof e === 'object' && 'message' in e ? String(/** @type {any} */ (e).message) : String(e);
}

/**
 * Base class of every Hearth element. Subclasses set `static css` (their own
 * rules; the shared tokens and helpers come first), `static events` (the SDK
 * events that make them re-render) and implement `render()`.
 */
export class HearthElement extends Base {
  /** Extra CSS of the subclass. */
  static css = '';
  /** SDK events that schedule a re-render. */
  static events = /** @type {string[]} */ (['change']);

  /** @type {any} */ #hearth = null;
  /** @type {Array<() => void>} */ #subscriptions = [];
  #scheduled = false;
  /** A non-'change' event is waiting: render even if the revision did not move. */
  #force = false;
  /** hearth.revision right after the last render (undefined when the SDK has none). */
  /** @type {number | undefined} */ #renderedRevision = undefined;
  #connected = false;
  /** @type {HTMLElement | null} */ #live = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open', delegatesFocus: false });
    const ctor = /** @type {typeof HearthElement} */ (this.constructor);
    root.adoptedStyleSheets = [sheet(BASE_CSS), sheet(ctor.css)];
    /** The element's content (re-rendered); the live region sits beside it and stays. */
    this.body = h('div', { class: 'hw', part: 'body' });
    this.#live = h('p', { class: 'vh', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    root.append(this.body, this.#live);
  }

  /** The Hearth instance the element shows; setting it (re)subscribes and renders. */
  get hearth() {
    return this.#hearth;
  }

  set hearth(value) {
    if (value === this.#hearth) return;
    this.#unsubscribe();
    this.#hearth = value ?? null;
    if (this.#connected) {
      this.#subscribe();
      this.update();
    }
  }

  /**
   * Same as setting `hearth`; returns the element, for chaining.
   * @param {any} hearth
   */
  connect(hearth) {
    this.hearth = hearth;
    return this;
  }

  connectedCallback() {
    // A `hearth` set on the element before it was upgraded is an own data
    // property that hides the accessor: move it through the setter.
    if (Object.prototype.hasOwnProperty.call(this, 'hearth')) {
      const v = /** @type {any} */ (this).hearth;
      delete (/** @type {any} */ (this).hearth);
      this.#hearth = v ?? null;
    }
    this.#connected = true;
    this.#subscribe();
    this.update();
  }

  disconnectedCallback() {
    this.#connected = false;
    this.#unsubscribe();
  }

  attributeChangedCallback() {
    if (this.#connected) this.update();
  }

  /** Re-renders now. */
  update() {
    this.#scheduled = false;
    this.#force = false;
    if (!this.#connected) return;
    const active = this.shadowRoot?.activeElement;
    const focusKey = active instanceof HTMLElement ? active.dataset.focusKey : undefined;
    rendering += 1;
    try {
      this.render();
    } catch (e) {
      this.body.replaceChildren(this.notice(`Could not show this: ${messageOf(e)}`, 'error'));
    } finally {
      rendering -= 1;
    }
    this.#renderedRevision = revisionOf(this.#hearth);
    // Re-rendering replaced the focused control: put focus back on its twin.
    if (focusKey && !this.shadowRoot?.activeElement) {
      const twin = this.shadowRoot?.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      if (twin instanceof HTMLElement) twin.focus({ preventScroll: true });
    }
  }

  /**
   * Re-renders once, on the next microtask, however many events arrive now.
   * A batch of only 'change' events whose revision this element has already
   * rendered is dropped: reading the SDK while rendering may itself bump the
   * revision (privacy.report() prepares the next round, recommend() draws),
   * and re-rendering for that would read again, forever.
   * @param {'change' | 'other'} [why]
   */
  schedule(why = 'other') {
    if (why !== 'change') this.#force = true;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (!this.#scheduled) return;
      if (!this.#force && this.#renderedRevision !== undefined && revisionOf(this.#hearth) === this.#renderedRevision) {
        this.#scheduled = false;
        return;
      }
      this.update();
    });
  }

  /** Subclasses draw into `this.body`. */
  render() {}

  /**
   * Called for every SDK event the element listens to, before the re-render.
   * @param {string} _event
   * @param {any} _payload
   */
  onHearthEvent(_event, _payload) {}

  /**
   * Says `text` to assistive technology (a polite live region).
   * @param {string} text
   */
  announce(text) {
    const live = /** @type {HTMLElement} */ (this.#live);
    // Clearing first makes a repeated message be read again.
    live.textContent = '';
    setTimeout(() => {
      live.textContent = text;
    }, 40);
  }

  /**
   * A message box in the element's own style.
   * @param {string} text
   * @param {'info' | 'error' | 'off'} [kind]
   */
  notice(text, kind = 'info') {
    return h('p', { class: `notice notice--${kind}`, role: kind === 'error' ? 'alert' : null }, text);
  }

  /**
   * What to show when there is no SDK or the SDK lacks `namespace`; null when all is there.
   * @param {string} [namespace] e.g. 'game'
   * @param {string} [what] the feature in words
   */
  missing(namespace, what = 'This feature') {
    const hearth = this.#hearth;
    if (!hearth) return this.notice(`${what}: waiting for the page to connect Hearth (set the element's hearth property).`, 'off');
    if (hearth.status === 'closed') return this.notice(`${what}: not available, Hearth was closed.`, 'off');
    if (namespace && (hearth[namespace] === undefined || hearth[namespace] === null)) {
      return this.notice(`${what}: not available in this version of Hearth (no hearth.${namespace}).`, 'off');
    }
    return null;
  }

  /** The consent state of a purpose, or null when the SDK has no consent API. */
  consentOf(purpose) {
    try {
      return this.#hearth?.consent?.get?.()?.[purpose]?.state ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Fires a DOM event from the element (bubbles and crosses shadow roots).
   * @param {string} type
   * @param {unknown} detail
   */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #subscribe() {
    const hearth = this.#hearth;
    if (!hearth || typeof hearth.on !== 'function') return;
    const ctor = /** @type {typeof HearthElement} */ (this.constructor);
    for (const event of ctor.events) {
      const fn = (/** @type {any} */ payload) => {
        if (event === 'change' && rendering > 0) return;
        try {
          this.onHearthEvent(event, payload);
        } finally {
          this.schedule(event === 'change' ? 'change' : 'other');
        }
      };
      try {
        const off = hearth.on(event, fn);
        this.#subscriptions.push(typeof off === 'function' ? off : () => hearth.off?.(event, fn));
      } catch {
        // An SDK without this event (e.g. 'reward' before the game module):
        // the element still updates on the events it has.
      }
    }
  }

  #unsubscribe() {
    for (const off of this.#subscriptions.splice(0)) {
      try {
        off();
      } catch {
        // a closed instance has no listeners left to remove
      }
    }
  }
}

/**
 * Base of the gamification elements: reads `hearth.game.state()` on every
 * render and explains why nothing shows when it cannot.
 */
export class GameElement extends HearthElement {
  static events = ['reward', 'change', 'consent'];

  /** The feature in words, for the messages. */
  static feature = 'Rewards';

  /** @returns {any | null} the game state, or null after drawing why there is none */
  gameState() {
    const ctor = /** @type {typeof GameElement} */ (this.constructor);
    const gone = this.missing('game', ctor.feature);
    if (gone) {
      this.body.replaceChildren(gone);
      return null;
    }
    if (this.consentOf('gamification') === 'denied') {
      this.body.replaceChildren(this.notice(`${ctor.feature} are off: you turned rewards off in your privacy choices.`, 'off'));
      return null;
    }
    try {
      return this.hearth.game.state();
    } catch (e) {
      this.body.replaceChildren(this.notice(`${ctor.feature} could not be loaded: ${messageOf(e)}`, 'error'));
      return null;
    }
  }

  /**
   * A progress bar with its numbers for assistive technology.
   * @param {number} value
   * @param {number} max
   * @param {string} label
   */
  progress(value, max, label) {
    const safeMax = max > 0 ? max : 1;
    const v = Math.max(0, Math.min(value, safeMax));
    const bar = h('div', {
      class: 'bar',
      role: 'progressbar',
      'aria-label': label,
      'aria-valuemin': 0,
      'aria-valuemax': safeMax,
      'aria-valuenow': v,
    });
    const fill = h('span', { class: 'bar__fill', 'aria-hidden': 'true' });
    // A custom property through the CSSOM: allowed under style-src 'self'
    // (only style attributes in markup and <style> elements are blocked).
    fill.style.setProperty('--hearth-fill', String(v / safeMax));
    bar.append(fill);
    return bar;
  }
}
