// The shipped .d.ts is part of the API: type-check a program that uses every
// call (and misuses a few, with @ts-expect-error) with TypeScript from npm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('index.d.ts type-checks against tests/js/types.test-d.ts', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tests/js/tsconfig.json'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

test('the same type test passes with "moduleResolution": "bundler" (Vite / webpack projects)', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tests/js/tsconfig.bundler.json'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

// CHANGELOG.md's "Type changes" is the record of the typed API: every name a
// shipped .d.ts exports must be named there (in backticks), so a new export
// without a changelog line fails here.
test('every name the .d.ts files export is listed under "Type changes" in CHANGELOG.md', () => {
  const log = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  const at = log.indexOf('### Type changes');
  assert.ok(at >= 0, 'CHANGELOG.md needs a "### Type changes" section');
  const rest = log.slice(at + 1);
  const section = rest.slice(0, rest.search(/\n#{1,3} /) >= 0 ? rest.search(/\n#{1,3} /) : rest.length);
  const listed = new Set([...section.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1].match(/[A-Za-z_$][\w$]*/g) ?? []));
  const files = readdirSync(join(root, 'js'), { recursive: true }).filter((f) => f.endsWith('.d.ts') && !f.startsWith('wasm'));
  assert.ok(files.length >= 5, `found ${files}`);
  const missing = [];
  for (const f of files) {
    const src = readFileSync(join(root, 'js', f), 'utf8');
    for (const m of src.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?(?:interface|type|class|function|const|enum)\s+([A-Za-z_$][\w$]*)/gm)) {
      if (!listed.has(m[1])) missing.push(`${m[1]} (js/${f})`);
    }
  }
  assert.deepEqual(missing, [], 'add these to CHANGELOG.md "### Type changes"');
});
