// <hearth-streak>: the current streak, the best one, freezes left and the
// engine's next-step message (which never shames: "Visit tomorrow to keep
// your 4-day streak", "Start a new streak today").

import { GameElement, formatNumber, h, plural } from './base.js';
import { icon } from './styles.js';

const STATUS = {
  active: ['On track', 'chip--success'],
  at_risk: ['Keep it going today', 'chip--warning'],
  broken: ['Start again', 'chip'],
  none: ['Not started', 'chip'],
};

export class HearthStreakElement extends GameElement {
  static observedAttributes = ['label'];
  static feature = 'Streaks';
  static css = `
.row { display: flex; align-items: center; gap: 14px; }
.icon--hot { background: var(--_accent); color: var(--_on-accent); }
.status { margin-left: auto; align-self: flex-start; }
.message { margin-top: 10px; }
.facts { display: flex; gap: 18px; margin-top: 10px; font-size: 0.85rem; color: var(--_muted); }
.facts dt { font-weight: 400; }
.facts dd { font-weight: 700; color: var(--_text); }
.facts div { display: flex; gap: 6px; }
`;

  onHearthEvent(event, payload) {
    if (event !== 'reward' || !payload) return;
    if ((payload.kind === 'streak' || payload.kind === 'streak_broken') && typeof payload.message === 'string') this.announce(payload.message);
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const s = state.streak;
    const label = this.getAttribute('label') || 'Your streak';
    if (!s) {
      this.body.replaceChildren(this.notice('No streak is running in this shop.', 'off'));
      return;
    }
    const unit = s.period === 'week' ? 'week' : 'day';
    const current = Number(s.current ?? 0);
    const [statusText, statusClass] = STATUS[/** @type {keyof typeof STATUS} */ (s.status)] ?? STATUS.none;
    this.body.replaceChildren(
      h(
        'section',
        { 'aria-label': label },
        h(
          'div',
          { class: 'row' },
          h('span', { class: `icon${current > 0 && s.status === 'active' ? ' icon--hot' : ''}` }, icon('flame')),
          h('div', {}, h('h2', { class: 'title' }, label), h('p', { class: 'big' }, `${formatNumber(current)}-${unit}`)),
          h('span', { class: `chip ${statusClass} status` }, statusText),
        ),
        typeof s.message === 'string' && s.message ? h('p', { class: 'message' }, s.message) : null,
        h(
          'dl',
          { class: 'facts' },
          h('div', {}, h('dt', {}, 'Best'), h('dd', {}, plural(Number(s.longest ?? 0), unit))),
          h('div', {}, h('dt', {}, 'Freezes'), h('dd', {}, formatNumber(Number(s.freezes ?? 0)))),
        ),
      ),
    );
  }
}
