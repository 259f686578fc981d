// Styles of the Hearth elements, as constructable stylesheets.
//
// A constructed CSSStyleSheet adopted by a shadow root is not an inline
// <style> element, so it works under `style-src 'self'` (checked by the
// Chromium test, which listens for CSP violations). One sheet object per CSS
// text is shared by every element instance.
//
// Theming: the host page sets the public custom properties on the elements
// (or any ancestor); each has a default here, light and dark.
//   --hearth-accent           brand colour (buttons, filled stamps, bars)
//   --hearth-accent-contrast  text on the accent
//   --hearth-accent-soft      tinted backgrounds
//   --hearth-surface          card background        --hearth-surface-2  insets
//   --hearth-text             text                   --hearth-text-muted secondary text
//   --hearth-border           hairlines              --hearth-radius     corner radius
//   --hearth-success / --hearth-warning / --hearth-danger   status colours
//   --hearth-danger-contrast  text on the danger colour (Erase)
//   --hearth-focus            focus ring             --hearth-font       font stack
//   --hearth-shadow           card shadow

/** @type {Map<string, CSSStyleSheet>} */
const cache = new Map();

/**
 * The shared stylesheet for `css` (created once).
 * @param {string} css
 * @returns {CSSStyleSheet}
 */
export function sheet(css) {
  let s = cache.get(css);
  if (!s) {
    s = new CSSStyleSheet();
    s.replaceSync(css);
    cache.set(css, s);
  }
  return s;
}

export const BASE_CSS = `
:host {
  --_accent: var(--hearth-accent, #c2410c);
  --_on-accent: var(--hearth-accent-contrast, #ffffff);
  --_accent-soft: var(--hearth-accent-soft, #ffedd5);
  --_surface: var(--hearth-surface, #ffffff);
  --_surface-2: var(--hearth-surface-2, #f6f1ea);
  --_text: var(--hearth-text, #1f1a17);
  --_muted: var(--hearth-text-muted, #6b5f57);
  --_border: var(--hearth-border, #e7dfd4);
  --_success: var(--hearth-success, #0f766e);
  --_warning: var(--hearth-warning, #b45309);
  --_danger: var(--hearth-danger, #b91c1c);
  --_on-danger: var(--hearth-danger-contrast, #ffffff);
  --_focus: var(--hearth-focus, #2563eb);
  --_radius: var(--hearth-radius, 14px);
  --_shadow: var(--hearth-shadow, 0 1px 2px rgb(31 26 23 / 6%), 0 4px 16px rgb(31 26 23 / 7%));
  display: block;
  color: var(--_text);
  font-family: var(--hearth-font, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif);
  font-size: 15px;
  line-height: 1.45;
  container-type: inline-size;
}
@media (prefers-color-scheme: dark) {
  :host {
    --_accent: var(--hearth-accent, #fb923c);
    --_on-accent: var(--hearth-accent-contrast, #1f1a17);
    --_accent-soft: var(--hearth-accent-soft, #3b2416);
    --_surface: var(--hearth-surface, #221c17);
    --_surface-2: var(--hearth-surface-2, #2c251f);
    --_text: var(--hearth-text, #f5efe8);
    --_muted: var(--hearth-text-muted, #c9bdb1);
    --_border: var(--hearth-border, #3d342c);
    --_success: var(--hearth-success, #2dd4bf);
    --_warning: var(--hearth-warning, #fbbf24);
    --_danger: var(--hearth-danger, #f87171);
    --_on-danger: var(--hearth-danger-contrast, #1f1a17);
    --_focus: var(--hearth-focus, #93c5fd);
    --_shadow: var(--hearth-shadow, 0 1px 2px rgb(0 0 0 / 30%), 0 4px 16px rgb(0 0 0 / 25%));
  }
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.hw {
  background: var(--_surface);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  box-shadow: var(--_shadow);
  padding: 16px 18px;
}
.vh {
  position: absolute !important;
  width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}
h2, h3, p, ul, ol, dl, dd, figure, table { margin: 0; }
ul, ol { padding: 0; list-style: none; }
.head { display: flex; align-items: center; gap: 10px; margin-bottom: 10px; }
.title { font-size: 0.8rem; font-weight: 650; letter-spacing: 0.06em; text-transform: uppercase; color: var(--_muted); }
.icon { flex: none; width: 36px; height: 36px; border-radius: 50%; display: grid; place-items: center;
  background: var(--_accent-soft); color: var(--_accent); }
.icon svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.muted { color: var(--_muted); }
.small { font-size: 0.85rem; }
.big { font-size: 2rem; font-weight: 750; line-height: 1.1; letter-spacing: -0.01em; font-variant-numeric: tabular-nums; }
.chip { display: inline-flex; align-items: center; gap: 4px; padding: 2px 9px; border-radius: 999px;
  font-size: 0.78rem; font-weight: 600; background: var(--_surface-2); color: var(--_muted); white-space: nowrap; }
.chip--accent { background: var(--_accent-soft); color: var(--_accent); }
.chip--success { background: color-mix(in srgb, var(--_success) 14%, transparent); color: var(--_success); }
.chip--warning { background: color-mix(in srgb, var(--_warning) 14%, transparent); color: var(--_warning); }
.notice { margin: 0; padding: 10px 12px; border-radius: calc(var(--_radius) - 6px); background: var(--_surface-2);
  color: var(--_muted); font-size: 0.9rem; }
.notice--error { background: color-mix(in srgb, var(--_danger) 10%, transparent); color: var(--_danger); }
button, .button {
  font: inherit; font-weight: 600; font-size: 0.92rem; cursor: pointer;
  display: inline-flex; align-items: center; justify-content: center; gap: 6px;
  min-height: 40px; padding: 8px 16px; border-radius: 999px;
  border: 1px solid var(--_border); background: var(--_surface); color: var(--_text);
  transition: background-color 0.15s, border-color 0.15s, transform 0.15s;
}
button:hover:not(:disabled) { border-color: var(--_accent); }
button:active:not(:disabled) { transform: translateY(1px); }
button:disabled { cursor: not-allowed; opacity: 0.55; }
button.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_on-accent); }
button.primary:hover:not(:disabled) { background: color-mix(in srgb, var(--_accent) 86%, black); }
button.danger { color: var(--_danger); }
button.danger-solid { background: var(--_danger); border-color: var(--_danger); color: var(--_on-danger); }
button.link { min-height: 32px; padding: 4px 10px; border: 0; background: none; color: var(--_accent); text-decoration: underline; text-underline-offset: 3px; }
button.small { min-height: 32px; padding: 4px 12px; font-size: 0.82rem; }
:focus { outline: none; }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.bar { position: relative; height: 10px; border-radius: 999px; background: var(--_surface-2); overflow: hidden; }
.bar__fill { position: absolute; inset: 0; transform-origin: left center; transform: scaleX(var(--hearth-fill, 0));
  background: linear-gradient(90deg, color-mix(in srgb, var(--_accent) 70%, white), var(--_accent)); border-radius: inherit;
  transition: transform 0.6s cubic-bezier(0.2, 0.8, 0.2, 1); }
.pop { animation: hearth-pop 0.6s cubic-bezier(0.2, 0.8, 0.2, 1); }
@keyframes hearth-pop { 0% { transform: scale(1); } 35% { transform: scale(1.12); } 100% { transform: scale(1); } }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
}
@media (forced-colors: active) {
  .bar__fill { background: Highlight; }
  .hw { border-color: CanvasText; }
}
`;

/** Inline SVG icons, built with the DOM (no markup strings). */
const ICONS = {
  coin: ['M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z', 'M9 9.5c0-1 1.3-1.8 3-1.8s3 .8 3 1.8-1.3 1.6-3 1.9-3 .9-3 2 1.3 1.8 3 1.8 3-.8 3-1.8', 'M12 6.5v11'],
  flame: ['M12 3c3.5 3.6 6 6.8 6 10.5A6 6 0 0 1 6 13.5c0-2 .8-3.6 2-5 .3 1.8 1.2 3 2.5 3.5C10 8.6 10.8 5.6 12 3z'],
  stamp: ['M4 7h16v12H4z', 'M8 7V5h8v2', 'M9 13l2 2 4-4'],
  crown: ['M3 8l4.5 4L12 5l4.5 7L21 8l-2 10H5z'],
  medal: ['M8 3h8l-2 6h-4z', 'M12 9a6 6 0 1 0 0 12 6 6 0 0 0 0-12z', 'M12 12.5l1.1 2.2 2.4.3-1.8 1.7.5 2.4-2.2-1.2-2.2 1.2.5-2.4-1.8-1.7 2.4-.3z'],
  flag: ['M5 21V4', 'M5 4h11l-2 4 2 4H5'],
  gift: ['M4 11h16v10H4z', 'M3 7h18v4H3z', 'M12 7v14', 'M12 7c-1.5-3-5-3.5-5-1.2C7 7 9.5 7 12 7zM12 7c1.5-3 5-3.5 5-1.2C17 7 14.5 7 12 7z'],
  shield: ['M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z', 'M9 12l2 2 4-4'],
  chevronLeft: ['M15 5l-7 7 7 7'],
  chevronRight: ['M9 5l7 7-7 7'],
  check: ['M5 12l5 5 9-10'],
  close: ['M6 6l12 12M18 6L6 18'],
  lock: ['M6 11h12v10H6z', 'M8.5 11V8a3.5 3.5 0 0 1 7 0v3'],
};

/**
 * An icon as an SVG element (decorative: hidden from assistive technology).
 * @param {keyof typeof ICONS} name
 */
export function icon(name) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ICONS[name]) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}
