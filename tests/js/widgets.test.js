// hearth/widgets outside a browser: importing it in Node (SSR, tests, build
// tools) must not throw nor define anything; the element set and the prefix
// check are the same everywhere. The elements themselves are tested in
// Chromium: tests/e2e/widgets.test.js.

import assert from 'node:assert/strict';
import { test } from 'node:test';

test('importing hearth/widgets in Node defines nothing and does not throw', async () => {
  assert.equal(typeof globalThis.customElements, 'undefined');
  const widgets = await import('hearth/widgets');
  assert.deepEqual(widgets.defineHearthElements(), []);
  assert.deepEqual(Object.keys(widgets.elements), ['points', 'streak', 'stamp-card', 'tier', 'badges', 'challenge', 'mystery', 'slot', 'consent', 'privacy-center']);
  for (const Cls of Object.values(widgets.elements)) assert.ok(Cls.prototype instanceof widgets.HearthElement, Cls.name);
});

test('defineHearthElements() refuses a prefix that cannot start a custom element name', async () => {
  const { defineHearthElements } = await import('hearth/widgets');
  const registry = new Map();
  globalThis.customElements = /** @type {any} */ ({ get: (n) => registry.get(n), define: (n, c) => registry.set(n, c) });
  try {
    for (const bad of ['', 'Shop', '1shop', 'shop_', 'shop-', 'sh op']) {
      assert.throws(() => defineHearthElements({ prefix: bad }), TypeError, JSON.stringify(bad));
    }
    const tags = defineHearthElements({ prefix: 'shop' });
    assert.equal(tags.length, 10);
    assert.ok(tags.includes('shop-privacy-center'));
    // Idempotent: a second call defines nothing; other prefixes get their own subclasses.
    assert.deepEqual(defineHearthElements({ prefix: 'shop' }), []);
    const { elements } = await import('hearth/widgets');
    assert.notEqual(registry.get('shop-points'), elements.points);
    assert.ok(registry.get('shop-points').prototype instanceof elements.points);
    defineHearthElements();
    assert.equal(registry.get('hearth-points'), elements.points);
  } finally {
    delete globalThis.customElements;
  }
});

test('the widget sources type-check as JavaScript (tsc --checkJs, DOM types)', async () => {
  const { spawnSync } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const args = ['--allowJs', '--checkJs', '--noEmit', '--strict', 'false', '--lib', 'ES2022,DOM,DOM.Iterable', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', 'js/widgets/index.js'];
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc --checkJs failed:\n${r.stdout}${r.stderr}`);
});
