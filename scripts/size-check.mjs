// Fails when the shipped SDK (JS + wasm, gzip -9) grows past its budget.
//
// The budget ratchets: it is the measured size (foundation + recommendations:
// 207 KB gz, unminified JS included; + campaigns: 240 KB gz, of which the
// campaign reader, engine hooks and bindings are ~33 KB of wasm) plus a
// margin, and each change that adds to the SDK moves it knowingly. The target for the finished SDK is 64 KB gzip;
// most of today's wasm is simdjson's always-inline accessors expanded at every
// call site and Abseil containers instantiated per type (see bench/).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET_GZ = Number(process.env.HEARTH_SIZE_BUDGET ?? 245 * 1024);

function files(dir, pred) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'wasm-debug') out.push(...files(p, pred));
    } else if (pred(p)) {
      out.push(p);
    }
  }
  return out;
}

const shipped = files(join(root, 'js'), (p) => /\.(m?js|wasm)$/.test(p));
let raw = 0;
let gz = 0;
const rows = [];
for (const p of shipped) {
  const bytes = readFileSync(p);
  const g = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += g;
  rows.push([p.slice(root.length + 1), bytes.length, g]);
}
rows.sort((a, b) => b[2] - a[2]);
for (const [p, r, g] of rows) console.log(`${p.padEnd(40)} ${String(r).padStart(9)} B ${String(g).padStart(8)} B gz`);
console.log(`${'total (JS + wasm)'.padEnd(40)} ${String(raw).padStart(9)} B ${String(gz).padStart(8)} B gz  (budget ${BUDGET_GZ} B gz)`);
if (!shipped.some((p) => p.endsWith('.wasm'))) {
  console.error('size-check: js/wasm/hearth_wasm.wasm is missing; build the wasm preset first');
  process.exit(1);
}
if (gz > BUDGET_GZ) {
  console.error(`size-check: the SDK is ${gz} B gzip, over its ${BUDGET_GZ} B budget`);
  process.exit(1);
}
