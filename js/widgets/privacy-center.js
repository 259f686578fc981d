// <hearth-privacy-center>: everything the user can see and do about their
// data, in one place:
// - what Hearth believes about them, in words (hearth.profile()), with a
//   "Forget" button per interest (hearth.profile.forget(feature));
// - their consent per purpose, as switches (hearth.consent.set);
// - the privacy budget of this period, the ledger of every spend, and the
//   exact bytes the next sync would send (hearth.privacy.report());
// - export (a JSON download of hearth.exportJSON()) and erase everything
//   (await hearth.erase(), after a confirmation step).
// Parts whose namespace the SDK lacks say so; the rest works.

import { HearthElement, formatNumber, h, messageOf } from './base.js';
import { PURPOSES, sourceNote } from './consent.js';
import { icon } from './styles.js';

const MAX_LEDGER_ROWS = 12;
const MAX_INTERESTS = 10;

/** @param {number} n */
function bytes(n) {
  if (n < 1024) return `${formatNumber(n)} bytes`;
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(n / 1024)} KB`;
}

/** @param {number} e */
function eps(e) {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 }).format(Number(e) || 0);
}

const REPORT_TYPES = { interests: 'Interest totals', campaign: 'Campaign results', bandit: 'Pick statistics', engagement: 'Reward activity' };

export class HearthPrivacyCenterElement extends HearthElement {
  static observedAttributes = ['heading'];
  static events = ['change', 'consent', 'reward'];
  static css = `
:host { max-width: 760px; }
.hw { padding: 0; overflow: hidden; }
.top { display: flex; gap: 14px; align-items: flex-start; padding: 20px 22px 16px; border-bottom: 1px solid var(--_border);
  background: linear-gradient(180deg, var(--_accent-soft), transparent); }
.h1 { font-size: 1.25rem; font-weight: 780; }
.lede { color: var(--_muted); font-size: 0.92rem; }
.part { padding: 16px 22px; border-bottom: 1px solid var(--_border); }
.part:last-child { border-bottom: 0; }
.h2 { font-size: 0.8rem; font-weight: 650; letter-spacing: 0.06em; text-transform: uppercase; color: var(--_muted); margin-bottom: 10px; }
.h2:focus-visible { outline-offset: 3px; }
.summary { display: grid; gap: 4px; margin-bottom: 12px; }
.summary li { padding-left: 16px; position: relative; }
.summary li::before { content: ""; position: absolute; left: 2px; top: 0.62em; width: 6px; height: 6px; border-radius: 50%; background: var(--_accent); }
.interests { display: flex; flex-wrap: wrap; gap: 8px; }
.interest { display: inline-flex; align-items: center; gap: 2px; padding: 3px 4px 3px 12px; border-radius: 999px; background: var(--_surface-2); border: 1px solid var(--_border); }
.interest .kind { font-size: 0.72rem; color: var(--_muted); margin-left: 6px; }
.interest button { min-height: 30px; padding: 2px 10px; border: 0; background: none; color: var(--_accent); font-size: 0.8rem; }
.interest button:hover { text-decoration: underline; }
.segment { margin-top: 10px; font-size: 0.9rem; }
.purpose { display: grid; grid-template-columns: 1fr auto; gap: 2px 14px; align-items: center; padding: 10px 0; border-top: 1px solid var(--_border); cursor: pointer; }
.purpose:first-of-type { border-top: 0; padding-top: 0; }
.purpose .desc, .purpose .note { grid-column: 1; font-size: 0.84rem; color: var(--_muted); }
.purpose .note { color: var(--_warning); }
.switch { grid-column: 2; grid-row: 1 / span 3; appearance: none; -webkit-appearance: none; margin: 0; cursor: pointer;
  width: 46px; height: 28px; border-radius: 999px; background: var(--_border); position: relative; transition: background-color 0.2s; }
.switch::before { content: ""; position: absolute; top: 3px; left: 3px; width: 22px; height: 22px; border-radius: 50%; background: #fff;
  box-shadow: 0 1px 3px rgb(0 0 0 / 30%); transition: transform 0.2s; }
.switch:checked { background: var(--_accent); }
.switch:checked::before { transform: translateX(18px); }
@media (forced-colors: active) { .switch { border: 2px solid CanvasText; } }
.budget { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin-bottom: 10px; }
.stat { background: var(--_surface-2); border-radius: 10px; padding: 8px 12px; }
.stat dt { font-size: 0.75rem; color: var(--_muted); }
.stat dd { font-size: 1.15rem; font-weight: 750; font-variant-numeric: tabular-nums; }
.bar { margin-bottom: 12px; }
table { width: 100%; border-collapse: collapse; font-size: 0.84rem; }
caption { text-align: left; font-weight: 650; padding-bottom: 4px; }
th, td { text-align: left; padding: 6px 4px; border-top: 1px solid var(--_border); }
thead th { border-top: 0; color: var(--_muted); font-weight: 600; font-size: 0.76rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.78rem; }
.next { margin-top: 14px; }
.next p { margin-bottom: 6px; }
details { border: 1px solid var(--_border); border-radius: 10px; background: var(--_surface-2); }
summary { cursor: pointer; padding: 8px 12px; font-weight: 600; font-size: 0.88rem; border-radius: 10px; }
pre { margin: 0; padding: 10px 12px; max-height: 240px; overflow: auto; white-space: pre-wrap; word-break: break-all;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.76rem; border-top: 1px solid var(--_border); }
.actions { display: flex; flex-wrap: wrap; gap: 10px; }
.confirm { margin-top: 12px; padding: 12px 14px; border-radius: 10px; border: 1px solid color-mix(in srgb, var(--_danger) 40%, transparent);
  background: color-mix(in srgb, var(--_danger) 8%, transparent); }
.confirm p { margin-bottom: 10px; font-weight: 600; }
`;

  #confirming = false;
  /** @type {string | null} */ #focusAfter = null;
  /** @type {string | null} */ #message = null;
  #detailsOpen = false;

  render() {
    const heading = this.getAttribute('heading') || 'Your privacy';
    const gone = this.missing(undefined, 'The privacy center');
    if (gone) {
      this.body.replaceChildren(gone);
      return;
    }
    this.body.replaceChildren(
      h(
        'section',
        { 'aria-labelledby': 'pc-title' },
        h(
          'div',
          { class: 'top' },
          h('span', { class: 'icon' }, icon('shield')),
          h(
            'div',
            {},
            h('h2', { class: 'h1', id: 'pc-title' }, heading),
            h('p', { class: 'lede' }, 'What Hearth knows stays in this browser. Anything sent is anonymous, noised and only with your permission.'),
          ),
        ),
        this.#profilePart(),
        this.#consentPart(),
        this.#budgetPart(),
        this.#dataPart(),
      ),
    );
    if (this.#focusAfter) {
      const key = this.#focusAfter;
      this.#focusAfter = null;
      /** @type {HTMLElement | null} */ (this.shadowRoot?.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) ?? null)?.focus();
    }
  }

  #part(id, title, ...children) {
    return h('section', { class: 'part', 'aria-labelledby': id }, h('h3', { class: 'h2', id, tabindex: '-1', 'data-focus-key': id }, title), ...children);
  }

  #profilePart() {
    let profile;
    try {
      profile = this.hearth.profile();
    } catch (e) {
      return this.#part('pc-profile', 'What Hearth knows about you', this.notice(`The profile could not be read: ${messageOf(e)}`, 'error'));
    }
    const summary = h('ul', { class: 'summary' });
    for (const line of Array.isArray(profile?.summary) ? profile.summary.slice(0, 8) : []) summary.append(h('li', {}, String(line)));
    const interests = Array.isArray(profile?.interests) ? profile.interests.slice(0, MAX_INTERESTS) : [];
    const list = h('ul', { class: 'interests', 'aria-label': 'Your interests' });
    interests.forEach((it, i) => {
      const label = String(it.label ?? it.feature);
      const forget = h('button', { type: 'button', 'aria-label': `Forget ${label}`, 'data-focus-key': `forget:${it.feature}` }, 'Forget');
      forget.addEventListener('click', () => {
        try {
          this.hearth.profile.forget(String(it.feature));
          const next = interests[i + 1] ?? interests[i - 1];
          this.#focusAfter = next ? `forget:${next.feature}` : 'pc-profile';
          this.announce(`Hearth forgot ${label}.`);
          this.update();
        } catch (e) {
          this.announce(`Could not forget ${label}: ${messageOf(e)}`);
        }
      });
      // "Northpeak · brand" says what the word is; a category or price range says it itself.
      const kind = it.kind === 'brand' || it.kind === 'tag' ? h('span', { class: 'kind' }, String(it.kind)) : null;
      list.append(h('li', { class: 'interest' }, h('span', {}, label), kind, forget));
    });
    const part = this.#part('pc-profile', 'What Hearth knows about you');
    if (summary.childElementCount > 0) part.append(summary);
    if (interests.length > 0) part.append(list);
    else part.append(h('p', { class: 'muted' }, 'No interests yet — Hearth learns as you browse, in this browser only.'));
    return part;
  }

  #consentPart() {
    const part = this.#part('pc-consent', 'Your choices');
    if (!this.hearth.consent) {
      part.append(this.notice('Privacy choices are not available in this version of Hearth (no hearth.consent).', 'off'));
      return part;
    }
    let consent;
    try {
      consent = this.hearth.consent.get();
    } catch (e) {
      part.append(this.notice(`Your choices could not be read: ${messageOf(e)}`, 'error'));
      return part;
    }
    for (const p of PURPOSES) {
      const id = `pc-consent-${p.key}`;
      const entry = consent?.[p.key];
      const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', role: 'switch', class: 'switch', id, 'data-focus-key': id, 'aria-describedby': `${id}-desc` }));
      input.checked = entry?.state === 'granted';
      input.addEventListener('change', () => {
        try {
          this.hearth.consent.set({ [p.key]: input.checked ? 'granted' : 'denied' }, { source: 'api' });
          this.announce(`${p.title} ${input.checked ? 'on' : 'off'}.`);
        } catch (e) {
          input.checked = !input.checked;
          this.announce(`Could not change ${p.title}: ${messageOf(e)}`);
        }
        this.schedule();
      });
      const note = sourceNote(entry) ?? (entry?.state === 'pending' ? 'Not decided yet: nothing is stored or sent for this.' : null);
      part.append(h('label', { class: 'purpose', for: id }, h('strong', {}, p.title), h('span', { class: 'desc', id: `${id}-desc` }, p.text), note ? h('span', { class: 'note' }, note) : null, input));
    }
    return part;
  }

  #budgetPart() {
    const part = this.#part('pc-budget', 'Privacy budget and what is sent');
    if (!this.hearth.privacy) {
      part.append(this.notice('The privacy budget is not available in this version of Hearth (no hearth.privacy). Nothing is sent.', 'off'));
      return part;
    }
    let report;
    try {
      report = this.hearth.privacy.report();
    } catch (e) {
      part.append(this.notice(`The privacy report could not be built: ${messageOf(e)}`, 'error'));
      return part;
    }
    const b = report?.budget ?? {};
    const total = Number(b.epsilon) || 0;
    const spent = Math.max(0, Number(b.spent) || 0);
    const remaining = Math.max(0, Number(b.remaining ?? total - spent) || 0);
    part.append(
      h('p', { class: 'muted small' }, `Each anonymous total spends a little of a fixed privacy budget (ε) for ${String(b.period ?? 'this period')}; when it is used up, nothing more is sent until the next period.`),
      h(
        'dl',
        { class: 'budget' },
        h('div', { class: 'stat' }, h('dt', {}, 'Budget (ε)'), h('dd', {}, eps(total))),
        h('div', { class: 'stat' }, h('dt', {}, 'Spent'), h('dd', {}, eps(spent))),
        h('div', { class: 'stat' }, h('dt', {}, 'Left'), h('dd', {}, eps(remaining))),
      ),
    );
    const bar = h('div', { class: 'bar', role: 'meter', 'aria-label': 'Privacy budget spent', 'aria-valuemin': 0, 'aria-valuemax': total || 1, 'aria-valuenow': Math.min(spent, total || 1), 'aria-valuetext': `${eps(spent)} of ${eps(total)} spent` });
    const fill = h('span', { class: 'bar__fill', 'aria-hidden': 'true' });
    fill.style.setProperty('--hearth-fill', String(total > 0 ? Math.min(1, spent / total) : 0));
    bar.append(fill);
    part.append(bar);

    const ledger = Array.isArray(b.ledger) ? b.ledger : [];
    if (ledger.length > 0) {
      const table = h('table', {}, h('caption', {}, 'Ledger: every spend'), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Report'), h('th', { scope: 'col' }, 'Id'), h('th', { scope: 'col', class: 'num' }, 'ε'))));
      const tbody = h('tbody');
      for (const row of ledger.slice(-MAX_LEDGER_ROWS).reverse()) {
        const when = Number.isFinite(row.ts) ? new Date(row.ts).toLocaleString() : String(row.period ?? '');
        tbody.append(h('tr', {}, h('td', {}, when), h('td', {}, REPORT_TYPES[/** @type {keyof typeof REPORT_TYPES} */ (row.type)] ?? String(row.type)), h('td', {}, h('code', {}, String(row.reportId ?? '').slice(0, 8))), h('td', { class: 'num' }, eps(row.epsilon))));
      }
      table.append(tbody);
      part.append(table);
    } else part.append(h('p', { class: 'muted small' }, 'Nothing spent yet this period.'));

    const next = report?.next ?? { bytes: 0, body: '', reports: [] };
    const count = Array.isArray(next.reports) ? next.reports.length : 0;
    const box = h('div', { class: 'next' });
    if (count === 0) {
      box.append(h('p', {}, this.consentOf('measurement') === 'granted' ? 'The next sync sends nothing: there is nothing new to report.' : 'The next sync sends nothing: anonymous measurement is off.'));
    } else {
      const kinds = [...new Set(next.reports.map((/** @type {any} */ r) => REPORT_TYPES[/** @type {keyof typeof REPORT_TYPES} */ (r.type)] ?? String(r.type)))].join(', ');
      box.append(h('p', {}, `The next sync sends ${count} anonymous ${count === 1 ? 'report' : 'reports'} (${bytes(Number(next.bytes) || 0)}): ${kinds}.`));
      const details = /** @type {HTMLDetailsElement} */ (h('details', {}, h('summary', { 'data-focus-key': 'pc-next' }, 'Show exactly what is sent'), h('pre', { tabindex: '0', 'aria-label': 'The exact data of the next sync' }, String(next.body ?? ''))));
      details.open = this.#detailsOpen;
      details.addEventListener('toggle', () => {
        this.#detailsOpen = details.open;
      });
      box.append(details);
    }
    part.append(box);
    return part;
  }

  #dataPart() {
    const part = this.#part('pc-data', 'Your data');
    const exportButton = h('button', { type: 'button', 'data-focus-key': 'export' }, 'Export my data (JSON)');
    const erase = h('button', { type: 'button', class: 'danger', 'aria-expanded': String(this.#confirming), 'aria-controls': 'pc-confirm', 'data-focus-key': 'erase' }, 'Erase everything');
    exportButton.addEventListener('click', () => this.exportData());
    erase.addEventListener('click', () => {
      this.#confirming = !this.#confirming;
      this.#focusAfter = this.#confirming ? 'erase-no' : null;
      this.update();
    });
    part.append(h('div', { class: 'actions' }, exportButton, erase));
    if (this.#confirming) {
      const yes = h('button', { type: 'button', class: 'danger-solid', 'data-focus-key': 'erase-yes', 'aria-describedby': 'pc-confirm-text' }, 'Yes, erase everything');
      const no = h('button', { type: 'button', 'data-focus-key': 'erase-no' }, 'Cancel');
      yes.addEventListener('click', () => this.eraseAll());
      no.addEventListener('click', () => {
        this.#confirming = false;
        this.#focusAfter = 'erase';
        this.update();
      });
      const box = h(
          'div',
          { class: 'confirm', id: 'pc-confirm', role: 'group', 'aria-labelledby': 'pc-confirm-text' },
          h('p', { id: 'pc-confirm-text' }, 'Erase your profile, rewards and history from this browser? This cannot be undone.'),
          h('div', { class: 'actions' }, yes, no),
        );
      // Escape is Cancel.
      box.addEventListener('keydown', (e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          no.click();
        }
      });
      part.append(box);
    }
    if (this.#message) part.append(h('p', { class: 'muted small', role: 'status' }, this.#message));
    return part;
  }

  /** Downloads hearth.exportJSON() as a file. */
  exportData() {
    let json;
    try {
      json = this.hearth.exportJSON();
    } catch (e) {
      this.announce(`Could not export: ${messageOf(e)}`);
      return;
    }
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const a = /** @type {HTMLAnchorElement} */ (h('a', { href: url, download: `hearth-data-${new Date().toISOString().slice(0, 10)}.json` }));
    this.shadowRoot?.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.#message = 'Your data was downloaded as JSON.';
    this.emit('hearth-export', { bytes: json.length });
    this.announce(this.#message);
    this.update();
  }

  /** Erases everything (what "Yes, erase everything" does). */
  async eraseAll() {
    try {
      await this.hearth.erase();
      this.#confirming = false;
      this.#message = 'Everything Hearth knew about you was erased from this browser.';
      this.#focusAfter = 'pc-profile';
      this.announce(this.#message);
      this.emit('hearth-erased', {});
    } catch (e) {
      this.#message = `Could not erase: ${messageOf(e)}`;
      this.announce(this.#message);
    }
    this.update();
  }
}
