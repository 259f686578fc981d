// Hearthside Goods: the demo storefront's page script.
//
// Loads the `hearth` package straight from /hearth/ (an import map would be an
// inline script, which this page's CSP forbids), loads the demo catalog into
// it, and turns what the shopper does into Hearth events: opening a product
// (click + view), add to cart, buying, searching. The "What Hearth knows about
// you" panel re-renders from hearth.profile() on every 'change' event, and the
// "Picked for you" / "Something different" rows from hearth.recommend() (at
// most once per animation frame, and only while the shopper can see them:
// each recommend() counts as showing the picks, for the bandit and fatigue).
// What the shopper does with a pick goes back through hearth.feedback().
//
// All catalog text is untrusted: it reaches the DOM through textContent only.
// Nothing is put on `window`; tests wait on body attributes instead:
//   data-hearth-status    loading | ready | memory-only | closed | failed
//   data-hearth-revision  bumped after every render of the profile panel
//   data-picks-revision   bumped after every render (or dismissal) in the rows

import { createHearth, HearthError } from '/hearth/index.js';
import { addToCart, clearCart, personalizationGranted, startShop } from '/shop.js';

const STORAGE_KEY = 'hearth-demo';
const MAX_INTERESTS = 8;
const FOR_YOU_COUNT = 8;
const WOW_COUNT = 2;
const REDUCED_MOTION = matchMedia('(prefers-reduced-motion: reduce)');

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
  /** @type {{ item: string, slot: string } | null} */ pick: null, // the pick the product dialog was opened from
  picksRevision: 0,
  rowsFrame: 0, // a pending requestAnimationFrame for the rows
  rowsStale: true, // the rows do not show the latest state yet
  rowsVisible: true, // the rows are on (or near) the screen
  uid: 0,
};

async function main() {
  setStatus('loading');
  // The store works without Hearth: the catalog renders even if the SDK
  // cannot start (old browser, blocked storage), just without a profile.
  // Every purpose starts pending: until the shopper answers the consent
  // prompt Hearth stores nothing and sends nothing, and the page records no
  // events (picks are the popular, unpersonalized ones). Reports go to the
  // collector under /collector/ once measurement is allowed.
  const starting = createHearth({
    storage: 'indexeddb',
    key: STORAGE_KEY,
    consent: { personalization: 'pending', gamification: 'pending', measurement: 'pending' },
    endpoint: new URL('/collector', location.origin).href,
  });
  starting.catch(() => {}); // handled below, after the catalog is shown
  const catalogText = await fetchCatalog('/catalog.json');
  performance.mark('shop:catalog-fetched');
  state.items = JSON.parse(catalogText)
    .filter((it) => it && typeof it.id === 'string')
    .sort((a, b) => (Number(b.popularity) || 0) - (Number(a.popularity) || 0));
  state.byId = new Map(state.items.map((it) => [it.id, it]));
  state.categoryPaths = categoryPaths(state.items);
  wireUi();
  renderDepartments();
  renderGrid();

  const hearth = await starting;
  performance.mark('shop:hearth-started');
  state.hearth = hearth;
  const loaded = await hearth.catalog.load(catalogText);
  performance.mark('shop:catalog-loaded');
  if (loaded?.rejected?.length) {
    const first = loaded.rejected[0];
    showNotice(`${loaded.rejected.length} catalog item(s) were skipped (first: item ${first.index}, ${first.field}: ${first.message}).`);
  }
  hearth.on('consent', () => {
    setStatus(hearth.status);
    renderProfile();
  });
  hearth.on('change', () => {
    setStatus(hearth.status);
    renderProfile();
    scheduleRows();
  });
  hearth.on('error', (err) => {
    setStatus(hearth.status);
    showNotice(`Hearth: ${err?.message ?? err}`);
  });
  renderProfile();
  setStatus(hearth.status);
  scheduleRows();
  await startShop({
    hearth,
    byId: state.byId,
    track,
    toast,
    openProduct: (id) => openProduct(id, { push: true }),
  }).catch((e) => showNotice(`Some shop features are off: ${e.message}`));
  performance.mark('shop:ready');
  document.body.dataset.shop = 'ready';
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
  // Before consent nothing is learned: the shop works, unpersonalized.
  if (!personalizationGranted(state.hearth)) return 'not-consented';
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

/** Tells Hearth what the shopper did with a pick; like track(), never throws a HearthError. */
function feedback(event) {
  if (!state.hearth || !personalizationGranted(state.hearth)) return false;
  try {
    state.hearth.feedback(event);
    return true;
  } catch (err) {
    if (err instanceof HearthError) {
      showNotice(`Hearth could not record that ${event.outcome} (${err.code}): ${err.message}`);
      return false;
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
    state.pick = null;
    // Picks that changed while the dialog covered them are shown now.
    if (state.rowsStale) scheduleRows();
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
    addToCart(item);
    toast(`Added “${item.title}” to your cart`);
  });
  $('buy-now').addEventListener('click', () => {
    const item = state.current;
    if (!item) return;
    // A one-line order (context.orderLine: see the checkout in shop.js).
    const event = { type: 'purchase', item: item.id, quantity: 1, id: `order-${crypto.randomUUID()}`, context: { orderLine: 1 } };
    if (typeof item.price === 'number') event.value = item.price;
    if (track(event) === null) return;
    if (state.pick?.item === item.id) feedback({ item: item.id, slot: state.pick.slot, outcome: 'purchase' });
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
  $('knows-toggle').addEventListener('click', () => {
    const open = !$('knows').classList.contains('knows--open');
    $('knows').classList.toggle('knows--open', open);
    $('knows-toggle').setAttribute('aria-expanded', String(open));
    $('knows-toggle').textContent = open ? 'Hide' : 'Show';
  });
  $('erase-no').addEventListener('click', closeEraseConfirm);
  $('erase-yes').addEventListener('click', eraseAll);
  wirePicks();
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
    clearCart();
    toast('Your profile was erased from this browser.');
  } catch (err) {
    showNotice(`Could not erase: ${err?.message ?? err}`);
  } finally {
    yes.disabled = false;
    closeEraseConfirm();
    setStatus(state.hearth.status);
    renderProfile();
    scheduleRows();
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
  state.pick = null; // set again by openPick() when the product came from a pick

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

// ---- "Picked for you" and "Something different" ------------------------------
//
// Both rows keep their size whatever they show (skeletons in the HTML, fixed
// card sizes in CSS), so personalizing them never moves the page. They are
// re-rendered at most once per animation frame after a 'change', and not
// while the product dialog covers them or they are scrolled far away: each
// recommend() counts as showing the picks (bandit decisions, fatigue), so the
// page asks only when the shopper can see the answer.

function wirePicks() {
  const picks = $('picks');
  picks.addEventListener('click', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const control = target.closest('button[data-role]');
    if (control) {
      const li = /** @type {HTMLElement} */ (control.closest('li[data-item]'));
      if (!li) return;
      if (control.getAttribute('data-role') === 'why') toggleWhy(/** @type {HTMLButtonElement} */ (control));
      else if (control.getAttribute('data-role') === 'dismiss') dismissPick(li);
      return;
    }
    const link = target.closest('a[data-item]');
    if (!link) return;
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const li = /** @type {HTMLElement} */ (link.closest('li[data-item]'));
    openPick(String(link.getAttribute('data-item')), li?.dataset.slot ?? 'for_you');
  });
  // Escape closes an open "Why this?" and puts focus back on its button.
  picks.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const li = /** @type {HTMLElement} */ (e.target).closest?.('li[data-item]');
    const why = /** @type {HTMLButtonElement | null} */ (li?.querySelector('button[data-role="why"][aria-expanded="true"]'));
    if (!why) return;
    e.preventDefault();
    toggleWhy(why, false);
    why.focus();
  });

  const list = $('for-you-list');
  const prev = /** @type {HTMLButtonElement} */ ($('for-you-prev'));
  const next = /** @type {HTMLButtonElement} */ ($('for-you-next'));
  const step = (dir) => {
    list.scrollBy({ left: dir * Math.max(list.clientWidth * 0.8, 160), behavior: REDUCED_MOTION.matches ? 'auto' : 'smooth' });
  };
  prev.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => step(1));
  list.addEventListener('scroll', updateArrows, { passive: true });
  window.addEventListener('resize', updateArrows, { passive: true });

  if ('IntersectionObserver' in window) {
    new IntersectionObserver(
      (entries) => {
        state.rowsVisible = entries.some((entry) => entry.isIntersecting);
        if (state.rowsVisible && state.rowsStale) scheduleRows();
      },
      { rootMargin: '200px 0px' },
    ).observe(picks);
  }
}

function updateArrows() {
  const list = $('for-you-list');
  const max = list.scrollWidth - list.clientWidth;
  /** @type {HTMLButtonElement} */ ($('for-you-prev')).disabled = list.scrollLeft <= 1;
  /** @type {HTMLButtonElement} */ ($('for-you-next')).disabled = list.scrollLeft >= max - 1;
}

/** Re-renders the rows on the next animation frame (once, however many changes came first). */
function scheduleRows() {
  state.rowsStale = true;
  if (state.rowsFrame || !state.hearth) return;
  state.rowsFrame = requestAnimationFrame(() => {
    state.rowsFrame = 0;
    const dialog = /** @type {HTMLDialogElement} */ ($('product'));
    // Covered or far away: stay stale, render when seen again (dialog close,
    // IntersectionObserver).
    if (dialog.open || !state.rowsVisible) return;
    renderRows();
  });
}

function renderRows() {
  const hearth = state.hearth;
  if (!hearth) return;
  state.rowsStale = false;
  let forYou;
  let wow;
  let knowsSomething = false;
  try {
    forYou = hearth.recommend({ slot: 'for_you', count: FOR_YOU_COUNT }).filter((p) => state.byId.has(p.item));
    // The wow row never repeats a pick from the row above.
    wow = hearth
      .recommend({ slot: 'wow', count: WOW_COUNT, exclude: forYou.map((p) => p.item) })
      .filter((p) => state.byId.has(p.item));
    const p = hearth.profile();
    knowsSomething = (p?.interests?.length ?? 0) > 0;
  } catch (err) {
    if (!(err instanceof HearthError)) throw err;
    showNotice(`Hearth could not pick products (${err.code}): ${err.message}`);
    return;
  }

  $('for-you-subtitle').textContent = knowsSomething
    ? 'Based on what you browse here. Open “Why this?” on any card to see the reason.'
    : 'Popular right now. Open a few products and these picks learn what you like.';
  fillRow($('for-you-list'), 'for_you', forYou, pickCard, 'That’s everything we’d pick for now. Browse a little and new picks will show up here.');
  fillRow($('wow-list'), 'wow', wow, wowCard, 'Nothing new to suggest right now. Check back soon.');
  updateArrows();
  bumpPicks();
}

function bumpPicks() {
  // The first render of the rows: what scripts/measure-storefront.mjs times.
  if (state.picksRevision === 0) performance.mark('shop:first-picks');
  state.picksRevision += 1;
  document.body.dataset.picksRevision = String(state.picksRevision);
}

/**
 * Replaces a row's cards, keeping what the shopper was doing there: the
 * focused control (same item, or the card in the same place) and open
 * "Why this?" panels. Cards that were not in the row before fade in.
 */
function fillRow(list, slot, picks, make, emptyText) {
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const focusedLi = active && list.contains(active) ? /** @type {HTMLElement | null} */ (active.closest('li[data-item]')) : null;
  const focus = focusedLi
    ? { item: focusedLi.dataset.item, role: active?.dataset.role ?? 'link', index: [...list.children].indexOf(focusedLi) }
    : null;
  const open = new Set(
    [...list.querySelectorAll('button[data-role="why"][aria-expanded="true"]')].map((b) => b.closest('li')?.dataset.item),
  );
  const wasLoaded = list.getAttribute('aria-busy') === 'false';
  const before = new Set([...list.children].map((li) => /** @type {HTMLElement} */ (li).dataset.item).filter(Boolean));

  if (picks.length === 0) {
    list.replaceChildren(el('li', 'row__empty', emptyText));
  } else {
    list.replaceChildren(
      ...picks.map((pick) => {
        const li = make(pick, slot);
        if (wasLoaded && !before.has(pick.item)) li.classList.add('is-entering');
        return li;
      }),
    );
  }
  list.setAttribute('aria-busy', 'false');

  for (const li of list.querySelectorAll('li[data-item]')) {
    if (open.has(/** @type {HTMLElement} */ (li).dataset.item)) {
      toggleWhy(/** @type {HTMLButtonElement} */ (li.querySelector('button[data-role="why"]')), true);
    }
  }
  if (focus) {
    const cards = /** @type {HTMLElement[]} */ ([...list.querySelectorAll('li[data-item]')]);
    const same = cards.find((li) => li.dataset.item === focus.item);
    const target = same
      ? same.querySelector(`[data-role="${focus.role}"]`)
      : cards[Math.min(focus.index, cards.length - 1)]?.querySelector('[data-role="link"]');
    /** @type {HTMLElement | null} */ (target ?? $(`${slot === 'wow' ? 'wow' : 'for-you'}-title`))?.focus();
  }
}

/** The parts every pick card has: data attributes, image, linked title, price, "Why this?", "Not interested". */
function pickParts(pick, slot, item) {
  const li = el('li', slot === 'wow' ? 'wow' : 'pick');
  li.dataset.item = item.id;
  li.dataset.slot = slot;
  li.dataset.department = departmentOf(item.category) ?? '';
  li.dataset.arm = String(pick.arm ?? '');
  const title = String(item.title ?? item.id);

  const img = /** @type {HTMLImageElement} */ (el('img', `${li.className}__image`));
  img.src = safeImage(item.image);
  img.alt = '';
  img.width = 200;
  img.height = 200;
  img.decoding = 'async';

  const h = el('h3', `${li.className}__title`);
  const link = /** @type {HTMLAnchorElement} */ (el('a', 'pick-link', title));
  link.href = `/p/${encodeURIComponent(item.id)}`;
  link.dataset.item = item.id;
  link.dataset.role = 'link';
  h.append(link);

  const price = el('p', `${li.className}__price`, priceText(item.price));

  const id = `why-${++state.uid}`;
  const why = /** @type {HTMLButtonElement} */ (el('button', 'why'));
  why.type = 'button';
  why.dataset.role = 'why';
  why.id = `${id}-button`;
  why.setAttribute('aria-expanded', 'false');
  why.setAttribute('aria-controls', id);
  why.append(infoIcon(), el('span', '', 'Why this?'));
  const reason = el('div', 'why__panel');
  reason.id = id;
  reason.setAttribute('role', 'region');
  reason.setAttribute('aria-labelledby', why.id);
  reason.hidden = true;
  const reasonText = String(pick.reason ?? '').trim();
  reason.append(el('p', 'why__reason', reasonText || 'Picked on this device from what you do here.'));

  const dismiss = /** @type {HTMLButtonElement} */ (el('button', 'dismiss'));
  dismiss.type = 'button';
  dismiss.dataset.role = 'dismiss';
  dismiss.setAttribute('aria-label', `Not interested in ${title}`);
  dismiss.title = 'Not interested';
  dismiss.append(closeIcon());

  return { li, img, h, price, why, reason, dismiss };
}

function pickCard(pick, slot) {
  const item = state.byId.get(pick.item);
  const { li, img, h, price, why, reason, dismiss } = pickParts(pick, slot, item);
  const card = el('article', 'pick__card');
  const body = el('div', 'pick__body');
  body.append(el('p', 'pick__brand', item.brand ?? ''), h, price);
  const foot = el('div', 'pick__foot');
  foot.append(why);
  card.append(img, body, foot, reason, dismiss);
  li.append(card);
  return li;
}

function wowCard(pick, slot) {
  const item = state.byId.get(pick.item);
  const { li, img, h, price, why, reason, dismiss } = pickParts(pick, slot, item);
  const card = el('article', 'wow__card');
  const body = el('div', 'wow__body');
  const top = el('p', 'wow__top');
  top.append(el('span', 'badge badge--wow', 'New for you'), el('span', 'wow__category', categoryText(item.category)));
  const description = el('p', 'wow__description', typeof item.description === 'string' ? item.description : '');
  const foot = el('div', 'wow__foot');
  foot.append(price, why);
  body.append(top, h, description, foot);
  card.append(img, body, reason, dismiss);
  li.append(card);
  return li;
}

function toggleWhy(button, force) {
  const open = force ?? button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  const panel = document.getElementById(String(button.getAttribute('aria-controls')));
  if (panel) panel.hidden = !open;
}

function openPick(id, slot) {
  // Feedback first: it credits the list the shopper actually saw, before the
  // click's 'change' can lead to a new one.
  feedback({ item: id, slot, outcome: 'click' });
  track({ type: 'click', item: id });
  openProduct(id, { push: true });
  state.pick = { item: id, slot };
}

/** "Not interested": tells Hearth (the item rests for 30 days) and lets the card go. */
function dismissPick(li) {
  if (li.classList.contains('is-leaving')) return;
  const { item, slot } = li.dataset;
  if (!feedback({ item, slot, outcome: 'dismiss' })) return;
  const title = state.byId.get(item)?.title ?? 'that';
  li.classList.add('is-leaving');
  li.setAttribute('aria-hidden', 'true');
  for (const control of li.querySelectorAll('a, button')) control.setAttribute('tabindex', '-1');

  // Keyboard users land on the next card (or the previous, or the heading).
  const list = /** @type {HTMLElement} */ (li.parentElement);
  if (li.contains(document.activeElement)) {
    const sibling = /** @type {HTMLElement | null} */ (
      li.nextElementSibling?.querySelector('[data-role="link"]') ?? li.previousElementSibling?.querySelector('[data-role="link"]')
    );
    (sibling ?? $(slot === 'wow' ? 'wow-title' : 'for-you-title')).focus({ preventScroll: true });
  }
  let done = false;
  const remove = () => {
    if (done) return;
    done = true;
    li.remove();
    if (!list.querySelector('li[data-item]')) {
      list.replaceChildren(el('li', 'row__empty', 'Got it. Browse a little and new picks will show up here.'));
    }
    updateArrows();
    bumpPicks();
  };
  if (REDUCED_MOTION.matches) remove();
  else {
    li.addEventListener('animationend', (e) => e.target === li && remove());
    setTimeout(remove, 600); // in case the animation never runs (hidden tab)
  }
  toast(`Got it: no more “${title}”.`);
}

function infoIcon() {
  return svgIcon('M12 8h.01M11 12h1v5h1', 'why__icon', true);
}

function closeIcon() {
  return svgIcon('M6 6l12 12M18 6 6 18', 'dismiss__icon', false);
}

function svgIcon(d, className, circle) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (circle) {
    const c = document.createElementNS(NS, 'circle');
    c.setAttribute('cx', '12');
    c.setAttribute('cy', '12');
    c.setAttribute('r', '9');
    svg.append(c);
  }
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

function rowsUnavailable(message) {
  for (const id of ['for-you-list', 'wow-list']) {
    const list = $(id);
    list.replaceChildren(el('li', 'row__empty', message));
    list.setAttribute('aria-busy', 'false');
  }
  $('for-you-subtitle').textContent = 'Personal picks need Hearth, which could not start here.';
  updateArrows();
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
  $('profile-empty-text').textContent = personalizationGranted(state.hearth)
    ? 'Nothing yet. Open a few products and this panel will learn what you like — and show its work.'
    : 'Nothing, and nothing is kept: allow personal picks and this panel will learn what you like — and show its work.';

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
  $('knows-peek').textContent = knowsNothing
    ? 'Nothing yet: open a few products.'
    : top.length > 0
      ? `Top interests: ${top.slice(0, 3).map((i) => interestLabel(i)).join(', ')}`
      : `${count(rfm.eventsTotal)} things you did here, no interests yet.`;

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
  const label = interestLabel(interest);
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

function interestLabel(interest) {
  const feature = String(interest.feature);
  // A sub-category reads better with its parents ("Shoes › Trail", not "Trail").
  return (
    (feature.startsWith('cat:') && state.categoryPaths.get(feature.slice(4))) ||
    priceLabel(interest.label) ||
    String(interest.label ?? feature)
  );
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
  'memory-only': 'Memory only: storage unavailable',
  closed: 'Hearth is closed',
  failed: 'Hearth could not start',
};

function setStatus(status) {
  const s = String(status ?? 'loading');
  document.body.dataset.hearthStatus = s;
  // Ready but not yet allowed to learn: say that nothing is kept.
  const waiting = s === 'ready' && state.hearth && !personalizationGranted(state.hearth);
  const text = waiting ? 'Not personalized: nothing saved' : STATUS_TEXT[s] ?? s;
  $('status-text').textContent = text;
  $('status-text').title = text; // the box has a fixed width: the whole text on hover
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
  $('knows-peek').textContent = 'Personalization is off in this browser.';
  rowsUnavailable('Personal picks are off: Hearth could not start in this browser.');
  const code = err instanceof HearthError ? ` (${err.code})` : '';
  showNotice(`Hearth could not start${code}: ${err?.message ?? err}. The store still works, without personalization.`);
  console.error(err);
}

// Last, so every module-level constant above is initialised first.
main().catch(fail);
