// Shared pieces of the benchmarks: timing, medians, the test data and
// markdown tables. Nothing here asserts a timing: the benchmarks print
// numbers and ratios measured in the same run, never pass/fail on speed.

import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_DATE, catalogToJSON, generateCatalog } from '../scripts/gen-catalog.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Items and seed of the catalog every JS benchmark uses. */
export const CATALOG_ITEMS = 10_000;
export const CATALOG_SEED = 42;

const DAY_MS = 86_400_000;
/** Event times start here (a month after the catalog's reference date) and step by one second. */
export const T0 = Date.parse(REFERENCE_DATE) + 30 * DAY_MS;

let catalogCache;
/**
 * The generated catalog: its items (plain objects), ids and UTF-8 bytes.
 * @returns {{ items: any[], ids: string[], bytes: Uint8Array }}
 */
export function catalog() {
  if (!catalogCache) {
    const items = generateCatalog({ items: CATALOG_ITEMS, seed: CATALOG_SEED });
    catalogCache = {
      items,
      ids: items.map((it) => it.id),
      bytes: new TextEncoder().encode(catalogToJSON(items)),
    };
  }
  return catalogCache;
}

/** Collects garbage when node runs with --expose-gc (bench/run.mjs does), so one variant's garbage is not billed to the next. */
export function collectGarbage() {
  /** @type {any} */ (globalThis).gc?.();
}

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times variants in interleaved rounds (A B C, B C A, C A B, ...) so that a
 * noisy neighbour slows all of them alike rather than whichever ran then.
 * Each variant: `setup()` (untimed, may be async) returns a state handed to
 * `run(state)` (timed, synchronous) and then to `teardown(state)` (untimed).
 * The first `warmup` rounds are not recorded (JIT and wasm tier-up).
 * @template S
 * @param {Array<{ name: string, setup?: () => S | Promise<S>, run: (s: S) => void, teardown?: (s: S) => void }>} variants
 * @param {{ runs: number, warmup: number }} opts
 * @returns {Promise<Map<string, number[]>>} milliseconds per recorded run, by variant name
 */
export async function interleave(variants, { runs, warmup }) {
  const samples = new Map(variants.map((v) => [v.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length];
      const state = v.setup ? await v.setup() : undefined;
      collectGarbage();
      const t0 = performance.now();
      v.run(state);
      const t1 = performance.now();
      v.teardown?.(state);
      if (round >= warmup) samples.get(v.name).push(t1 - t0);
    }
  }
  return samples;
}

/**
 * Runs the C++ harness (bench/cpp/core_harness.cc) and parses its JSON lines.
 * @param {'native' | 'wasm'} env
 * @param {number} runs
 * @param {string[]} [extra] more harness arguments (e.g. ['--items', '1000'])
 * @returns {Record<string, { median_ms: number, min_ms: number, max_ms: number, ops: number, runs: number, bytes: number, fnv: string }>}
 */
export function runCoreHarness(env, runs, extra = []) {
  const [cmd, args] =
    env === 'native'
      ? [join(ROOT, 'build/native/hearth_core_bench'), []]
      : [process.execPath, ['--no-experimental-fetch', join(ROOT, 'build/wasm/hearth_core_bench.js')]];
  let out;
  try {
    out = execFileSync(cmd, [...args, '--runs', String(runs), ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (e) {
    throw new Error(
      `hearth_core_bench (${env}) failed: ${/** @type {any} */ (e).message}; build it with ` +
        `'cmake --build --preset ${env} --target hearth_core_bench' (scripts/bench.sh does)`,
    );
  }
  const byOp = {};
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (r.env !== env) throw new Error(`hearth_core_bench: expected env ${env}, got ${r.env}`);
    byOp[r.op] = r;
  }
  return byOp;
}

/**
 * Runs the native and wasm harness alternately, `rounds` times each with
 * `runs` runs per invocation, so both see the same background load; per op,
 * the median of the invocations' medians and the best run overall.
 * @param {number} rounds
 * @param {number} runs
 */
export function runCoreHarnessInterleaved(rounds, runs) {
  const all = { native: [], wasm: [] };
  for (let i = 0; i < rounds; i++) {
    for (const env of i % 2 ? ['wasm', 'native'] : ['native', 'wasm']) all[env].push(runCoreHarness(env, runs));
  }
  const combine = (list) => {
    const out = {};
    for (const op of Object.keys(list[0])) {
      const rs = list.map((r) => r[op]);
      if (op === 'info') {
        out[op] = rs[0];
        continue;
      }
      out[op] = {
        ...rs[0],
        median_ms: median(rs.map((r) => r.median_ms)),
        min_ms: Math.min(...rs.map((r) => r.min_ms)),
        max_ms: Math.max(...rs.map((r) => r.max_ms)),
        runs: rs.reduce((a, r) => a + r.runs, 0),
        invocations: rs.length,
      };
    }
    return out;
  };
  return { native: combine(all.native), wasm: combine(all.wasm) };
}

/**
 * A markdown table. `align` holds 'l' or 'r' per column (default: first
 * column left, the others right).
 * @param {string[]} headers
 * @param {Array<Array<string | number>>} rows
 * @param {string[]} [align]
 */
export function table(headers, rows, align) {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c).replaceAll('|', '\\|')))];
  const width = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (a[i] === 'r' ? c.padStart(width[i]) : c.padEnd(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (a[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** A number with `digits` significant-ish decimals: 1234 -> "1234", 12.345 -> "12.3", 0.1234 -> "0.123". */
export function num(x, digits = 3) {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(Math.max(0, digits - 2));
  if (a >= 1) return x.toFixed(Math.max(0, digits - 1));
  return x.toFixed(digits);
}

/** A ratio as "1.84×". */
export function ratio(x) {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '—';
}

/** Bytes as "12.3 KB" (1 KB = 1024 B, as size-check.mjs counts). */
export function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Node and machine, for the header of the output. */
export function environment() {
  return `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores`;
}

/** The 1-minute load average: above the core count, other work competed with the benchmarks. */
export function load() {
  return loadavg()[0].toFixed(2);
}
