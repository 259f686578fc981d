// Same-run A/B timing of two builds of the wasm module (each with its own
// glue): catalog ingest (10k items), track() ×EVENTS and recommend() on the
// real wrapper, interleaved round by round. Used to check that a size change
// (compile flags) costs no speed.
//
//   node --expose-gc bench/ab-size.mjs DIR_A DIR_B [...]  # dirs holding hearth_wasm.{mjs,wasm}
//
// Prints each op's median per build and its ratio to the first build.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHearthWith, defaultEnv } from '../js/internal/hearth.js';
import { catalog, interleave, median, T0 } from './lib.mjs';

const dirs = process.argv.slice(2);
if (dirs.length < 2) throw new Error('usage: ab-size.mjs DIR_A DIR_B [DIR_C ...]');
const EVENTS = 20_000;
const RUNS = Number(process.env.RUNS ?? 9);
const { bytes, ids } = catalog();
const events = Array.from({ length: EVENTS }, (_, i) => ({ type: 'view', item: ids[(i * 7919) % ids.length], ts: T0 + i * 1000 }));
const now = () => T0 + EVENTS * 1000;

const builds = [];
for (const d of dirs) {
  const { default: factory } = await import(pathToFileURL(resolve(d, 'hearth_wasm.mjs')).href);
  const M = await factory({ wasmBinary: await readFile(resolve(d, 'hearth_wasm.wasm')) });
  builds.push({ name: d, load: async () => M });
}
const fresh = (b) => async () => createHearthWith(b.load, { storage: 'memory', autosave: 0, now }, defaultEnv());
const variants = [];
for (const b of builds) {
  variants.push({ name: `ingest ${b.name}`, setup: fresh(b), run: (h) => h.catalog.load(bytes), teardown: (h) => h.close() });
  variants.push({
    name: `track ${b.name}`,
    setup: async () => { const h = await fresh(b)(); h.catalog.load(bytes); return h; },
    run: (h) => { for (let i = 0; i < EVENTS; i++) h.track(events[i]); },
    teardown: (h) => h.close(),
  });
  variants.push({
    name: `recommend ${b.name}`,
    setup: async () => { const h = await fresh(b)(); h.catalog.load(bytes); for (let i = 0; i < 2000; i++) h.track(events[i]); return h; },
    run: (h) => { for (let i = 0; i < 50; i++) h.recommend({ count: 12 }); },
    teardown: (h) => h.close(),
  });
}
// CLOCK=cpu times each sample by this process's CPU time (user + system)
// instead of the wall clock: on a shared machine whose load swings, a
// sample then does not count the time other processes held the core.
const cpuClock = process.env.CLOCK === 'cpu';
const samples = cpuClock ? await interleaveCpu(variants, { runs: RUNS, warmup: 2 }) : await interleave(variants, { runs: RUNS, warmup: 2 });
console.log(`clock: ${cpuClock ? 'process CPU time' : 'wall'}; median (ratio to the first build) | min (ratio)`);
for (const op of ['ingest', 'track', 'recommend']) {
  const ms = builds.map((x) => median(samples.get(`${op} ${x.name}`)));
  const mins = builds.map((x) => Math.min(...samples.get(`${op} ${x.name}`)));
  console.log(`${op.padEnd(10)} ${ms.map((m) => `${m.toFixed(1)} ms (${(m / ms[0]).toFixed(3)})`).join('  ')} | ${mins.map((m) => `${m.toFixed(1)} (${(m / mins[0]).toFixed(3)})`).join('  ')}`);
}

async function interleaveCpu(vs, { runs, warmup }) {
  const out = new Map(vs.map((v) => [v.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < vs.length; k++) {
      const v = vs[(round + k) % vs.length];
      const state = v.setup ? await v.setup() : undefined;
      globalThis.gc?.();
      const c0 = process.cpuUsage();
      v.run(state);
      const c = process.cpuUsage(c0);
      v.teardown?.(state);
      if (round >= warmup) out.get(v.name).push((c.user + c.system) / 1000);
    }
  }
  return out;
}
