#!/usr/bin/env node
// `npm run eval`: Hearth against plain baselines on Superstore orders, and the
// hidden-taste simulator. Prints the tables; writes eval/out/report.md,
// eval/out/bandit.svg and eval/out/results.json.
//
//   node eval/run.mjs [--seed 42] [--customers N] [--sim-users 300] [--sim-rounds 50]
//                     [--views] [--no-hearth] [--out DIR]

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { DEFAULTS, runEval } from './evaluate.mjs';
import { banditSvg, markdownReport } from './report.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

const USAGE = `usage: node eval/run.mjs [options]
  --seed N          randomness seed (default ${DEFAULTS.seed})
  --customers N     evaluate a seeded sample of N test customers (default: all)
  --sim-users N     simulated users (default ${DEFAULTS.sim.users}; 0 skips the simulator)
  --sim-rounds N    rounds per simulated user (default ${DEFAULTS.sim.rounds})
  --views           replay a 'view' before each training purchase into Hearth
  --no-hearth       baselines only
  --out DIR         where to write report.md, bandit.svg, results.json (default eval/out)`;

function int(name, v, min) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name} must be a whole number of at least ${min}, not '${v}'\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function provenance() {
  const parts = [];
  try {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const head = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'bindings', 'js'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    parts.push(`git ${head}${dirty ? ' with uncommitted changes in src/, bindings/ or js/' : ''}`);
  } catch {
    // not a git checkout
  }
  try {
    const wasm = await readFile(new URL('../js/wasm/hearth_wasm.wasm', import.meta.url));
    parts.push(`hearth_wasm.wasm sha256 ${createHash('sha256').update(wasm).digest('hex').slice(0, 12)}`);
  } catch {
    parts.push('no js/wasm/hearth_wasm.wasm (run `npm run build`)');
  }
  return parts.join(', ');
}

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      customers: { type: 'string' },
      'sim-users': { type: 'string' },
      'sim-rounds': { type: 'string' },
      views: { type: 'boolean' },
      'no-hearth': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options = {
    seed: values.seed === undefined ? DEFAULTS.seed : int('--seed', values.seed, 0),
    customers: values.customers === undefined ? 0 : int('--customers', values.customers, 1),
    views: !!values.views,
    hearth: values['no-hearth'] ? 'off' : 'auto',
    sim: {
      users: values['sim-users'] === undefined ? DEFAULTS.sim.users : int('--sim-users', values['sim-users'], 0),
      rounds: values['sim-rounds'] === undefined ? DEFAULTS.sim.rounds : int('--sim-rounds', values['sim-rounds'], 2),
      trackClicks: true,
    },
  };
  const outDir = values.out ?? `${here}out`;
  const started = performance.now();
  const result = await runEval(options);
  const md = markdownReport(result, { provenance: options.hearth === 'off' ? undefined : await provenance() });
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}/report.md`, md);
  await writeFile(`${outDir}/bandit.svg`, banditSvg(result));
  await writeFile(`${outDir}/results.json`, `${JSON.stringify(toJson(result), null, 2)}\n`);
  console.log(md);
  const t = Object.entries(result.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
  console.log(`wrote ${outDir}/report.md, bandit.svg, results.json in ${((performance.now() - started) / 1000).toFixed(1)} s (${t})`);
}

/** results.json: everything but the per-user arrays and the contract maps. */
function toJson(result) {
  return JSON.parse(
    JSON.stringify(result, (key, value) => {
      if (key === 'perUser' || key === 'timings') return undefined;
      if (value instanceof Map) return Object.fromEntries(value);
      return value;
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
