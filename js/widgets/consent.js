// <hearth-consent>: the first-visit consent prompt for Hearth's three
// purposes — personalization, gamification, measurement — with "Allow all",
// "Deny all" (the same size and weight: refusing is as easy as accepting) and
// "Choose", which opens one switch per purpose.
//
// It shows itself while any purpose is still `pending` (or always, with the
// `always` attribute, e.g. on a settings page) and hides once the user has
// decided, firing `hearth-consent-decided` with the new consent state.
// Choices are written with hearth.consent.set(…, { source: 'api' }).

import { HearthElement, h, messageOf } from './base.js';
import { icon } from './styles.js';

/** How long the "saved" confirmation stays before the prompt hides. */
const CONFIRM_MS = 4000;

export const PURPOSES = /** @type {const} */ ([
  {
    key: 'personalization',
    title: 'Personal picks',
    text: 'Keep an interest profile in this browser to choose products for you. It never leaves this device.',
  },
  {
    key: 'gamification',
    title: 'Rewards',
    text: 'Points, streaks, stamp cards and badges, counted in this browser.',
  },
  {
    key: 'measurement',
    title: 'Anonymous measurement',
    text: 'Send a few noised, anonymous totals that help the shop improve — never your history or anything that identifies you.',
  },
]);

/** Why a purpose has the state it has, in words (null when the user set it). */
export function sourceNote(entry) {
  switch (entry?.source) {
    case 'gpc':
      return 'Off because your browser sends Global Privacy Control.';
    case 'consent_mode':
      return "Set from the site's consent banner.";
    case 'tcf':
      return "Set from the site's IAB TCF consent.";
    default:
      return null;
  }
}

export class HearthConsentElement extends HearthElement {
  static observedAttributes = ['always'];
  static events = ['consent', 'change'];
  static css = `
:host { max-width: 720px; }
.hw { padding: 20px 22px; }
.top { display: flex; gap: 14px; align-items: flex-start; }
.title { font-size: 1.15rem; font-weight: 750; text-transform: none; letter-spacing: 0; color: var(--_text); }
.lede { color: var(--_muted); margin-top: 2px; }
.buttons { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 16px; }
.buttons button { flex: 1 1 140px; }
button.solid { background: var(--_text); border-color: var(--_text); color: var(--_surface); }
fieldset { border: 0; margin: 16px 0 0; padding: 0; display: grid; gap: 10px; }
legend { font-weight: 650; margin-bottom: 8px; padding: 0; }
.purpose { display: grid; grid-template-columns: 1fr auto; gap: 4px 14px; align-items: center; padding: 12px 14px;
  border: 1px solid var(--_border); border-radius: calc(var(--_radius) - 4px); background: var(--_surface-2); cursor: pointer; }
.purpose strong { font-weight: 650; }
.purpose .desc { grid-column: 1; font-size: 0.86rem; color: var(--_muted); }
.purpose .note { grid-column: 1; font-size: 0.8rem; color: var(--_warning); }
.switch { grid-column: 2; grid-row: 1 / span 3; appearance: none; -webkit-appearance: none; margin: 0; cursor: pointer;
  width: 46px; height: 28px; border-radius: 999px; background: var(--_border); position: relative; transition: background-color 0.2s; }
.switch::before { content: ""; position: absolute; top: 3px; left: 3px; width: 22px; height: 22px; border-radius: 50%;
  background: #fff; box-shadow: 0 1px 3px rgb(0 0 0 / 30%); transition: transform 0.2s; }
.switch:checked { background: var(--_accent); }
.switch:checked::before { transform: translateX(18px); }
.switch:disabled { opacity: 0.5; cursor: not-allowed; }
@media (forced-colors: active) { .switch { border: 2px solid CanvasText; } .switch:checked::before { background: Highlight; } }
.save { margin-top: 14px; }
.saved { display: flex; gap: 8px; align-items: center; margin: 0; font-weight: 600; }
.saved svg { width: 20px; height: 20px; fill: none; stroke: var(--_success); stroke-width: 2.5; stroke-linecap: round; stroke-linejoin: round; }
.foot { margin-top: 12px; font-size: 0.8rem; color: var(--_muted); }
`;

  #choosing = false;
  /** @type {Record<string, boolean>} */ #draft = {};
  #justDecided = false;
  /** @type {any} */ #hideTimer = undefined;
  #confirmUntil = 0;

  /** True while the prompt is asking (some purpose pending, or `always`). */
  get open() {
    const c = this.#consent();
    if (!c) return false;
    return this.hasAttribute('always') || PURPOSES.some((p) => (c[p.key]?.state ?? 'pending') === 'pending');
  }

  #consent() {
    try {
      return this.hearth?.consent?.get?.() ?? null;
    } catch {
      return null;
    }
  }

  /** Sets every purpose to `state`. */
  grantAll() {
    return this.#decide(Object.fromEntries(PURPOSES.map((p) => [p.key, 'granted'])));
  }

  denyAll() {
    return this.#decide(Object.fromEntries(PURPOSES.map((p) => [p.key, 'denied'])));
  }

  /** @param {Record<string, string>} choice */
  #decide(choice) {
    let result;
    try {
      result = this.hearth.consent.set(choice, { source: 'api' });
    } catch (e) {
      this.announce(`Could not save your choices: ${messageOf(e)}`);
      return null;
    }
    this.#choosing = false;
    this.#justDecided = true;
    this.#confirmUntil = Date.now() + CONFIRM_MS;
    clearTimeout(this.#hideTimer);
    this.#hideTimer = setTimeout(() => this.update(), CONFIRM_MS + 20);
    const granted = PURPOSES.filter((p) => choice[p.key] === 'granted').map((p) => p.title.toLowerCase());
    this.announce(granted.length === 0 ? 'Saved: everything optional is off.' : `Saved: ${granted.join(', ')} on; the rest off.`);
    this.emit('hearth-consent-decided', result ?? this.#consent());
    this.update();
    return result;
  }

  render() {
    const gone = this.missing('consent', 'Privacy choices');
    if (gone) {
      this.hidden = false;
      this.body.replaceChildren(gone);
      return;
    }
    const consent = this.#consent();
    if (!consent) {
      this.hidden = false;
      this.body.replaceChildren(this.notice('Privacy choices could not be read from Hearth.', 'error'));
      return;
    }
    if (!this.open) {
      if (Date.now() < this.#confirmUntil) {
        // Say it was saved (visibly and to screen readers), then step aside:
        // the privacy center changes choices later.
        this.hidden = false;
        const done = h('p', { class: 'saved', tabindex: '-1', 'data-focus-key': 'saved' }, icon('check'), 'Your choices are saved. You can change them any time in your privacy settings.');
        this.body.replaceChildren(done);
        if (this.#justDecided) done.focus();
        this.#justDecided = false;
        return;
      }
      this.hidden = true;
      this.body.replaceChildren();
      return;
    }
    this.hidden = false;
    const titleId = 'consent-title';
    const choose = h('button', { type: 'button', 'aria-expanded': String(this.#choosing), 'aria-controls': 'consent-choices', 'data-focus-key': 'choose' }, 'Choose…');
    const allow = h('button', { type: 'button', class: 'primary', 'data-focus-key': 'allow' }, 'Allow all');
    const deny = h('button', { type: 'button', class: 'solid', 'data-focus-key': 'deny' }, 'Deny all');
    allow.addEventListener('click', () => this.grantAll());
    deny.addEventListener('click', () => this.denyAll());
    choose.addEventListener('click', () => {
      this.#choosing = !this.#choosing;
      if (this.#choosing) this.#draft = Object.fromEntries(PURPOSES.map((p) => [p.key, consent[p.key]?.state === 'granted']));
      this.update();
      if (this.#choosing) /** @type {HTMLElement | null} */ (this.shadowRoot?.querySelector('.switch') ?? null)?.focus();
    });
    const section = h(
      'section',
      { 'aria-labelledby': titleId },
      h(
        'div',
        { class: 'top' },
        h('span', { class: 'icon' }, icon('shield')),
        h(
          'div',
          {},
          h('h2', { class: 'title', id: titleId }, 'Your privacy, your choice'),
          h('p', { class: 'lede' }, 'This shop personalizes on your device with Hearth. Choose what it may do — you can change this any time.'),
        ),
      ),
      h('div', { class: 'buttons' }, allow, deny, choose),
    );
    if (this.#choosing) {
      const fieldset = h('fieldset', { id: 'consent-choices' }, h('legend', {}, 'Choose what Hearth may do'));
      for (const p of PURPOSES) {
        const id = `consent-${p.key}`;
        const note = sourceNote(consent[p.key]);
        const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', role: 'switch', class: 'switch', id, 'data-focus-key': id, 'aria-describedby': `${id}-desc` }));
        input.checked = !!this.#draft[p.key];
        input.addEventListener('change', () => {
          this.#draft[p.key] = input.checked;
        });
        fieldset.append(
          h('label', { class: 'purpose', for: id }, h('strong', {}, p.title), h('span', { class: 'desc', id: `${id}-desc` }, p.text), note ? h('span', { class: 'note' }, note) : null, input),
        );
      }
      // Escape closes the choices unsaved and returns to "Choose…".
      fieldset.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        this.#choosing = false;
        this.update();
        /** @type {HTMLElement | null} */ (this.shadowRoot?.querySelector('[data-focus-key="choose"]') ?? null)?.focus();
      });
      const save = h('button', { type: 'button', class: 'primary save', 'data-focus-key': 'save' }, 'Save my choices');
      save.addEventListener('click', () => this.#decide(Object.fromEntries(PURPOSES.map((p) => [p.key, this.#draft[p.key] ? 'granted' : 'denied']))));
      section.append(fieldset, save);
    }
    section.append(h('p', { class: 'foot' }, 'Nothing is sent until you allow measurement; what is sent is anonymous, noised and bounded.'));
    this.body.replaceChildren(section);
    if (this.#justDecided) {
      this.#justDecided = false;
      allow.focus();
    }
  }
}
