// Runs every benchmark and prints one markdown table per group, at the end,
// on stdout (progress goes to stderr). scripts/bench.sh builds what this
// needs first; run it directly to skip the build:
//
//   node --expose-gc bench/run.mjs                     # all groups
//   node --expose-gc bench/run.mjs --only ingest,track --runs 5
//
// Groups: ingest, track, core, recommend, size, collector, peers (installs the
// pinned peer SDKs of bench/peers/ on first use: npm ci --prefix bench/peers).
// Timings are never asserted: every ratio
// compares numbers measured in this same run, on this machine.

import { availableParallelism } from 'node:os';
import { benchCollector } from './collector.mjs';
import { benchCore } from './core.mjs';
import { benchIngest } from './ingest.mjs';
import { benchPeers } from './peers/peers.mjs';
import { benchRecommend } from './recommend.mjs';
import { environment, load, runCoreHarnessInterleaved } from './lib.mjs';
import { benchSize } from './size.mjs';
import { benchTrack } from './track.mjs';

const GROUPS = ['ingest', 'track', 'core', 'recommend', 'size', 'collector', 'peers'];

function parseArgs(argv) {
  const opts = { runs: 0, coreRuns: 3, coreRounds: 3, only: GROUPS };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (name === '--runs') opts.runs = Number(value());
    else if (name === '--core-runs') opts.coreRuns = Number(value());
    else if (name === '--core-rounds') opts.coreRounds = Math.max(1, Number(value()));
    else if (name === '--only') opts.only = String(value()).split(',');
    else throw new Error(`unknown argument '${argv[i]}'; usage: run.mjs [--only ${GROUPS.join(',')}] [--runs N] [--core-runs N] [--core-rounds N]`);
  }
  for (const g of opts.only) if (!GROUPS.includes(g)) throw new Error(`unknown group '${g}'; groups: ${GROUPS.join(', ')}`);
  for (const k of ['runs', 'coreRuns', 'coreRounds']) {
    if (!Number.isInteger(opts[k]) || opts[k] < 0) throw new Error(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a whole number`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const wants = (g) => opts.only.includes(g);
const progress = (s) => process.stderr.write(`bench: ${s}\n`);
if (!globalThis.gc) progress('(run node with --expose-gc to collect garbage between samples; numbers will be noisier)');

const started = performance.now();
const loadBefore = load();
const results = [];

let core;
if (wants('ingest') || wants('track') || wants('core')) {
  progress(`C++ harness, native and wasm alternately (${opts.coreRounds} rounds of ${opts.coreRuns} runs)`);
  core = runCoreHarnessInterleaved(opts.coreRounds, opts.coreRuns);
}
if (wants('ingest')) {
  progress('catalog ingest');
  results.push(await benchIngest({ runs: opts.runs || 15, core }));
}
if (wants('track')) {
  progress('track()');
  results.push(await benchTrack({ runs: opts.runs || 7, core }));
}
if (wants('core')) results.push(benchCore(core));
if (wants('recommend')) {
  progress('recommend() at 1k, 10k and 100k items');
  results.push(await benchRecommend({ runs: opts.runs || 5, coreRuns: opts.coreRuns }));
}
if (wants('size')) {
  progress('size (re-linking hearth_wasm with --profiling-funcs)');
  results.push(benchSize());
}

if (wants('collector')) {
  progress('collector ingest (PGlite on disk, then PostgreSQL on loopback)');
  results.push(await benchCollector({ progress }));
}

if (wants('peers')) {
  progress('side by side with GrowthBook, Statsig, Unleash, OpenFeature, Optimizely (bench/peers)');
  results.push(await benchPeers({ runs: opts.runs || 5, progress }));
}

const loadAfter = load();
const out = [
  `# Hearth benchmarks`,
  '',
  `${environment()}; ran ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore} before, ${loadAfter} after${
    Math.max(Number(loadBefore), Number(loadAfter)) > availableParallelism()
      ? ' (above the core count: other work shared the CPUs, so compare ratios, not absolute times)'
      : ''
  }.`,
  '',
];
results.forEach((r, i) => {
  out.push(`## ${i + 1}. ${r.title}`, '', r.table, '', ...r.notes.map((n) => `- ${n}`), '');
});
process.stdout.write(out.join('\n'));
