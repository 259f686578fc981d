// <hearth-tier>: the member tier, its benefits and the way to the next one
// ("80 points to Gold").

import { GameElement, formatNumber, h } from './base.js';
import { icon } from './styles.js';

export class HearthTierElement extends GameElement {
  static observedAttributes = ['label'];
  static feature = 'Member tiers';
  static css = `
.row { display: flex; align-items: center; gap: 14px; margin-bottom: 12px; }
.icon--tier { background: var(--_accent); color: var(--_on-accent); width: 44px; height: 44px; }
.name { font-size: 1.35rem; font-weight: 750; }
.next { display: flex; justify-content: space-between; gap: 8px; margin: 0 0 6px; font-size: 0.88rem; }
.benefits { margin-top: 12px; display: grid; gap: 6px; }
.benefits li { display: flex; gap: 8px; align-items: flex-start; }
.benefits svg { flex: none; width: 18px; height: 18px; margin-top: 2px; fill: none; stroke: var(--_success); stroke-width: 2.5; stroke-linecap: round; stroke-linejoin: round; }
`;

  onHearthEvent(event, payload) {
    if (event === 'reward' && payload?.kind === 'tier') {
      this.announce(typeof payload.message === 'string' && payload.message ? payload.message : `Your tier is now ${payload.label ?? payload.name ?? 'updated'}`);
    }
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const t = state.tier;
    const label = this.getAttribute('label') || 'Member tier';
    if (!t) {
      this.body.replaceChildren(this.notice('This shop has no member tiers.', 'off'));
      return;
    }
    const name = String(t.name ?? t.id);
    const section = h(
      'section',
      { 'aria-label': label },
      h('div', { class: 'row' }, h('span', { class: 'icon icon--tier' }, icon('crown')), h('div', {}, h('h2', { class: 'title' }, label), h('p', { class: 'name' }, name))),
    );
    const points = Number(t.windowPoints ?? 0);
    if (t.next) {
      const threshold = Number(t.next.threshold) || 0;
      const remaining = Math.max(0, Number(t.next.remaining ?? threshold - points));
      const nextName = String(t.next.name ?? t.next.id);
      section.append(
        h('p', { class: 'next' }, h('span', {}, `${formatNumber(remaining)} points to ${nextName}`), h('span', { class: 'muted' }, `${formatNumber(points)} / ${formatNumber(threshold)}`)),
        this.progress(points, threshold, `Progress to ${nextName}`),
      );
    } else {
      section.append(h('p', { class: 'chip chip--accent' }, 'Top tier reached'));
    }
    const benefits = Array.isArray(t.benefits) ? t.benefits : [];
    if (benefits.length > 0) {
      const list = h('ul', { class: 'benefits', 'aria-label': `${name} benefits` });
      for (const b of benefits.slice(0, 12)) list.append(h('li', {}, icon('check'), h('span', {}, String(b))));
      section.append(list);
    }
    this.body.replaceChildren(section);
  }
}
