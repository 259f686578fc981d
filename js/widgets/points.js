// <hearth-points currency="points" label="My points">: the balance of one
// currency, with a "+20" that pops in when a reward event pays into it and an
// announcement for screen readers ("20 points added for your purchase").
//
//   <hearth-points currency="stars"></hearth-points>   el.hearth = hearth;

import { GameElement, currencyWord, formatNumber, h, reducedMotion } from './base.js';
import { icon } from './styles.js';

export class HearthPointsElement extends GameElement {
  static observedAttributes = ['currency', 'label'];
  static feature = 'Points';
  static css = `
.row { display: flex; align-items: center; gap: 14px; }
.delta { margin-left: auto; align-self: flex-start; }
.pending { margin-top: 10px; }
.pending li { display: flex; justify-content: space-between; gap: 8px; padding: 6px 0; border-top: 1px solid var(--_border); }
`;

  /** @type {{ amount: number, label: string } | null} */ #delta = null;
  #popped = false;

  get currency() {
    return this.getAttribute('currency') || 'points';
  }

  onHearthEvent(event, payload) {
    if (event !== 'reward' || !payload || typeof payload !== 'object') return;
    const kind = payload.kind;
    const currency = payload.currency ?? 'points';
    if ((kind !== 'points' && kind !== 'refund' && kind !== 'expired') || currency !== this.currency || !Number.isFinite(payload.amount)) return;
    // Refunds and expiries take points away whatever sign the event uses.
    const amount = kind === 'points' ? Number(payload.amount) : -Math.abs(Number(payload.amount));
    const words = currencyWord(currency, Math.abs(amount));
    this.#delta = { amount, label: typeof payload.label === 'string' ? payload.label : '' };
    this.#popped = false;
    const label = this.#delta.label;
    const why = !label ? '' : kind === 'expired' ? ` (${label})` : ` for ${label}`;
    const balance = Number.isFinite(payload.balance) ? `; balance ${formatNumber(payload.balance)}` : '';
    const verb = amount >= 0 ? 'added' : kind === 'expired' ? 'expired' : 'taken back';
    this.announce(`${formatNumber(Math.abs(amount))} ${words} ${verb}${why}${balance}`);
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const currency = this.currency;
    const balance = Number(state.balances?.[currency] ?? 0);
    const label = this.getAttribute('label') || `Your ${currency}`;
    const value = h('p', { class: 'big', 'aria-label': `${formatNumber(balance)} ${currencyWord(currency, balance)}` }, formatNumber(balance));
    const section = h(
      'section',
      { 'aria-label': label },
      h(
        'div',
        { class: 'row' },
        h('span', { class: 'icon' }, icon('coin')),
        h('div', {}, h('h2', { class: 'title' }, label), value),
        this.#delta
          ? h(
              'span',
              { class: `chip ${this.#delta.amount >= 0 ? 'chip--success' : 'chip--warning'} delta`, 'aria-hidden': 'true' },
              `${this.#delta.amount >= 0 ? '+' : '−'}${formatNumber(Math.abs(this.#delta.amount))}`,
            )
          : null,
      ),
    );
    if (this.#delta?.label) section.append(h('p', { class: 'muted small' }, `Last: ${this.#delta.label}`));
    const claims = Array.isArray(state.pendingClaims) ? state.pendingClaims : [];
    if (claims.length > 0) {
      const list = h('ul', { class: 'pending', 'aria-label': 'Rewards waiting for confirmation' });
      for (const c of claims.slice(0, 5)) {
        list.append(h('li', {}, h('span', {}, String(c.label ?? c.reward ?? 'Reward')), h('span', { class: 'chip' }, 'Pending')));
      }
      section.append(list);
    }
    this.body.replaceChildren(section);
    if (this.#delta && !this.#popped && !reducedMotion()) {
      this.#popped = true;
      value.classList.add('pop');
    }
  }
}
