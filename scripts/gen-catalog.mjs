#!/usr/bin/env node
// Deterministic generator of a realistic product catalog for demos, tests and
// benchmarks. Same --items and --seed, same bytes, on any machine: every random
// choice comes from a seeded PRNG and every date is relative to a FIXED
// reference date, never to the clock.
//
//   node scripts/gen-catalog.mjs --items 10000 --seed 42 > catalog.json
//
// Items carry the fields the core reads (id, title, category, tags, brand,
// price, created_at, stock, popularity, image, url, attributes) plus a
// `description` the core ignores (catalogs may carry host data). 10k items are
// about 4.5 MB, a realistic size for a mid-sized shop's full catalog.
//
// As a module:
//   import { generateCatalog } from './gen-catalog.mjs';
//   const items = generateCatalog({ items: 300, seed: 7 });   // array of plain objects

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Catalog dates are spread over the two years before this instant. */
export const REFERENCE_DATE = '2025-06-01T00:00:00.000Z';
const REFERENCE_MS = Date.parse(REFERENCE_DATE);
const DAY_MS = 86_400_000;

/**
 * Departments: subcategories with their nouns, adjectives, tags, a log-normal
 * price model (median and spread) and the look of their product images.
 * Colours are pairs for a gradient; `icon` names a shape drawn by imageSvg().
 */
export const DEPARTMENTS = [
  {
    name: 'Shoes', colors: ['#ff7a59', '#c2255c'], icon: 'shoe', median: 85, spread: 0.45,
    adjectives: ['Lightweight', 'Cushioned', 'Grippy', 'Breathable', 'Waterproof', 'Classic', 'Minimal', 'Responsive'],
    tags: ['waterproof', 'vegan', 'wide-fit', 'recycled', 'breathable', 'lightweight'],
    subs: {
      Trail: ['Trail Runner', 'Fell Shoe', 'Hiking Shoe', 'Approach Shoe'],
      Running: ['Road Runner', 'Tempo Trainer', 'Racing Flat', 'Daily Trainer'],
      Casual: ['Sneaker', 'Loafer', 'Canvas Shoe', 'Slip-On'],
      Boots: ['Chelsea Boot', 'Hiking Boot', 'Winter Boot', 'Work Boot'],
    },
    uses: ['long days on rocky paths', 'easy morning miles', 'weekends in town', 'wet and muddy trails', 'all-day comfort'],
  },
  {
    name: 'Apparel', colors: ['#845ef7', '#364fc7'], icon: 'shirt', median: 45, spread: 0.5,
    adjectives: ['Organic', 'Relaxed', 'Slim', 'Merino', 'Oversized', 'Everyday', 'Heritage', 'Soft'],
    tags: ['organic-cotton', 'merino', 'recycled', 'unisex', 'slim-fit', 'machine-washable'],
    subs: {
      Tops: ['T-Shirt', 'Henley', 'Polo', 'Tank Top', 'Long Sleeve'],
      Knitwear: ['Sweater', 'Cardigan', 'Hoodie', 'Crewneck'],
      Outerwear: ['Rain Jacket', 'Puffer', 'Fleece', 'Windbreaker', 'Parka'],
      Bottoms: ['Chinos', 'Joggers', 'Shorts', 'Jeans'],
    },
    uses: ['layering through the seasons', 'everyday wear', 'cool evenings', 'travel days', 'lazy Sundays'],
  },
  {
    name: 'Outdoor', colors: ['#20c997', '#087f5b'], icon: 'tent', median: 110, spread: 0.8,
    adjectives: ['Ultralight', 'Rugged', 'Packable', 'Four-Season', 'Compact', 'Expedition', 'Trail-Ready'],
    tags: ['ultralight', 'waterproof', 'packable', 'four-season', 'recycled', 'bestseller'],
    subs: {
      Camping: ['Tent', 'Sleeping Bag', 'Sleeping Pad', 'Camp Stove', 'Lantern'],
      Climbing: ['Harness', 'Chalk Bag', 'Belay Device', 'Climbing Rope'],
      Hiking: ['Daypack', 'Trekking Poles', 'Water Filter', 'Headlamp'],
      Cycling: ['Bike Light', 'Saddle Bag', 'Cycling Helmet', 'Bike Lock'],
    },
    uses: ['weekend overnighters', 'alpine starts', 'long-distance trails', 'the daily commute', 'crag days'],
  },
  {
    name: 'Home', colors: ['#fab005', '#e8590c'], icon: 'lamp', median: 55, spread: 0.7,
    adjectives: ['Handwoven', 'Scandinavian', 'Rustic', 'Modern', 'Cosy', 'Linen', 'Ceramic', 'Oak'],
    tags: ['handmade', 'sustainable', 'linen', 'ceramic', 'fsc-wood', 'bestseller'],
    subs: {
      Lighting: ['Table Lamp', 'Floor Lamp', 'Pendant Light', 'String Lights'],
      Textiles: ['Throw Blanket', 'Cushion Cover', 'Rug', 'Duvet Cover', 'Curtain'],
      Decor: ['Vase', 'Wall Print', 'Candle', 'Mirror', 'Planter'],
      Furniture: ['Side Table', 'Bookshelf', 'Stool', 'Armchair'],
    },
    uses: ['slow evenings at home', 'a brighter living room', 'small apartments', 'the bedroom', 'gifting'],
  },
  {
    name: 'Kitchen', colors: ['#ff6b6b', '#e03131'], icon: 'cup', median: 35, spread: 0.75,
    adjectives: ['Cast-Iron', 'Stainless', 'Enamel', 'Stoneware', 'Nonstick', 'Artisan', 'Pro'],
    tags: ['dishwasher-safe', 'induction', 'stoneware', 'bpa-free', 'handmade', 'bestseller'],
    subs: {
      Cookware: ['Skillet', 'Dutch Oven', 'Saucepan', 'Wok', 'Stockpot'],
      Coffee: ['Pour-Over Set', 'Burr Grinder', 'French Press', 'Espresso Cups', 'Kettle'],
      Tableware: ['Dinner Plates', 'Pasta Bowls', 'Tumblers', 'Serving Board'],
      Tools: ['Chef Knife', 'Cutting Board', 'Mixing Bowls', 'Spice Rack'],
    },
    uses: ['weeknight dinners', 'slow weekend brunches', 'the perfect morning cup', 'hosting friends', 'everyday cooking'],
  },
  {
    name: 'Electronics', colors: ['#4dabf7', '#1864ab'], icon: 'bolt', median: 120, spread: 0.9,
    adjectives: ['Wireless', 'Smart', 'Noise-Cancelling', 'Portable', 'Compact', 'Pro', 'Ultra'],
    tags: ['wireless', 'bluetooth', 'usb-c', 'rechargeable', 'smart-home', 'bestseller'],
    subs: {
      Audio: ['Headphones', 'Earbuds', 'Bluetooth Speaker', 'Turntable'],
      Wearables: ['Fitness Tracker', 'Smartwatch', 'GPS Watch'],
      Accessories: ['Power Bank', 'Charging Stand', 'USB-C Hub', 'Phone Case'],
      'Smart Home': ['Smart Plug', 'Smart Bulb', 'Thermostat', 'Doorbell Camera'],
    },
    uses: ['the daily commute', 'training sessions', 'a tidier desk', 'a smarter home', 'long flights'],
  },
  {
    name: 'Beauty', colors: ['#f783ac', '#a61e4d'], icon: 'drop', median: 24, spread: 0.55,
    adjectives: ['Hydrating', 'Gentle', 'Fragrance-Free', 'Botanical', 'Nourishing', 'Mineral', 'Daily'],
    tags: ['vegan', 'cruelty-free', 'fragrance-free', 'refillable', 'organic', 'sensitive-skin'],
    subs: {
      Skincare: ['Face Serum', 'Moisturiser', 'Cleanser', 'Sunscreen', 'Face Mask'],
      Haircare: ['Shampoo Bar', 'Conditioner', 'Hair Oil', 'Styling Cream'],
      Fragrance: ['Eau de Parfum', 'Solid Perfume', 'Room Spray'],
    },
    uses: ['sensitive skin', 'a simple morning routine', 'after long days outside', 'travel', 'everyday care'],
  },
  {
    name: 'Books', colors: ['#94d82d', '#2b8a3e'], icon: 'book', median: 18, spread: 0.4,
    adjectives: ['Illustrated', 'Collected', 'Essential', 'Complete', 'Pocket', 'Annotated', 'Modern'],
    tags: ['hardcover', 'paperback', 'signed', 'new-release', 'award-winner', 'illustrated'],
    subs: {
      Cookbooks: ['Guide to Baking', 'Plant-Based Kitchen', 'Book of Ferments', 'Weeknight Recipes'],
      Travel: ['Guide to the Alps', 'Road Trip Atlas', 'City Walks', 'Island Handbook'],
      'Science Fiction': ['Starship Chronicles', 'Orbit Stories', 'Novel of Tomorrow', 'Short Stories'],
      'Nature Writing': ['Field Notes', 'Forest Journal', 'Book of Birds', 'River Essays'],
      Design: ['Book of Type', 'Interiors', 'Colour Handbook', 'Architecture Guide'],
    },
    uses: ['rainy afternoons', 'curious minds', 'the coffee table', 'long train rides', 'gifting'],
  },
];

/** Tags any item may carry, on top of its department's. */
const COMMON_TAGS = ['new', 'limited-edition', 'gift-idea', 'online-exclusive'];

/** Thirty fictional brands, each selling in one to three departments. */
export const BRANDS = [
  ['Acme', ['Shoes', 'Outdoor']], ['Fernhill', ['Shoes', 'Apparel']], ['Northwind', ['Outdoor', 'Apparel']],
  ['Stride & Co', ['Shoes']], ['Pebble', ['Electronics']], ['Lumen', ['Home', 'Electronics']],
  ['Cedar Lane', ['Home']], ['Copperpot', ['Kitchen']], ['Brightline', ['Electronics']],
  ['Marlow', ['Apparel']], ['Tidewater', ['Outdoor', 'Shoes']], ['Juniper', ['Beauty']],
  ['Oakhaus', ['Home', 'Kitchen']], ['Velo Nord', ['Outdoor']], ['Saltmarsh', ['Apparel', 'Beauty']],
  ['Kettle & Crumb', ['Kitchen', 'Books']], ['Quill House', ['Books']], ['Atlas Press', ['Books']],
  ['Summit', ['Outdoor', 'Shoes', 'Apparel']], ['Holloway', ['Home']], ['Fieldnote', ['Books', 'Home']],
  ['Aurora', ['Beauty']], ['Ironbark', ['Kitchen', 'Outdoor']], ['Nimbus', ['Electronics']],
  ['Wren', ['Apparel', 'Home']], ['Bloom & Root', ['Beauty', 'Home']], ['Pacer', ['Shoes', 'Electronics']],
  ['Harbor', ['Apparel']], ['Orbit', ['Electronics']], ['Meadow', ['Beauty', 'Kitchen']],
].map(([name, departments]) => ({ name, departments }));

const COLOURS = ['Slate grey', 'Forest green', 'Sand', 'Rust red', 'Navy blue', 'Charcoal', 'Sage green', 'Ochre', 'Ivory', 'Plum'];
const MATERIALS = {
  Shoes: ['mesh', 'leather', 'suede', 'recycled knit'],
  Apparel: ['organic cotton', 'merino wool', 'recycled polyester', 'linen'],
  Outdoor: ['ripstop nylon', 'aluminium', 'recycled polyester', 'carbon'],
  Home: ['oak', 'linen', 'ceramic', 'wool', 'brass'],
  Kitchen: ['cast iron', 'stainless steel', 'stoneware', 'enamel', 'walnut'],
  Electronics: ['aluminium', 'recycled plastic', 'silicone'],
  Beauty: ['glass', 'aluminium', 'refillable glass'],
  Books: ['paper', 'cloth-bound', 'recycled paper'],
};
const OPENERS = [
  'Designed for {use}, this {adj} {noun} from {brand} keeps things simple.',
  'A {adj} {noun} made for {use}.',
  "{brand}'s {adj} {noun} is built for {use} and made to last.",
  'Meet the {noun}: {adj}, dependable and ready for {use}.',
  'Our take on the {noun}, {adj} and made for {use}.',
];
const CLOSERS = [
  'Made from {material} in {colour}, with a two-year warranty.',
  'Finished in {colour} {material}; free returns within 30 days.',
  'Available in {colour}. Crafted from {material} that ages well.',
  'The {colour} colourway pairs with almost anything; {material} throughout.',
  'Thoughtfully made from {material}, shipped in plastic-free packaging.',
];

/**
 * A seeded PRNG: sfc32 (small, fast, passes PractRand to 2^40 bytes), seeded
 * from any string or number through a 32-bit string hash, so "42" and 42 are
 * the same seed. Returns floats in [0, 1).
 * @param {string | number} seed
 */
export function createRandom(seed) {
  const text = String(seed);
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next32 = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  const random = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) random(); // let the state mix before first use
  return random;
}

/**
 * Generates `items` catalog items from `seed`. Pure: the same arguments always
 * give deep-equal results.
 * @param {{ items?: number, seed?: string | number }} [options]
 * @returns {Array<Record<string, unknown>>}
 */
export function generateCatalog({ items = 1000, seed = 1 } = {}) {
  if (!Number.isInteger(items) || items < 0 || items > 1_000_000) {
    throw new RangeError(`generateCatalog: items must be an integer in [0, 1000000], got ${items}`);
  }
  const random = createRandom(seed);
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
  const pick = (list) => list[Math.floor(random() * list.length)];
  const normal = () => {
    // Box-Muller; 1 - random() keeps the log away from 0.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const fill = (template, words) => template.replace(/\{(\w+)\}/g, (_, k) => words[k]);

  // Department weights: bigger departments get more items, as in real shops.
  const weights = [1.2, 1.3, 1.0, 1.0, 0.9, 1.1, 0.8, 0.7];
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const pickDepartment = () => {
    let r = random() * totalWeight;
    for (let i = 0; i < DEPARTMENTS.length; i++) {
      r -= weights[i];
      if (r < 0) return DEPARTMENTS[i];
    }
    return DEPARTMENTS[DEPARTMENTS.length - 1];
  };
  const brandsByDepartment = new Map(DEPARTMENTS.map((d) => [d.name, BRANDS.filter((b) => b.departments.includes(d.name))]));

  const width = Math.max(5, String(items).length);
  const out = new Array(items);
  for (let i = 0; i < items; i++) {
    const id = `sku-${String(i + 1).padStart(width, '0')}`;
    const dept = pickDepartment();
    const subName = pick(Object.keys(dept.subs));
    const noun = pick(dept.subs[subName]);
    const adj = pick(dept.adjectives);
    const brand = pick(brandsByDepartment.get(dept.name)).name;

    const tagCount = int(0, 4);
    const tagPool = random() < 0.15 ? [...dept.tags, ...COMMON_TAGS] : dept.tags;
    const tags = [];
    for (let t = 0; t < tagCount * 3 && tags.length < tagCount; t++) {
      const tag = pick(tagPool);
      if (!tags.includes(tag)) tags.push(tag);
    }

    // Log-normal price around the department's median, ending in .99 or .00.
    const raw = dept.median * Math.exp(dept.spread * normal());
    const price = raw < 10 ? Math.max(0.99, Math.round(raw) - 0.01)
      : random() < 0.7 ? Math.round(raw) - 0.01 : Math.round(raw / 5) * 5;

    // Newer items are more common than older ones (catalogs grow).
    const ageDays = Math.floor(730 * Math.pow(random(), 1.4));
    const createdMs = REFERENCE_MS - ageDays * DAY_MS - int(0, DAY_MS / 1000 - 1) * 1000;

    const stock = random() < 0.08 ? 0 : Math.floor(Math.pow(random(), 2) * 250) + 1;
    // Heavy-tailed popularity: a few hits, a long tail.
    const popularity = Math.round(1000 * Math.pow(random(), 4)) / 10;

    const colour = pick(COLOURS);
    const material = pick(MATERIALS[dept.name]);
    const words = { adj: adj.toLowerCase(), noun: noun.toLowerCase(), brand, use: pick(dept.uses), colour: colour.toLowerCase(), material };
    const description = `${capitalise(fill(pick(OPENERS), words))} ${fill(pick(CLOSERS), words)}`;

    out[i] = {
      id,
      title: `${adj} ${noun}`,
      category: `${dept.name} > ${subName}`,
      tags,
      brand,
      price,
      created_at: new Date(createdMs).toISOString(),
      stock,
      popularity,
      image: `/img/${id}.svg`,
      url: `/p/${id}`,
      attributes: { colour, material },
      description,
    };
  }
  return out;
}

function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Serialises items as a JSON array with one item per line: valid JSON that
 * diffs and greps well.
 * @param {Array<unknown>} items
 */
export function catalogToJSON(items) {
  if (items.length === 0) return '[]\n';
  return `[\n${items.map((it) => JSON.stringify(it)).join(',\n')}\n]\n`;
}

// ---------------------------------------------------------------------------
// Product images: a deterministic SVG per item (department gradient, an icon
// shape, the title's initials). Pure text, no fonts or network fetched.

const ICONS = {
  shoe: '<path d="M44 88c0-7 4-12 11-12h13l11 14c5 6 12 9 20 9h9c23 0 42 10 52 25 3 4 4 9 4 14H44z" /><path d="M40 143h124v5c0 5-4 9-9 9H49c-5 0-9-4-9-9z" />',
  shirt: '<path d="M64 52l16-10h40l16 10 22 18-14 20-12-8v62H68V82l-12 8-14-20z" />',
  tent: '<path d="M100 44l58 100H42z M100 92l-22 52h44z" fill-rule="evenodd" />',
  lamp: '<path d="M76 50h48l18 48H58z M96 98h8v36h-8z M74 138h52v8H74z" />',
  cup: '<path d="M58 70h76v34c0 24-17 40-38 40s-38-16-38-40z M134 78h8c12 0 18 8 18 18s-6 18-18 18h-10v-10h10c5 0 8-3 8-8s-3-8-8-8h-8z" />',
  bolt: '<path d="M110 40L62 110h32l-8 50 50-74h-34z" />',
  drop: '<path d="M100 40c20 30 38 50 38 72a38 38 0 0 1-76 0c0-22 18-42 38-72z" />',
  book: '<path d="M48 54h42c5 0 8 3 8 8v90c-2-4-6-6-10-6H48z" /><path d="M152 54h-42c-5 0-8 3-8 8v90c2-4 6-6 10-6h40z" />',
};

const XML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (s) => String(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/**
 * The product image of `item` (an item from generateCatalog) as SVG text.
 * @param {{ id: string, title: string, category: string }} item
 */
export function imageSvg(item) {
  const deptName = String(item.category).split('>')[0].trim();
  const dept = DEPARTMENTS.find((d) => d.name === deptName) ?? DEPARTMENTS[0];
  const initials = String(item.title)
    .split(/[\s-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
  // A per-item variation (gradient angle, bubble positions) from the id, so
  // items of a department look related but not identical.
  const r = createRandom(item.id);
  const angle = Math.floor(r() * 360);
  const bx = 20 + Math.floor(r() * 160);
  const by = 20 + Math.floor(r() * 60);
  const rad = 30 + Math.floor(r() * 40);
  const [c1, c2] = dept.colors;
  const gid = `g-${escapeXml(item.id)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" role="img" aria-label="${escapeXml(item.title)}">
<defs><linearGradient id="${gid}" gradientTransform="rotate(${angle} .5 .5)"><stop offset="0" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></linearGradient></defs>
<rect width="200" height="200" fill="url(#${gid})"/>
<circle cx="${bx}" cy="${by}" r="${rad}" fill="#fff" fill-opacity=".12"/>
<circle cx="${200 - bx}" cy="${200 - by / 2}" r="${rad * 1.4}" fill="#000" fill-opacity=".07"/>
<g fill="#fff" fill-opacity=".92">${ICONS[dept.icon]}</g>
<text x="184" y="186" text-anchor="end" font-family="system-ui, sans-serif" font-size="22" font-weight="700" fill="#fff" fill-opacity=".85">${escapeXml(initials)}</text>
</svg>
`;
}

// ---------------------------------------------------------------------------
// Command line.

function parseArgs(argv) {
  const opts = { items: 1000, seed: '1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.split('=', 2);
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`${name} needs a value`);
      return argv[++i];
    };
    if (name === '--items' || name === '-n') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`--items must be a non-negative integer, got "${v}"`);
      opts.items = Number(v);
    } else if (name === '--seed' || name === '-s') {
      opts.seed = value();
    } else if (name === '--help' || name === '-h') {
      opts.help = true;
    } else {
      throw new Error(`unknown argument "${arg}"`);
    }
  }
  return opts;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`gen-catalog: ${e.message}\nusage: node scripts/gen-catalog.mjs --items N --seed S > catalog.json\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write('usage: node scripts/gen-catalog.mjs --items N --seed S > catalog.json\n');
  } else {
    process.stdout.write(catalogToJSON(generateCatalog(opts)));
  }
}
