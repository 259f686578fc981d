// Server-side rendering in Node: no DOM, no IndexedDB. A first process (the
// "browser" side of the round trip) exported its state to state.bin; this
// one restores it and renders picks.  Usage: node ssr.mjs export|render <file>

import { readFile, writeFile } from 'node:fs/promises';

import { createHearth } from 'hearth';

import { CATALOG, session } from './src/scenario.js';

const [mode, file] = process.argv.slice(2);
const now = () => Date.UTC(2026, 10, 25, 18);
if (mode === 'export') {
  const { hearth, result } = await session({ storage: 'memory', now, seed: 1 });
  await writeFile(file, hearth.exportState());
  hearth.close();
  process.stdout.write(JSON.stringify(result));
} else if (mode === 'render') {
  const hasDom = typeof document !== 'undefined' || typeof window !== 'undefined' || typeof indexedDB !== 'undefined';
  const snapshot = new Uint8Array(await readFile(file));
  const hearth = await createHearth({ storage: 'memory', now, seed: 1, snapshot });
  hearth.catalog.load(JSON.stringify(CATALOG.filter((i) => i.category))); // catalog is shop content: loaded each start
  const picks = hearth.recommend({ slot: 'for_you', count: 3 });
  const profile = hearth.profile();
  const html = `<ul>${picks.map((p) => `<li data-sku="${p.item}">${p.reason}</li>`).join('')}</ul>`;
  hearth.close();
  process.stdout.write(JSON.stringify({ hasDom, events: profile.rfm.eventsTotal, segment: profile.segment, picks, html }));
} else {
  throw new Error('usage: node ssr.mjs export|render <file>');
}
