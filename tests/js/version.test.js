// One version number: VERSION file == package.json == exported `version` == the wasm module's version().

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { version } from 'hearth';

import { rawModule } from './helpers/real.js';

const root = new URL('../../', import.meta.url);

test('VERSION, package.json, the JS export and the wasm module agree', async () => {
  const file = (await readFile(new URL('VERSION', root), 'utf8')).trim();
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  assert.match(file, /^\d+\.\d+\.\d+$/);
  assert.equal(pkg.version, file, 'package.json version');
  assert.equal(version, file, "export const version in js/index.js");
  const M = await rawModule();
  assert.equal(M.version(), file, 'wasm version() (stamped from VERSION at build time)');
});

test('package.json ships what the exports point at', async () => {
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  assert.equal(pkg.name, 'hearth');
  assert.equal(pkg.type, 'module');
  // Only the widgets entry has a side effect (it defines the <hearth-*>
  // elements on import); the SDK itself stays free of them for tree-shaking.
  assert.deepEqual(pkg.sideEffects, ['./js/widgets/index.js']);
  for (const entry of [pkg.exports['.'], pkg.exports['./storage'], pkg.exports['./widgets']]) {
    for (const file of [entry.types, entry.default]) {
      await readFile(new URL(file, root)); // exists
    }
  }
  for (const [name, range] of Object.entries(pkg.devDependencies)) {
    assert.match(range, /^\d+\.\d+\.\d+$/, `${name} is pinned to an exact version`);
  }
});
