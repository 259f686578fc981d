// The C++ core on its own, native against wasm: one harness source
// (bench/cpp/core_harness.cc) built by both presets as hearth_core_bench.

import { num, ratio, table } from './lib.mjs';

/** wasm may take at most this many times the native time. */
export const TARGET_RATIO = 1.5;

const OPS = [
  ['load', (r) => `catalog \`Load\` (${(r.bytes / 1e6).toFixed(2)} MB, 10k items)`, 'ms/load', 1],
  ['json_scan', (r) => `simdjson alone: on-demand scan of the same ${(r.bytes / 1e6).toFixed(2)} MB (every field, nothing built)`, 'ms/scan', 1],
  ['track', (r) => `\`Track\` × ${(r.ops / 1000).toFixed(0)}k (view events)`, 'ns/event', 1e6],
  ['summarize', (r) => `\`Summarize\` × ${(r.ops / 1000).toFixed(0)}k`, 'µs/call', 1e3],
  ['recommend', (r) => `\`Recommend\` (for_you, 10 picks) × ${(r.ops / 1000).toFixed(0)}k`, 'µs/call', 1e3],
  ['campaign0', (r) => `\`Track\` × ${(r.ops / 1000).toFixed(0)}k (view / cart / purchase mix), no campaigns`, 'ns/event', 1e6],
  ['campaign20', (r) => `\`Track\` × ${(r.ops / 1000).toFixed(0)}k, same mix, 20 campaigns (triggers, goals)`, 'ns/event', 1e6],
  ['campaign_list', (r) => `\`ListCampaigns\` (audience, caps, arm of 20) × ${(r.ops / 1000).toFixed(0)}k`, 'µs/call', 1e3],
  ['game', (r) => `\`Track\` through 100 game rules × ${(r.ops / 1000).toFixed(0)}k (views + purchases, rewards drained)`, 'ns/event', 1e6],
  ['snapshot', (r) => `\`ExportSnapshot\` + \`RestoreSnapshot\` × ${(r.ops / 1000).toFixed(0)}k (${(r.bytes / 1024).toFixed(1)} KB blob)`, 'µs/pair', 1e3],
];

/**
 * @param {{ native: Record<string, any>, wasm: Record<string, any> }} core
 *   parsed output of runCoreHarness('native' | 'wasm')
 */
export function benchCore(core) {
  const { native, wasm } = core;
  if (native.load.fnv !== wasm.load.fnv) {
    throw new Error(`hearth_core_bench: native and wasm generated different catalogs (${native.load.fnv} vs ${wasm.load.fnv})`);
  }
  const rows = [];
  const over = [];
  for (const [op, label, unit, scale] of OPS) {
    const a = native[op];
    const b = wasm[op];
    if (!a || !b) throw new Error(`hearth_core_bench printed no '${op}' line`);
    const perOp = (r) => (r.median_ms * scale) / r.ops;
    const x = b.median_ms / a.median_ms;
    // json_scan is context (simdjson's kernels, not Hearth's code): shown, not judged.
    const context = op === 'json_scan';
    if (x > TARGET_RATIO && !context) over.push(op);
    rows.push([label(a), unit, num(perOp(a)), num(perOp(b)), ratio(x), context ? 'context' : x <= TARGET_RATIO ? 'yes' : 'no']);
  }
  const notes = [
    `Same source and inputs in both columns; native: g++ 12 -O2 (preset \`native\`, RelWithDebInfo); wasm: em++ 3.1.6 -O2, linked -Oz with emmalloc like the shipped module, run by node ${process.version}. The two builds ran alternately (${native.load.invocations ?? 1} invocations each, so both saw the same background load); per op the median of the invocations' medians (${native.load.runs} timed loads, ${native.track.runs} track runs, ${native.summarize.runs} runs of the others per build, after warm-up).`,
    `Ratio = wasm / native (lower is better). Target ≤ ${TARGET_RATIO}× → ${over.length === 0 ? '**met** for every op' : `**NOT met** for ${over.map((o) => `\`${o}\``).join(', ')}`}.`,
    `simdjson kernel: native \`${native.info?.simdjson ?? '?'}\` (SIMD), wasm \`${wasm.info?.simdjson ?? '?'}\` (portable scalar code: wasm32 has no SIMD kernel in simdjson 3.0); the rest of Load (strings, validation, feature interning) is the same code.`,
  ];
  return {
    title: 'Core: native vs wasm (C++ harness, no JS)',
    table: table(['op', 'unit', 'native', 'wasm', 'wasm/native', `≤ ${TARGET_RATIO}×?`], rows, ['l', 'l', 'r', 'r', 'r', 'r']),
    notes,
    summary: { over },
  };
}
