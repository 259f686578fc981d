// Hearthside Goods: the parts of the store around the catalog — consent,
// "your moment" (context for deals and campaigns), the deals slot and the
// campaign offers, the rewards widgets, the cart and simulated checkout, the
// privacy center and the collector simulator. app.js owns the catalog, the
// product dialog and the for-you / wow rows, and calls startShop() once
// Hearth is up. Everything here goes through the `hearth` package and
// `hearth/widgets`, exactly as a shop would use them.

import '/hearth/widgets/index.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * The cart: item id → quantity, with the deal each line was added on. Kept in
 * sessionStorage (CART_KEY): it survives a reload of the tab, is gone with the
 * tab, and is the shopper's own list (strictly necessary, no profile), so it
 * is kept whatever the consent; "Erase everything" empties it too.
 */
const CART_KEY = 'hearthside-cart';
const MAX_CART_LINES = 100;
export const cart = {
  /** @type {Map<string, { qty: number, deal: null | { promotion?: string, discount?: number, campaign?: string } }>} */
  lines: new Map(),
  count() {
    let n = 0;
    for (const l of this.lines.values()) n += l.qty;
    return n;
  },
};

const shop = {
  /** @type {any} */ hearth: null,
  /** @type {Map<string, any>} */ byId: new Map(),
  /** @type {(event: any) => unknown} */ track: () => null,
  /** @type {(message: string) => void} */ toast: () => {},
  /** @type {Map<string, any>} deals on screen, by item id */
  deals: new Map(),
};

/** True once the shopper allowed personal picks (nothing is learned before). */
export function personalizationGranted(hearth) {
  try {
    return hearth?.consent?.get().personalization.state === 'granted';
  } catch {
    return false;
  }
}

/** The context the "Your moment" controls describe (fed to deals and campaigns). */
export function currentContext() {
  const hour = /** @type {HTMLSelectElement} */ ($('ctx-hour')).value;
  const weather = /** @type {HTMLSelectElement} */ ($('ctx-weather')).value;
  const near = /** @type {HTMLInputElement} */ ($('ctx-near')).checked;
  /** @type {{ hour?: number, weather: string, distanceKm: number }} */
  const context = { weather, distanceKm: near ? 0.3 : 12 };
  if (hour !== 'now') context.hour = Number(hour);
  return context;
}

/**
 * Wires everything once Hearth has started.
 * @param {{ hearth: any, byId: Map<string, any>, track: (e: any) => unknown, toast: (m: string) => void,
 *           openProduct: (id: string) => void }} options
 */
export async function startShop(options) {
  Object.assign(shop, options);
  const { hearth } = options;
  await loadShopData(hearth);

  const resolveItem = (id) => {
    const it = shop.byId.get(id);
    return it ? { title: it.title, subtitle: it.brand, price: it.price, image: `/img/${id}.svg`, href: `/p/${id}` } : { title: id };
  };
  const deals = /** @type {any} */ ($('deals-slot'));
  deals.resolveItem = resolveItem;
  deals.context = currentContext();
  for (const el of document.querySelectorAll('hearth-consent, hearth-slot, hearth-points, hearth-streak, hearth-tier, hearth-stamp-card, hearth-challenge, hearth-mystery, hearth-badges, hearth-privacy-center')) {
    /** @type {any} */ (el).connect(hearth);
  }
  deals.addEventListener('hearth-pick', (e) => {
    e.preventDefault();
    const { item, pick } = e.detail;
    if (pick) shop.deals.set(item, pick);
    shop.track({ type: 'click', item });
    options.openProduct(item);
  });

  $('moment-form').addEventListener('change', () => {
    deals.context = currentContext();
    deals.refresh?.();
    renderOffers();
  });
  renderOffers();
  hearth.on('consent', () => {
    document.body.dataset.consent = personalizationGranted(hearth) ? 'granted' : 'pending';
    renderOffers();
  });
  document.body.dataset.consent = personalizationGranted(hearth) ? 'granted' : 'pending';
  try {
    hearth.on('reward', (r) => r?.message && shop.toast(r.message));
  } catch {
    // No game module in this build: the rewards widgets say so themselves.
  }

  restoreCart();
  renderCartCount();
  // "Erase everything" in the privacy center empties the cart too (the
  // panel's own button in app.js does the same).
  $('privacy-center').addEventListener('hearth-erased', () => clearCart());
  wireCart();
  wireSimulator();
}

/** Promotions, campaigns (with holdouts) and the loyalty rules: the shop's own data, loaded at start. */
async function loadShopData(hearth) {
  const get = async (url) => {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.text();
  };
  const [promotions, campaigns, rules] = await Promise.all([get('/data/promotions.json'), get('/data/campaigns.json'), get('/data/game-rules.json')]);
  hearth.promotions.load(promotions);
  hearth.campaigns.load(campaigns);
  // The gamification engine is optional: without it one note replaces the
  // widgets (each would say the same) and the shop works.
  const hasGame = typeof hearth.game?.load === 'function';
  $('rewards-off').hidden = hasGame;
  $('rewards-grid').hidden = !hasGame;
  document.body.dataset.rewards = hasGame ? 'on' : 'off';
  if (hasGame) {
    try {
      hearth.game.load(rules);
      const sets = JSON.parse(rules).sets;
      /** @type {any} */ (document.querySelector('hearth-badges')).setNames = Object.fromEntries(
        (Array.isArray(sets) ? sets : []).map((s) => [String(s?.id), String(s?.name ?? s?.id)]),
      );
    } catch (e) {
      shop.toast(`Rewards are off: ${e.message}`);
    }
  }
}

/**
 * The campaigns that apply now, as banners. campaigns.active() records one
 * exposure per applicable campaign (holdout devices included, without a
 * banner), so it runs only when the moment changes or consent does.
 */
function renderOffers() {
  const list = $('offers');
  let active = [];
  if (personalizationGranted(shop.hearth)) {
    try {
      active = shop.hearth.campaigns.active(currentContext());
    } catch {
      active = [];
    }
  }
  list.replaceChildren(
    ...active.map((c) => {
      const li = document.createElement('li');
      li.className = 'offer';
      li.dataset.campaign = c.id;
      const title = document.createElement('strong');
      title.textContent = c.name;
      const text = document.createElement('span');
      text.textContent = offerText(c.action);
      li.append(title, text);
      return li;
    }),
  );
  if (active.length === 0) {
    const none = document.createElement('li');
    none.className = 'offers__none';
    none.textContent = personalizationGranted(shop.hearth)
      ? 'No campaign for this moment. Try a rainy evening, or near the store.'
      : 'Campaign offers appear once you allow personal picks.';
    list.append(none);
  }
  document.body.dataset.offers = String(active.length);
}

function offerText(action) {
  switch (action?.type) {
    case 'deal':
      return action.discount ? `${Math.round(action.discount * 100)}% off ${String(action.category ?? shop.byId.get(action.item)?.title ?? '').split('>').pop().trim()} — see the deals below.` : 'A deal for you — see below.';
    case 'widget':
      return action.widget === 'hearth-stamp-card' ? 'Every order earns a stamp: check your order card in Rewards.' : 'Something new in Rewards.';
    case 'content':
      return 'Picked for this moment.';
    default:
      return '';
  }
}

// ---- Cart and checkout --------------------------------------------------------

/** Adds one of `item` to the cart (with the deal it is shown on, if any). */
export function addToCart(item) {
  const line = cart.lines.get(item.id) ?? { qty: 0, deal: null };
  line.qty += 1;
  // A product opened from (or shown in) the deals slot is bought at its discount.
  const deal = shop.deals.get(item.id) ?? /** @type {any} */ ($('deals-slot')).picks?.find((p) => p.item === item.id);
  if (deal?.discount) line.deal = { promotion: deal.promotion, discount: deal.discount, campaign: deal.campaign?.id };
  cart.lines.set(item.id, line);
  renderCartCount();
}

export function clearCart() {
  cart.lines.clear();
  renderCartCount();
}

/** The cart of this tab before the reload, if any; lines of unknown items are dropped. */
function restoreCart() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(CART_KEY) ?? 'null');
  } catch {
    saved = null; // blocked storage or a damaged entry: an empty cart
  }
  if (!Array.isArray(saved)) return;
  for (const entry of saved.slice(0, MAX_CART_LINES)) {
    if (!Array.isArray(entry) || !shop.byId.has(entry[0])) continue;
    const qty = Number(entry[1]?.qty);
    if (!Number.isInteger(qty) || qty < 1 || qty > 99) continue;
    const d = entry[1].deal;
    const deal = d && typeof d.discount === 'number' && d.discount > 0 && d.discount < 1 ? { promotion: d.promotion, discount: d.discount, campaign: d.campaign } : null;
    cart.lines.set(entry[0], { qty, deal });
  }
}

function saveCart() {
  try {
    if (cart.lines.size === 0) sessionStorage.removeItem(CART_KEY);
    else sessionStorage.setItem(CART_KEY, JSON.stringify([...cart.lines]));
  } catch {
    // storage blocked or full: the cart lives in memory for this page
  }
}

function renderCartCount() {
  saveCart();
  $('cart-count').textContent = String(cart.count());
  document.body.dataset.cart = String(cart.count());
}

function linePrice(item, line) {
  const unit = typeof item.price === 'number' ? item.price : 0;
  return unit * (1 - (line.deal?.discount ?? 0));
}

function renderCart() {
  const list = $('cart-lines');
  let total = 0;
  list.replaceChildren(
    ...[...cart.lines].map(([id, line]) => {
      const item = shop.byId.get(id);
      const li = document.createElement('li');
      li.className = 'cart-line';
      const img = document.createElement('img');
      img.src = `/img/${id}.svg`;
      img.alt = '';
      img.width = 56;
      img.height = 56;
      const name = document.createElement('span');
      name.className = 'cart-line__name';
      name.textContent = `${item?.title ?? id}${line.qty > 1 ? ` × ${line.qty}` : ''}`;
      const price = document.createElement('span');
      price.className = 'cart-line__price';
      const p = linePrice(item ?? {}, line) * line.qty;
      total += p;
      price.textContent = money.format(p);
      li.append(img, name, price);
      if (line.deal?.discount) {
        const deal = document.createElement('span');
        deal.className = 'cart-line__deal';
        deal.textContent = `${Math.round(line.deal.discount * 100)}% off`;
        li.append(deal);
      }
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button button--small';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${item?.title ?? id}`);
      remove.addEventListener('click', () => {
        cart.lines.delete(id);
        renderCartCount();
        renderCart();
      });
      li.append(remove);
      return li;
    }),
  );
  const empty = cart.lines.size === 0;
  $('cart-empty').hidden = !empty;
  $('cart-total').textContent = empty ? '' : `Total ${money.format(total)}`;
  $('checkout-button').hidden = empty || !$('checkout-form').hidden;
  if (empty) $('checkout-form').hidden = true;
}

function wireCart() {
  const dialog = /** @type {HTMLDialogElement} */ ($('cart'));
  $('cart-button').addEventListener('click', () => {
    $('checkout-form').hidden = true;
    renderCart();
    dialog.showModal();
  });
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  $('checkout-button').addEventListener('click', () => {
    $('checkout-form').hidden = false;
    $('checkout-button').hidden = true;
    /** @type {HTMLInputElement} */ ($('pay-name')).focus();
  });
  $('checkout-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const order = `order-${crypto.randomUUID()}`;
    let n = 0;
    for (const [id, line] of cart.lines) {
      const item = shop.byId.get(id);
      /** @type {any} */
      // context.orderLine: the loyalty rules give a stamp (and count an
      // order for the badge and the challenge) once per order, on its first line.
      const event = { type: 'purchase', item: id, quantity: line.qty, id: `${order}-${n++}`, context: { orderLine: n } };
      if (typeof item?.price === 'number') event.value = Math.round(linePrice(item, line) * line.qty * 100) / 100;
      if (line.deal) event.deal = true;
      shop.track(event);
    }
    const count = cart.count();
    clearCart();
    dialog.close();
    shop.toast(`Order placed: ${count} item${count === 1 ? '' : 's'}. This is a demo — nothing was charged.`);
    document.body.dataset.orders = String(Number(document.body.dataset.orders ?? 0) + 1);
  });
}

// ---- The collector simulator ---------------------------------------------------

function wireSimulator() {
  $('sim-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = /** @type {HTMLInputElement} */ ($('sim-n')).value;
    const button = /** @type {HTMLButtonElement} */ ($('sim-run'));
    const out = $('sim-result');
    button.disabled = true;
    out.textContent = `Playing ${n} shoppers through the SDK…`;
    try {
      const res = await fetch(`/api/simulate?n=${encodeURIComponent(n)}`, { method: 'POST' });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      out.textContent = `${body.shoppers} shoppers, ${body.events} events, ${body.reportsAcked} private reports accepted by the collector in ${(body.ms / 1000).toFixed(1)} s. Open the dashboard to see them.`;
    } catch (err) {
      out.textContent = `The simulation did not run: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
}
