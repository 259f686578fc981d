// README examples are tested code: every ```js block right after a line
// `<!-- test -->` runs as an ES module with node and must exit 0. The files
// are written inside the repository so that `import ... from 'hearth'`
// resolves to this package (self-reference through package.json "exports").

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MARKER = '<!-- test -->';

/**
 * The ```js blocks that follow a `<!-- test -->` line (blank lines between
 * are allowed), with the line number of their opening fence.
 * @param {string} markdown
 */
export function testedBlocks(markdown) {
  const lines = markdown.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== MARKER) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const fence = /^(\s*)(`{3,}|~{3,})\s*(js|javascript|mjs)\b/.exec(lines[j] ?? '');
    if (!fence) continue;
    const close = fence[2];
    const body = [];
    let k = j + 1;
    while (k < lines.length && !lines[k].trim().startsWith(close)) body.push(lines[k++]);
    blocks.push({ line: j + 1, code: body.join('\n') + '\n' });
    i = k;
  }
  return blocks;
}

test('the README block extractor finds marked js blocks only', () => {
  const md = ['# x', '<!-- test -->', '```js', 'a()', '```', '```js', 'untested()', '```', '<!-- test -->', '', '```javascript', 'b()', '```'].join('\n');
  assert.deepEqual(testedBlocks(md), [
    { line: 3, code: 'a()\n' },
    { line: 11, code: 'b()\n' },
  ]);
});

let readme = null;
try {
  readme = await readFile(join(root, 'README.md'), 'utf8');
} catch {
  readme = null;
}

if (readme === null) {
  test('README.md examples run', { todo: 'README not written yet' }, () => {
    assert.fail('README.md is missing: it must exist with runnable ```js examples marked <!-- test -->');
  });
} else {
  const blocks = testedBlocks(readme);
  if (blocks.length === 0) {
    test('README.md has tested examples', () => {
      assert.fail(`README.md has no \`\`\`js block preceded by a '${MARKER}' line; README examples are required and must be tested`);
    });
  } else {
    const dir = await mkdtemp(join(root, 'tests', 'js', '.readme-'));
    after(() => rm(dir, { recursive: true, force: true }));
    for (const [n, block] of blocks.entries()) {
      const first = block.code.split('\n').find((l) => l.trim()) ?? '';
      test(`README.md:${block.line} runs (${first.trim().slice(0, 60)})`, async () => {
        const file = join(dir, `example-${n + 1}.mjs`);
        await writeFile(file, block.code);
        const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
        assert.equal(
          r.status,
          0,
          `README.md:${block.line} exited with ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
        );
      });
    }
  }
}
