// Hearthside Goods: the demo storefront's page script.
//
// Loads the `hearth` package straight from /hearth/ (an import map would be an
// inline script, which this page's CSP forbids), loads the demo catalog into
// it, and turns what the shopper does into Hearth events: opening a product
// (click + view), add to cart, buying, searching. The "What Hearth knows about
// you" panel re-renders from hearth.profile() on every 'change' event.
//
// All catalog text is untrusted: it reaches the DOM through textContent only.
// Nothing is put on `window`; tests wait on two body attributes instead:
//   data-hearth-status    loading | ready | memory-only | closed | failed
//   data-hearth-revision  bumped after every render of the profile panel

import { createHearth, HearthError } from '/hearth/index.js';

const STORAGE_KEY = 'hearth-demo';
const MAX_INTERESTS = 8;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

const state = {
  /** @type {any} */ hearth: null,
  /** @type {Array<any>} */ items: [],
  /** @type {Map<string, any>} */ byId: new Map(),
  /** @type {Map<string, string>} */ categoryPaths: new Map(), // "shoes/trail" -> "Shoes › Trail"
  query: '',
  /** @type {string | null} */ department: null,
  cart: 0,
  /** @type {any} */ current: null, // the item in the product dialog
  pushedProduct: false, // did opening the dialog push a history entry?
  revision: 0,
};

async function main() {
  setStatus('loading');
  // The store works without Hearth: the catalog renders even if the SDK
  // cannot start (old browser, blocked storage), just without a profile.
  const starting = createHearth({ storage: 'indexeddb', key: STORAGE_KEY });
  starting.catch(() => {}); // handled below, after the catalog is shown
  const catalogText = await fetchCatalog('/catalog.json');
  state.items = JSON.parse(catalogText)
    .filter((it) => it && typeof it.id === 'string')
    .sort((a, b) => (Number(b.popularity) || 0) - (Number(a.popularity) || 0));
  state.byId = new Map(state.items.map((it) => [it.id, it]));
  state.categoryPaths = categoryPaths(state.items);
  wireUi();
  renderDepartments();
  renderGrid();

  const hearth = await starting;
  state.hearth = hearth;
  const loaded = await hearth.catalog.load(catalogText);
  if (loaded?.rejected?.length) {
    const first = loaded.rejected[0];
    showNotice(`${loaded.rejected.length} catalog item(s) were skipped (first: item ${first.index}, ${first.field}: ${first.message}).`);
  }
  hearth.on('change', () => {
    setStatus(hearth.status);
    renderProfile();
  });
  hearth.on('error', (err) => {
    setStatus(hearth.status);
    showNotice(`Hearth: ${err?.message ?? err}`);
  });
  renderProfile();
  setStatus(hearth.status);
  openFromLocation();
}

async function fetchCatalog(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`could not load the catalog (${url}: HTTP ${res.status})`);
  return res.text();
}

// ---- Events -----------------------------------------------------------------

/**
 * Sends one event to Hearth. A HearthError (a bad event, a closed instance) is
 * shown, not thrown: the store keeps working without personalization.
 */
function track(event) {
  if (!state.hearth) return null; // not started (yet, or at all): the store still works
  try {
    return state.hearth.track(event);
  } catch (err) {
    if (err instanceof HearthError) {
      showNotice(`Hearth could not record that ${event.type} (${err.code}): ${err.message}`);
      return null;
    }
    throw err;
  }
}

function wireUi() {
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const query = /** @type {HTMLInputElement} */ ($('search-input')).value.trim();
    state.query = query;
    if (query) track({ type: 'search', query });
    renderGrid();
  });
  $('search-input').addEventListener('input', (e) => {
    // Clearing the box (or its ✕) shows everything again; no event for that.
    if (/** @type {HTMLInputElement} */ (e.target).value === '' && state.query) {
      state.query = '';
      renderGrid();
    }
  });

  $('grid').addEventListener('click', (e) => {
    const link = /** @type {HTMLElement} */ (e.target).closest('a[data-item]');
    if (!link) return;
    // Let the browser handle new-tab / new-window clicks: those open /p/<id>.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const id = link.getAttribute('data-item');
    track({ type: 'click', item: id });
    openProduct(id, { push: true });
  });

  const dialog = /** @type {HTMLDialogElement} */ ($('product'));
  dialog.addEventListener('close', () => {
    state.current = null;
    if (state.pushedProduct) {
      state.pushedProduct = false;
      history.back();
    } else if (location.pathname !== '/') {
      history.replaceState(null, '', '/');
    }
  });
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  window.addEventListener('popstate', () => {
    state.pushedProduct = false;
    if (productIdFromPath(location.pathname)) openFromLocation();
    else if (dialog.open) dialog.close();
  });

  $('add-to-cart').addEventListener('click', () => {
    const item = state.current;
    if (!item) return;
    if (track({ type: 'add_to_cart', item: item.id, quantity: 1 }) === null) return;
    state.cart += 1;
    $('cart-count').textContent = String(state.cart);
    toast(`Added “${item.title}” to your cart`);
  });
  $('buy-now').addEventListener('click', () => {
    const item = state.current;
    if (!item) return;
    const event = { type: 'purchase', item: item.id, quantity: 1, id: `order-${crypto.randomUUID()}` };
    if (typeof item.price === 'number') event.value = item.price;
    if (track(event) === null) return;
    toast('Thanks! This is a demo: nothing was charged.');
    dialog.close();
  });

  $('export-button').addEventListener('click', () => state.hearth && exportData());
  $('erase-button').addEventListener('click', () => {
    if (!state.hearth) return;
    $('erase-confirm').hidden = false;
    $('erase-button').hidden = true;
    $('erase-no').focus();
  });
  $('erase-no').addEventListener('click', closeEraseConfirm);
  $('erase-yes').addEventListener('click', eraseAll);
}

function closeEraseConfirm() {
  $('erase-confirm').hidden = true;
  $('erase-button').hidden = false;
  $('erase-button').focus();
}

async function eraseAll() {
  const yes = /** @type {HTMLButtonElement} */ ($('erase-yes'));
  yes.disabled = true;
  try {
    await state.hearth.erase();
    state.cart = 0;
    $('cart-count').textContent = '0';
    toast('Your profile was erased from this browser.');
  } catch (err) {
    showNotice(`Could not erase: ${err?.message ?? err}`);
  } finally {
    yes.disabled = false;
    closeEraseConfirm();
    setStatus(state.hearth.status);
    renderProfile();
  }
}

function exportData() {
  let json = state.hearth.exportJSON();
  if (typeof json !== 'string') json = JSON.stringify(json, null, 2);
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `hearth-profile-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  toast('Your data was downloaded as JSON.');
}

// ---- Product dialog -----------------------------------------------------------

function productIdFromPath(path) {
  const m = /^\/p\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  return m ? m[1] : null;
}

function openFromLocation() {
  const id = productIdFromPath(location.pathname);
  if (!id) return;
  if (!state.byId.has(id)) {
    showNotice('That product is not in this catalog.');
    history.replaceState(null, '', '/');
    return;
  }
  openProduct(id, { push: false });
}

function openProduct(id, { push }) {
  const item = state.byId.get(id);
  if (!item) return;
  const dialog = /** @type {HTMLDialogElement} */ ($('product'));
  state.current = item;

  const img = /** @type {HTMLImageElement} */ ($('product-image'));
  img.src = safeImage(item.image);
  $('product-category').textContent = categoryText(item.category);
  $('product-title').textContent = item.title ?? item.id;
  $('product-brand').textContent = item.brand ? `by ${item.brand}` : '';
  $('product-price').textContent = priceText(item.price);
  const out = item.stock === 0;
  const stock = $('product-stock');
  stock.textContent = out ? 'Out of stock' : typeof item.stock === 'number' && item.stock < 10 ? `Only ${item.stock} left` : 'In stock';
  stock.classList.toggle('product__stock--out', out);
  $('product-description').textContent = typeof item.description === 'string' ? item.description : '';
  const tags = $('product-tags');
  tags.replaceChildren(...(Array.isArray(item.tags) ? item.tags : []).map((t) => el('li', 'badge', String(t))));
  /** @type {HTMLButtonElement} */ ($('add-to-cart')).disabled = out;
  /** @type {HTMLButtonElement} */ ($('buy-now')).disabled = out;

  if (push) {
    const path = `/p/${encodeURIComponent(id)}`;
    if (location.pathname !== path) {
      history.pushState({ item: id }, '', path);
      state.pushedProduct = true;
    }
  }
  if (!dialog.open) dialog.showModal();
  track({ type: 'view', item: id });
}

// ---- Catalog rendering ------------------------------------------------------

function renderDepartments() {
  const names = [...new Set(state.items.map((it) => departmentOf(it.category)).filter(Boolean))].sort();
  const list = $('departments');
  const chip = (label, value) => {
    const b = el('button', 'chip', label);
    b.type = 'button';
    b.setAttribute('aria-pressed', String(state.department === value));
    b.addEventListener('click', () => {
      state.department = value;
      for (const other of list.querySelectorAll('.chip')) other.setAttribute('aria-pressed', 'false');
      b.setAttribute('aria-pressed', 'true');
      renderGrid();
    });
    const li = el('li');
    li.append(b);
    return li;
  };
  list.replaceChildren(chip('All', null), ...names.map((n) => chip(n, n)));
}

function renderGrid() {
  const words = state.query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = state.items.filter((it) => {
    if (state.department && departmentOf(it.category) !== state.department) return false;
    if (words.length === 0) return true;
    const hay = [it.title, it.brand, categoryText(it.category), ...(Array.isArray(it.tags) ? it.tags : [])]
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });

  const title = state.query ? `Results for “${state.query}”` : state.department ?? 'All products';
  $('results-title').textContent = title;
  $('results-count').textContent = `${shown.length} ${shown.length === 1 ? 'product' : 'products'}`;

  const grid = $('grid');
  if (shown.length === 0) {
    grid.replaceChildren(el('li', 'empty-results', 'Nothing matches that. Try another word, or pick a department.'));
    return;
  }
  grid.replaceChildren(...shown.map(card));
}

function card(item) {
  const li = el('li');
  const article = el('article', 'card');
  const img = /** @type {HTMLImageElement} */ (el('img', 'card__image'));
  img.src = safeImage(item.image);
  img.alt = '';
  img.width = 200;
  img.height = 200;
  img.loading = 'lazy';
  img.decoding = 'async';

  const body = el('div', 'card__body');
  const brand = el('p', 'card__brand', item.brand ?? '');
  const h = el('h3', 'card__title');
  const link = /** @type {HTMLAnchorElement} */ (el('a', 'card__link', item.title ?? item.id));
  link.href = `/p/${encodeURIComponent(item.id)}`;
  link.setAttribute('data-item', item.id);
  h.append(link);
  const category = el('p', 'card__category', categoryText(item.category));
  const meta = el('div', 'card__meta');
  meta.append(el('p', 'card__price', priceText(item.price)));
  if (item.stock === 0) meta.append(el('span', 'badge badge--out', 'Out of stock'));
  body.append(brand, h, category, meta);
  article.append(img, body);
  li.append(article);
  return li;
}

// ---- "What Hearth knows about you" ----------------------------------------

function renderProfile() {
  const hearth = state.hearth;
  let p;
  try {
    p = hearth.profile();
  } catch (err) {
    showNotice(`Could not read the profile: ${err?.message ?? err}`);
    return;
  }
  const interests = Array.isArray(p?.interests) ? p.interests : [];
  const summary = Array.isArray(p?.summary) ? p.summary : [];
  const rfm = p?.rfm ?? {};
  const knowsNothing = interests.length === 0 && !(Number(rfm.eventsTotal) > 0);
  $('profile-body').hidden = false;
  $('profile-empty').hidden = !knowsNothing;
  $('profile-empty-text').textContent =
    'Nothing yet. Open a few products and this panel will learn what you like — and show its work.';

  // A blank profile shows one friendly line, not a wall of zeros.
  for (const section of $('profile-body').querySelectorAll('[data-learned]')) {
    /** @type {HTMLElement} */ (section).hidden = knowsNothing;
  }
  $('summary').replaceChildren(...summary.map((s) => el('li', '', String(s))));
  $('summary-section').hidden = knowsNothing || summary.length === 0;

  const top = interests.slice(0, MAX_INTERESTS);
  const max = Math.max(...top.map((i) => Number(i.weight) || 0), 1e-9);
  const focused = document.activeElement?.closest?.('.interest');
  const focusIndex = focused ? [...$('interests').children].indexOf(focused) : -1;
  $('interests').replaceChildren(...top.map((interest) => interestRow(interest, max)));
  $('interests-empty').hidden = top.length > 0;
  if (focusIndex >= 0) {
    // Keep keyboard users in place after "Forget" removed their row.
    const rows = $('interests').querySelectorAll('.interest__forget');
    const next = rows[Math.min(focusIndex, rows.length - 1)];
    if (next) /** @type {HTMLElement} */ (next).focus();
    else $('interests-title').focus();
  }

  $('segment').textContent = knowsNothing || !p?.segment ? 'Not enough to tell yet' : segmentText(p.segment);

  $('rfm').replaceChildren(
    rfmItem('Events', count(rfm.eventsTotal)),
    rfmItem('Last active', daysText(rfm.daysSinceActive)),
    rfmItem('Purchases (90 days)', count(rfm.purchases90d)),
    rfmItem('Purchases (all)', count(rfm.purchasesTotal)),
    rfmItem('Last purchase', daysText(rfm.daysSincePurchase)),
    rfmItem('Spent', money.format(Number(rfm.monetaryTotal) || 0)),
  );

  state.revision += 1;
  document.body.dataset.hearthRevision = String(state.revision);
}

function interestRow(interest, max) {
  const li = el('li', 'interest');
  const feature = String(interest.feature);
  // A sub-category reads better with its parents ("Shoes › Trail", not "Trail").
  const label =
    (feature.startsWith('cat:') && state.categoryPaths.get(feature.slice(4))) ||
    priceLabel(interest.label) ||
    String(interest.label ?? feature);
  const kind = kindText(interest.kind, interest.feature);
  li.dataset.feature = String(interest.feature);

  const name = el('p', 'interest__name');
  name.append(el('span', 'interest__label', label), el('span', 'interest__kind', kind));

  const forget = /** @type {HTMLButtonElement} */ (el('button', 'button button--small interest__forget', 'Forget'));
  forget.type = 'button';
  forget.setAttribute('aria-label', `Forget ${label} (${kind})`);
  forget.addEventListener('click', () => {
    try {
      state.hearth.profile.forget(String(interest.feature));
      toast(`Forgot ${label}.`);
    } catch (err) {
      showNotice(`Could not forget ${label}: ${err?.message ?? err}`);
    }
  });

  const weight = Number(interest.weight) || 0;
  const barRow = el('div', 'interest__bar');
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'presentation');
  const fill = el('div', 'bar__fill');
  // CSSOM, not a style attribute: allowed under style-src 'self'.
  fill.style.setProperty('--w', String(Math.max(0.02, Math.min(1, weight / max))));
  bar.append(fill);
  barRow.append(bar, el('span', 'interest__weight', weight.toFixed(2)));

  li.append(name, forget, barRow);
  return li;
}

function rfmItem(label, value) {
  const div = el('div', 'rfm__item');
  div.append(el('dt', '', label), el('dd', '', value));
  return div;
}

// ---- Small helpers -------------------------------------------------------------

function el(tag, className = '', text = undefined) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function departmentOf(category) {
  const levels = categoryLevels(category);
  return levels[0] ?? null;
}

function categoryLevels(category) {
  if (Array.isArray(category)) return category.map(String);
  if (typeof category !== 'string') return [];
  return category
    .split(/\s*[>/]\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Display paths of every category prefix in the catalog, keyed the way the
 * core keys category features ("cat:" + levels lower-cased, spaces collapsed,
 * joined by "/").
 */
function categoryPaths(items) {
  const out = new Map();
  for (const it of items) {
    const levels = categoryLevels(it.category);
    for (let i = 1; i <= levels.length; i++) {
      const key = levels
        .slice(0, i)
        .map((l) => l.toLowerCase().replace(/\s+/g, ' ').trim())
        .join('/');
      if (!out.has(key)) out.set(key, levels.slice(0, i).join(' › '));
    }
  }
  return out;
}

function categoryText(category) {
  return categoryLevels(category).join(' › ');
}

const wholeMoney = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** The core labels price bands "price 64–128" (currency-free); this store is in dollars. */
function priceLabel(label) {
  const m = /^price ([\d.]+)[–-]([\d.]+)$/.exec(String(label ?? ''));
  return m ? `${wholeMoney.format(Number(m[1]))}–${wholeMoney.format(Number(m[2]))}` : null;
}

function priceText(price) {
  return typeof price === 'number' && Number.isFinite(price) ? money.format(price) : '—';
}

/** Only same-origin images: catalog URLs are untrusted (CSP would block others anyway). */
function safeImage(src) {
  try {
    const url = new URL(String(src), location.href);
    if (url.origin === location.origin) return url.href;
  } catch {
    // fall through
  }
  return '/favicon.svg';
}

const KIND_NAMES = { cat: 'category', category: 'category', tag: 'tag', brand: 'brand', price: 'price range' };

function kindText(kind, feature) {
  const k = String(kind ?? String(feature).split(':')[0]).toLowerCase();
  return KIND_NAMES[k] ?? k;
}

const SEGMENT_NAMES = {
  new: 'New visitor',
  disengaged: 'Drifting away',
  lapsed: 'Lapsed customer',
  deal_seeker: 'Deal seeker',
  brand_advocate: 'Brand advocate',
  multi_category: 'Multi-category shopper',
  single_category_regular: 'Single-category regular',
};

function segmentText(segment) {
  return SEGMENT_NAMES[segment] ?? humanize(segment);
}

function humanize(text) {
  const s = String(text).replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function count(n) {
  return Number.isFinite(Number(n)) ? String(Number(n)) : '0';
}

function daysText(days) {
  const d = Number(days);
  if (days == null || !Number.isFinite(d) || d < 0) return 'Never';
  if (d < 1) return 'Today';
  if (d < 2) return 'Yesterday';
  return `${Math.floor(d)} days ago`;
}

const STATUS_TEXT = {
  loading: 'Starting Hearth…',
  restoring: 'Restoring your profile…',
  ready: 'Profile saved on this device',
  'memory-only': 'Profile in memory only (storage unavailable)',
  closed: 'Hearth is closed',
  failed: 'Hearth could not start',
};

function setStatus(status) {
  const s = String(status ?? 'loading');
  document.body.dataset.hearthStatus = s;
  $('status-text').textContent = STATUS_TEXT[s] ?? s;
}

let toastTimer = 0;
function toast(message) {
  const t = $('toast');
  t.textContent = message;
  t.classList.add('toast--visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.classList.remove('toast--visible');
    setTimeout(() => {
      if (!t.classList.contains('toast--visible')) t.textContent = '';
    }, 250);
  }, 3000);
}

function showNotice(message) {
  const n = $('notice');
  n.textContent = message;
  n.hidden = false;
}

function fail(err) {
  setStatus('failed');
  $('profile-body').hidden = true;
  $('profile-empty').hidden = false;
  $('profile-empty-text').textContent = 'Personalization is off: Hearth could not start in this browser.';
  const code = err instanceof HearthError ? ` (${err.code})` : '';
  showNotice(`Hearth could not start${code}: ${err?.message ?? err}. The store still works, without personalization.`);
  console.error(err);
}

// Last, so every module-level constant above is initialised first.
main().catch(fail);
