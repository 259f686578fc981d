// <hearth-stamp-card card="coffee">: one stamp card (or every card when no
// `card` attribute is given), N stamps to a reward, with how many are left.

import { GameElement, formatNumber, h, reducedMotion } from './base.js';
import { icon } from './styles.js';

/** Never draw more stamps than this, whatever a rules file says. */
const MAX_DRAWN = 30;

export class HearthStampCardElement extends GameElement {
  static observedAttributes = ['card'];
  static feature = 'Stamp cards';
  static css = `
.cards { display: grid; gap: 18px; }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; margin-bottom: 10px; }
.name { font-size: 1.05rem; font-weight: 700; }
.stamps { display: grid; grid-template-columns: repeat(var(--hearth-cols, 5), minmax(0, 44px)); gap: 10px; }
.stamp { aspect-ratio: 1; border-radius: 50%; border: 2px dashed var(--_border); display: grid; place-items: center; color: transparent; }
.stamp svg { width: 60%; height: 60%; fill: none; stroke: currentColor; stroke-width: 3; stroke-linecap: round; stroke-linejoin: round; }
.stamp--on { border: 2px solid var(--_accent); background: var(--_accent); color: var(--_on-accent); }
.stamp--new { animation: hearth-stamp 0.5s cubic-bezier(0.2, 0.8, 0.2, 1); }
.stamp--goal { border-style: solid; border-color: var(--_accent); color: var(--_accent); }
@keyframes hearth-stamp { 0% { transform: scale(1.6) rotate(-12deg); opacity: 0; } 100% { transform: none; opacity: 1; } }
.foot { margin-top: 10px; }
`;

  /** Stamps per card at the last render, to animate the new ones. @type {Map<string, number>} */
  #seen = new Map();

  onHearthEvent(event, payload) {
    if (event !== 'reward' || !payload) return;
    if (payload.kind === 'stamp' || payload.kind === 'stamp_card_complete') {
      const msg = typeof payload.message === 'string' && payload.message ? payload.message
        : payload.kind === 'stamp' ? `Stamp added${payload.label ? ` to ${payload.label}` : ''}` : `Card complete${payload.label ? `: ${payload.label}` : ''}`;
      this.announce(msg);
    }
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const want = this.getAttribute('card');
    const cards = (Array.isArray(state.stampCards) ? state.stampCards : []).filter((c) => !want || c.id === want);
    if (cards.length === 0) {
      this.body.replaceChildren(this.notice(want ? `No stamp card "${want}" in this shop.` : 'No stamp cards in this shop yet.', 'off'));
      return;
    }
    const list = h('div', { class: 'cards' });
    for (const c of cards) {
      const required = Math.max(1, Math.min(Number(c.required) || 1, MAX_DRAWN));
      const stamps = Math.max(0, Math.min(Number(c.stamps) || 0, required));
      const before = this.#seen.get(c.id) ?? stamps;
      this.#seen.set(c.id, stamps);
      const name = String(c.name ?? c.id);
      const grid = h('div', { class: 'stamps', role: 'img', 'aria-label': `${formatNumber(stamps)} of ${formatNumber(required)} stamps` });
      // Rows of equal length: 8 stamps are two rows of 4, 10 two of 5.
      grid.style.setProperty('--hearth-cols', String(required <= 6 ? required : Math.min(6, Math.ceil(required / Math.ceil(required / 6)))));
      for (let i = 0; i < required; i++) {
        const on = i < stamps;
        const cls = ['stamp', on ? 'stamp--on' : '', on && i >= before && !reducedMotion() ? 'stamp--new' : '', !on && i === required - 1 ? 'stamp--goal' : ''];
        grid.append(h('span', { class: cls.filter(Boolean).join(' ') }, icon(!on && i === required - 1 ? 'gift' : 'check')));
      }
      const left = required - stamps;
      const completed = Number(c.completed) || 0;
      list.append(
        h(
          'section',
          { 'aria-label': `Stamp card: ${name}` },
          h('div', { class: 'card-head' }, h('h2', { class: 'name' }, name), h('span', { class: 'chip chip--accent' }, `${formatNumber(stamps)} / ${formatNumber(required)}`)),
          grid,
          h(
            'p',
            { class: 'foot muted small' },
            left === 0 ? 'Card full — your reward is ready.' : `${formatNumber(left)} more ${left === 1 ? 'stamp' : 'stamps'} to your reward.`,
            completed > 0 ? ` Completed ${completed === 1 ? 'once' : `${formatNumber(completed)} times`}.` : '',
          ),
        ),
      );
    }
    this.body.replaceChildren(list);
  }
}
