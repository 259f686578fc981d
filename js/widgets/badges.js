// <hearth-badges set="explorer">: badges earned and still to earn, grouped by
// set, each with its description (earned ones first within a set).

import { GameElement, formatNumber, h } from './base.js';
import { icon } from './styles.js';

const MAX_BADGES = 60;

export class HearthBadgesElement extends GameElement {
  static observedAttributes = ['set', 'label'];
  static feature = 'Badges';
  static css = `
.sets { display: grid; gap: 14px; }
.set-head { display: flex; justify-content: space-between; align-items: baseline; margin-bottom: 8px; }
.set-name { font-weight: 700; font-size: 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 10px; }
.badge { display: grid; justify-items: center; text-align: center; gap: 4px; padding: 12px 8px; border-radius: calc(var(--_radius) - 4px);
  background: var(--_surface-2); border: 1px solid transparent; }
.medal { width: 44px; height: 44px; border-radius: 50%; display: grid; place-items: center; background: var(--_border); color: var(--_muted); }
.medal svg { width: 24px; height: 24px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linejoin: round; }
.badge--earned { background: var(--_accent-soft); border-color: color-mix(in srgb, var(--_accent) 35%, transparent); }
.badge--earned .medal { background: var(--_accent); color: var(--_on-accent); }
.badge--locked .bname { color: var(--_muted); }
.bname { font-weight: 650; font-size: 0.88rem; }
.bdesc { font-size: 0.78rem; color: var(--_muted); }
`;

  /** @type {Record<string, string>} */
  #setNames = {};

  /**
   * Display names of badge sets by set id (e.g. the rules' `sets[].name`):
   * game state carries only the id. Without one, the id is shown humanized
   * ("starter-pack" → "Starter pack").
   */
  get setNames() {
    return { ...this.#setNames };
  }

  set setNames(names) {
    /** @type {Record<string, string>} */
    const clean = {};
    if (names && typeof names === 'object') {
      for (const [k, v] of Object.entries(names)) if (typeof v === 'string' && v.trim()) clean[k] = v.trim().slice(0, 80);
    }
    this.#setNames = clean;
    if (this.isConnected) this.render();
  }

  onHearthEvent(event, payload) {
    if (event === 'reward' && payload?.kind === 'badge') this.announce(`Badge earned: ${payload.label ?? payload.name ?? payload.badge ?? ''}`);
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const want = this.getAttribute('set');
    const badges = (Array.isArray(state.badges) ? state.badges : []).filter((b) => !want || b.set === want).slice(0, MAX_BADGES);
    if (badges.length === 0) {
      this.body.replaceChildren(this.notice('No badges to collect yet.', 'off'));
      return;
    }
    /** @type {Map<string, any[]>} */
    const sets = new Map();
    for (const b of badges) {
      const key = String(b.set ?? '');
      if (!sets.has(key)) sets.set(key, []);
      /** @type {any[]} */ (sets.get(key)).push(b);
    }
    const wrap = h('section', { class: 'sets', 'aria-label': this.getAttribute('label') || 'Badges' });
    for (const [set, list] of sets) {
      list.sort((a, b) => Number(!!b.earned) - Number(!!a.earned));
      const earned = list.filter((b) => b.earned).length;
      const setName = this.#setNames[set] ?? (set ? humanize(set) : 'Badges');
      const grid = h('ul', { class: 'grid', 'aria-label': `${setName}: ${earned} of ${list.length} earned` });
      for (const b of list) {
        const name = String(b.name ?? b.id);
        grid.append(
          h(
            'li',
            { class: `badge ${b.earned ? 'badge--earned' : 'badge--locked'}` },
            h('span', { class: 'medal' }, icon('medal')),
            h('span', { class: 'bname' }, name),
            h('span', { class: 'vh' }, b.earned ? 'Earned.' : 'Not earned yet.'),
            b.description ? h('span', { class: 'bdesc' }, String(b.description)) : null,
          ),
        );
      }
      wrap.append(
        h('div', {}, h('div', { class: 'set-head' }, h('h2', { class: 'set-name' }, setName), h('span', { class: 'chip chip--accent' }, `${formatNumber(earned)} / ${formatNumber(list.length)}`)), grid),
      );
    }
    this.body.replaceChildren(wrap);
  }
}

/** "starter-pack" / "starter_pack" → "Starter pack". */
function humanize(id) {
  const s = String(id).replace(/[-_]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
