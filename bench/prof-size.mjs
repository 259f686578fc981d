// Where a build of the wasm module spends its time in catalog.load(),
// track() and recommend(): runs both on the real wrapper under the V8 CPU profiler and
// prints the top wasm functions by self time. Point it at a module re-linked
// with --profiling-funcs (names), e.g. one from bench/size.mjs's re-link.
//
//   node bench/prof-size.mjs DIR   # DIR holds hearth_wasm.{mjs,wasm}
import { Session } from 'node:inspector/promises';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHearthWith, defaultEnv } from '../js/internal/hearth.js';
import { catalog, T0 } from './lib.mjs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: prof-size.mjs DIR');
const EVENTS = 20_000;
const { bytes, ids } = catalog();
const events = Array.from({ length: EVENTS }, (_, i) => ({ type: 'view', item: ids[(i * 7919) % ids.length], ts: T0 + i * 1000 }));
const { default: factory } = await import(pathToFileURL(resolve(dir, 'hearth_wasm.mjs')).href);
const M = await factory({ wasmBinary: await readFile(resolve(dir, 'hearth_wasm.wasm')) });
const h = await createHearthWith(async () => M, { storage: 'memory', autosave: 0, now: () => T0 + EVENTS * 1000 }, defaultEnv());
h.catalog.load(bytes);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
for (const [op, run] of [
  ['ingest', () => { for (let r = 0; r < 10; r++) h.catalog.load(bytes); }],
  ['track', () => { for (let r = 0; r < 3; r++) for (let i = 0; i < EVENTS; i++) h.track(events[i]); }],
  ['recommend', () => { for (let i = 0; i < 600; i++) h.recommend({ count: 12 }); }],
]) {
  await session.post('Profiler.start');
  run();
  const { profile } = await session.post('Profiler.stop');
  const self = new Map();
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  let total = 0;
  for (const n of profile.nodes) {
    const t = dt.get(n.id) ?? 0;
    total += t;
    const name = n.callFrame.functionName || '(anon)';
    self.set(name, (self.get(name) ?? 0) + t);
  }
  console.log(`== ${op}: top self time`);
  for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name.slice(0, 150)}`);
}
h.close();
