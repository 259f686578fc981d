// <hearth-mystery box="welcome-box">: a mystery reward with its odds table
// shown BEFORE the user opens it (the odds the engine draws with), an Open
// button that calls hearth.game.openMystery(id), and the prize revealed in a
// panel that takes focus and is announced.
//
// Fires `hearth-mystery-opened` (detail: the result of openMystery) so the
// host can react (e.g. start a server claim for a prize with money value).

import { GameElement, formatNumber, h, messageOf, reducedMotion } from './base.js';
import { icon } from './styles.js';

const MAX_ROWS = 20;

/** 0.125 → "12.5%", 0.00001 → "<0.01%". */
function percent(p) {
  const x = Number(p);
  if (!Number.isFinite(x) || x <= 0) return '0%';
  if (x < 0.0001) return '<0.01%';
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(x * 100)}%`;
}

export class HearthMysteryElement extends GameElement {
  static observedAttributes = ['box', 'label'];
  static feature = 'Mystery rewards';
  static css = `
.top { display: flex; align-items: center; gap: 14px; margin-bottom: 12px; }
.gift { width: 56px; height: 56px; border-radius: 16px; display: grid; place-items: center;
  background: linear-gradient(135deg, color-mix(in srgb, var(--_accent) 65%, white), var(--_accent)); color: var(--_on-accent); }
.gift svg { width: 30px; height: 30px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; }
.gift--ready { animation: hearth-wiggle 2.4s ease-in-out infinite; }
@keyframes hearth-wiggle { 0%, 80%, 100% { transform: none; } 85% { transform: rotate(-7deg); } 90% { transform: rotate(7deg); } 95% { transform: rotate(-4deg); } }
.name { font-size: 1.1rem; font-weight: 700; }
.avail { margin-left: auto; align-self: flex-start; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; margin-bottom: 8px; }
caption { text-align: left; font-weight: 650; font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase; color: var(--_muted); padding-bottom: 6px; }
th, td { padding: 7px 4px; border-top: 1px solid var(--_border); text-align: left; }
thead th { border-top: 0; font-size: 0.78rem; color: var(--_muted); font-weight: 600; }
td.p, th.p { text-align: right; font-variant-numeric: tabular-nums; font-weight: 650; }
.fine { font-size: 0.8rem; color: var(--_muted); margin-bottom: 12px; display: flex; gap: 6px; align-items: flex-start; }
.fine svg { flex: none; width: 16px; height: 16px; margin-top: 1px; fill: none; stroke: currentColor; stroke-width: 2; }
.actions { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.open { min-width: 150px; }
.reveal { margin-top: 14px; padding: 16px; border-radius: calc(var(--_radius) - 4px); text-align: center;
  background: var(--_accent-soft); border: 1px solid color-mix(in srgb, var(--_accent) 35%, transparent); }
.reveal--anim { animation: hearth-reveal 0.55s cubic-bezier(0.2, 0.8, 0.2, 1); }
@keyframes hearth-reveal { 0% { transform: scale(0.85); opacity: 0; } 100% { transform: none; opacity: 1; } }
.prize { font-size: 1.35rem; font-weight: 800; color: var(--_accent); margin: 2px 0 6px; }
.reveal h3 { font-size: 0.85rem; font-weight: 650; color: var(--_muted); }
.reveal h3:focus { outline: none; } /* focused by script so the prize is read next; not a control */
`;

  /** @type {any} */ #revealed = null;
  #revealAnimate = false;
  #busy = false;
  /** @type {string | null} */ #error = null;
  #focusReveal = false;

  onHearthEvent(event, payload) {
    if (event === 'reward' && payload?.kind === 'mystery_available') this.announce(`A mystery reward is ready to open${payload.label ? `: ${payload.label}` : ''}`);
  }

  /** @param {any[]} boxes */
  #pick(boxes) {
    const want = this.getAttribute('box');
    if (want) return boxes.find((b) => b.id === want) ?? null;
    return boxes.find((b) => Number(b.available) > 0) ?? boxes[0] ?? null;
  }

  /** Opens the shown box (what the Open button does). */
  async open() {
    const state = this.hearth?.game?.state?.();
    const box = state ? this.#pick(Array.isArray(state.mystery) ? state.mystery : []) : null;
    if (!box || this.#busy) return;
    this.#busy = true;
    this.#error = null;
    this.update();
    try {
      const result = await this.hearth.game.openMystery(box.id);
      this.#revealed = result ?? {};
      this.#revealAnimate = !reducedMotion();
      this.#focusReveal = true;
      const label = String(result?.label ?? result?.prize ?? 'a prize');
      this.announce(`You opened ${String(box.name ?? box.id)} and won ${label}`);
      this.emit('hearth-mystery-opened', { box: box.id, ...result });
    } catch (e) {
      const code = /** @type {any} */ (e)?.code;
      this.#error = code === 'FAILED_PRECONDITION' ? 'There is no box to open right now — earn one first.' : `Could not open the box: ${messageOf(e)}`;
      this.announce(this.#error);
    } finally {
      this.#busy = false;
      this.update();
    }
  }

  render() {
    const state = this.gameState();
    if (!state) return;
    const boxes = Array.isArray(state.mystery) ? state.mystery : [];
    const box = this.#pick(boxes);
    if (!box) {
      this.body.replaceChildren(this.notice(this.getAttribute('box') ? `No mystery reward "${this.getAttribute('box')}" in this shop.` : 'No mystery rewards in this shop.', 'off'));
      return;
    }
    const name = String(box.name ?? box.id);
    const available = Math.max(0, Number(box.available) || 0);
    const tableId = `odds-${String(box.id).replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const table = h(
      'table',
      { id: tableId },
      h('caption', {}, 'Odds — what you can win'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Prize'), h('th', { scope: 'col', class: 'p' }, 'Chance'))),
    );
    const tbody = h('tbody');
    const odds = Array.isArray(box.odds) ? box.odds.slice(0, MAX_ROWS) : [];
    for (const o of odds) tbody.append(h('tr', {}, h('th', { scope: 'row' }, String(o.label ?? o.prize)), h('td', { class: 'p' }, percent(o.probability))));
    table.append(tbody);

    const button = h(
      'button',
      { type: 'button', class: 'primary open', 'data-focus-key': 'open', 'aria-describedby': tableId, disabled: available < 1 || this.#busy },
      this.#busy ? 'Opening…' : available > 0 ? `Open ${name}` : 'Nothing to open yet',
    );
    button.addEventListener('click', () => this.open());

    const section = h(
      'section',
      { 'aria-label': this.getAttribute('label') || `Mystery reward: ${name}` },
      h(
        'div',
        { class: 'top' },
        h('span', { class: `gift${available > 0 ? ' gift--ready' : ''}` }, icon('gift')),
        h('div', {}, h('p', { class: 'title' }, 'Mystery reward'), h('h2', { class: 'name' }, name)),
        h('span', { class: `chip ${available > 0 ? 'chip--accent' : ''} avail` }, available > 0 ? `${formatNumber(available)} to open` : 'None yet'),
      ),
      table,
      h('p', { class: 'fine' }, icon('shield'), 'Free to open — never sold for money. These are the exact odds the draw uses.'),
      h('div', { class: 'actions' }, button),
    );
    if (this.#error) section.append(this.notice(this.#error, 'error'));
    if (this.#revealed) {
      const heading = h('h3', { tabindex: '-1' }, 'You won');
      const done = h('button', { type: 'button', class: 'small', 'data-focus-key': 'done' }, 'Done');
      done.addEventListener('click', () => {
        this.#revealed = null;
        this.update();
        /** @type {HTMLElement | null} */ (this.shadowRoot?.querySelector('.open') ?? null)?.focus();
      });
      const panel = h(
        'div',
        { class: `reveal${this.#revealAnimate ? ' reveal--anim' : ''}`, role: 'region', 'aria-label': 'Your prize' },
        heading,
        h('p', { class: 'prize' }, String(this.#revealed.label ?? this.#revealed.prize ?? 'A prize')),
        this.#revealed.needsServerConfirmation ? h('p', { class: 'muted small' }, 'The shop confirms this prize before you can use it.') : null,
        done,
      );
      this.#revealAnimate = false;
      section.append(panel);
      if (this.#focusReveal) {
        this.#focusReveal = false;
        queueMicrotask(() => heading.focus());
      }
    }
    this.body.replaceChildren(section);
  }
}
