// <hearth-challenge challenge="spring-walk">: a challenge (or every running
// and upcoming one) with its goal, progress and the time left.

import { GameElement, formatNumber, h } from './base.js';
import { icon } from './styles.js';

const STATUS = {
  upcoming: ['Starts soon', 'chip'],
  active: ['In progress', 'chip--accent'],
  completed: ['Completed', 'chip--success'],
  expired: ['Ended', 'chip'],
};

/** "3 days left", "5 hours left", "ends in under an hour". */
function timeLeft(ms) {
  const hours = ms / 3_600_000;
  if (hours < 1) return 'ends in under an hour';
  if (hours < 48) return `${Math.floor(hours)} ${Math.floor(hours) === 1 ? 'hour' : 'hours'} left`;
  const days = Math.floor(hours / 24);
  return `${days} days left`;
}

export class HearthChallengeElement extends GameElement {
  static observedAttributes = ['challenge', 'label'];
  static feature = 'Challenges';
  static css = `
.list { display: grid; gap: 16px; }
.item-head { display: flex; gap: 12px; align-items: flex-start; margin-bottom: 8px; }
.name { font-weight: 700; font-size: 1.02rem; }
.desc { font-size: 0.88rem; color: var(--_muted); }
.status { margin-left: auto; }
.meta { display: flex; justify-content: space-between; margin-top: 6px; font-size: 0.82rem; color: var(--_muted); }
.done .bar__fill { background: var(--_success); }
`;

  /** The clock used for "time left" (ms since 1970); tests may replace it. */
  now = () => Date.now();

  onHearthEvent(event, payload) {
    if (event !== 'reward' || !payload) return;
    if (payload.kind === 'challenge_complete') this.announce(`Challenge complete: ${payload.label ?? payload.name ?? ''}`);
    else if (payload.kind === 'challenge_progress' && typeof payload.message === 'string') this.announce(payload.message);
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const want = this.getAttribute('challenge');
    const all = Array.isArray(state.challenges) ? state.challenges : [];
    const shown = want ? all.filter((c) => c.id === want) : all.filter((c) => c.status !== 'expired').slice(0, 6);
    if (shown.length === 0) {
      this.body.replaceChildren(this.notice(want ? `No challenge "${want}" in this shop.` : 'No challenges right now — check back soon.', 'off'));
      return;
    }
    const list = h('ul', { class: 'list', 'aria-label': this.getAttribute('label') || 'Challenges' });
    const now = this.now();
    for (const c of shown) {
      const name = String(c.name ?? c.id);
      const goal = Math.max(1, Number(c.goal) || 1);
      const progress = Math.max(0, Math.min(Number(c.progress) || 0, goal));
      const [statusText, statusClass] = STATUS[/** @type {keyof typeof STATUS} */ (c.status)] ?? STATUS.active;
      let when = '';
      if (c.status === 'upcoming' && Number.isFinite(c.startsAt)) when = `starts ${new Date(c.startsAt).toLocaleDateString()}`;
      else if (c.status === 'active' && Number.isFinite(c.endsAt)) when = timeLeft(Math.max(0, c.endsAt - now));
      list.append(
        h(
          'li',
          { class: c.status === 'completed' ? 'done' : '' },
          h(
            'div',
            { class: 'item-head' },
            h('span', { class: 'icon' }, icon('flag')),
            h('div', {}, h('h2', { class: 'name' }, name), c.description ? h('p', { class: 'desc' }, String(c.description)) : null),
            h('span', { class: `chip ${statusClass} status` }, statusText),
          ),
          this.progress(progress, goal, `${name}: ${formatNumber(progress)} of ${formatNumber(goal)}`),
          h('p', { class: 'meta' }, h('span', {}, `${formatNumber(progress)} of ${formatNumber(goal)}`), h('span', {}, when)),
        ),
      );
    }
    this.body.replaceChildren(list);
  }
}
