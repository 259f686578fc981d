// catalog.load() writes the document straight into wasm memory
// (js/internal/input.js): text through TextEncoder.encodeInto, bytes with one
// set(). These tests hold that path to the same answers as before, whatever
// form the document comes in and wherever its multi-byte characters sit (a
// string's UTF-8 can outgrow the first, one-byte-per-unit guess).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createHearth, HearthError } from 'hearth';

import { T0, manualClock } from './helpers/real.js';

/** Brands and tags that take 2, 3 and 4 bytes per character in UTF-8. */
const ITEMS = [
  { id: 'sku-1', title: 'Café crème', category: 'Küche > Kaffee', tags: ['naïve'], brand: 'Zürich Co', price: 12 },
  { id: 'sku-2', title: '雨のジャケット', category: '服 > 雨', tags: ['防水'], brand: '山田', price: 150 },
  { id: 'sku-3', title: 'Party pack 🎉', category: 'Fun', tags: ['🎉'], brand: 'Emoji 😀 Ltd', price: 3 },
  { id: 'sku-4', title: 'Plain socks', category: 'Accessories', tags: ['merino'], brand: 'Knit', price: 12 },
];

const text = (items) => JSON.stringify(items);
const bytes = (items) => new TextEncoder().encode(text(items));

/** The item count, rejects and what the profile learns from one view of each item (labels carry the text). */
async function loadAndLearn(input) {
  const clock = manualClock();
  const h = await createHearth({ storage: 'memory', now: clock.now, autosave: 0 });
  try {
    const loaded = h.catalog.load(input);
    for (const it of ITEMS) if (loaded.items === ITEMS.length) h.track({ type: 'view', item: it.id, ts: T0 - 1000 });
    const labels = h.profile().interests.map((i) => `${i.feature}=${i.label}`).sort();
    return { loaded, labels };
  } finally {
    h.close();
  }
}

describe('catalog.load() input forms', () => {
  test('text, bytes, an ArrayBuffer and a parsed array load the same items with the same multi-byte labels', async () => {
    const want = await loadAndLearn(text(ITEMS));
    assert.deepEqual(want.loaded, { items: 4, rejected: [], size: 4 });
    for (const label of ['brand:zürich co=Zürich Co', 'brand:山田=山田', 'cat:服=服', 'brand:emoji 😀 ltd=Emoji 😀 Ltd', 'cat:küche=Küche']) {
      assert.ok(want.labels.includes(label), `missing ${label} in ${want.labels.join(', ')}`);
    }
    const b = bytes(ITEMS);
    for (const [name, input] of [
      ['bytes', b],
      ['ArrayBuffer', b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)],
      ['a view into a larger buffer', new Uint8Array([0x20, ...b, 0x20]).subarray(1, b.length + 1)],
      ['parsed array', ITEMS],
    ]) {
      assert.deepEqual(await loadAndLearn(input), want, name);
    }
  });

  test('multi-byte text first, last or alone loads the same as its bytes', async () => {
    const ascii = ITEMS.slice(3);
    const cases = [
      ['multi-byte at the very end', [...ascii, ITEMS[2]]],
      ['multi-byte at the very start', [ITEMS[1], ...ascii]],
      ['every item multi-byte', ITEMS.slice(0, 3)],
      ['ASCII only', ascii],
    ];
    for (const [name, items] of cases) {
      const fromText = await loadAndLearn(text(items));
      assert.equal(fromText.loaded.items, items.length, name);
      assert.deepEqual(fromText, await loadAndLearn(bytes(items)), name);
    }
  });

  test('a large multi-byte catalog (about 1 MB of UTF-8) loads every item from text', async () => {
    const items = Array.from({ length: 4000 }, (_, i) => ({
      id: `sku-${i}`,
      title: `${'ü'.repeat(40)} ${'雨'.repeat(40)} ${'😀'.repeat(20)} ${i}`,
      category: i % 2 ? 'Küche > Kaffee' : '服 > 雨',
      brand: 'Zürich Co',
      price: 1 + (i % 100),
    }));
    const doc = text(items);
    assert.ok(new TextEncoder().encode(doc).length > 1.5 * doc.length, 'the UTF-8 is much longer than the string');
    const h = await createHearth({ storage: 'memory', now: manualClock().now, autosave: 0 });
    try {
      assert.deepEqual(h.catalog.load(doc), { items: items.length, rejected: [], size: items.length });
      assert.deepEqual(h.catalog.load(bytes(items), { replace: true }), { items: items.length, rejected: [], size: items.length });
    } finally {
      h.close();
    }
  });

  test('a bad document in any form is a HearthError and leaves the loaded catalog as it was', async () => {
    const h = await createHearth({ storage: 'memory', now: manualClock().now, autosave: 0 });
    try {
      h.catalog.load(text(ITEMS));
      const bad = [
        ['truncated text', text(ITEMS).slice(0, -5)],
        ['truncated bytes', bytes(ITEMS).subarray(0, 40)],
        ['invalid UTF-8 bytes', new Uint8Array([0x5b, 0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x5d])],
        ['a lone surrogate', '[{"id": "sku-9", "title": "\ud800"}]'],
        ['empty text', ''],
        ['whitespace bytes', new TextEncoder().encode('   \n ')],
        ['text after the array', `${text(ITEMS)} []`],
      ];
      for (const [name, input] of bad) {
        assert.throws(() => h.catalog.load(input, { replace: true }), (e) => e instanceof HearthError && e.code === 'INVALID_ARGUMENT', name);
        assert.equal(h.catalog.size, ITEMS.length, name);
      }
      // Still alive and loading.
      assert.deepEqual(h.catalog.load(bytes(ITEMS.slice(0, 2)), { replace: true }), { items: 2, rejected: [], size: 2 });
    } finally {
      h.close();
    }
  });

  test('repeated loads of the same text (upsert) keep the catalog the same size', async () => {
    const h = await createHearth({ storage: 'memory', now: manualClock().now, autosave: 0 });
    try {
      for (let i = 0; i < 50; i++) assert.deepEqual(h.catalog.load(text(ITEMS)), { items: 4, rejected: [], size: 4 });
    } finally {
      h.close();
    }
  });
});
