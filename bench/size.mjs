// Size: what the SDK ships (raw and gzip -9) and what dominates the wasm
// code, from a copy of the release module re-linked with --profiling-funcs
// (same objects and flags, plus a name section).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, kb, table } from './lib.mjs';

/** From scripts/size-check.mjs: the enforced budget and the finished SDK's target, gzip. */
const BUDGET_GZ = Number(process.env.HEARTH_SIZE_BUDGET ?? 402 * 1024);
const TARGET_GZ = 64 * 1024;

/** What the package ships to a browser: the module and the wrapper's JS (not wasm-debug, not .d.ts). */
function shippedFiles() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'wasm-debug') walk(p);
      } else if (/\.(m?js|wasm)$/.test(name)) {
        out.push(p);
      }
    }
  };
  walk(join(ROOT, 'js'));
  return out;
}

/**
 * Sections of a wasm binary, its function bodies' sizes and (when present)
 * the function names of the "name" custom section.
 * @param {Uint8Array} b
 */
export function parseWasm(b) {
  let p = 8; // magic + version
  const leb = () => {
    let r = 0;
    let s = 0;
    let x;
    do {
      x = b[p++];
      r += (x & 0x7f) * 2 ** s;
      s += 7;
    } while (x & 0x80);
    return r;
  };
  const str = () => {
    const n = leb();
    const s = Buffer.from(b.buffer, b.byteOffset + p, n).toString('utf8');
    p += n;
    return s;
  };
  let importedFunctions = 0;
  /** @type {number[]} */
  const bodies = [];
  const names = new Map();
  const sections = [];
  while (p < b.length) {
    const id = b[p++];
    const len = leb();
    const start = p;
    sections.push({ id, len });
    if (id === 2) {
      // imports: count the functions, they come first in the function index space
      for (let i = 0, n = leb(); i < n; i++) {
        str();
        str();
        const kind = b[p++];
        if (kind === 0) {
          leb();
          importedFunctions++;
        } else if (kind === 1) {
          p++; // reftype
          if (leb() & 1) leb();
          leb();
        } else if (kind === 2) {
          if (leb() & 1) leb();
          leb();
        } else {
          p += 2; // global: valtype, mutability
        }
      }
    } else if (id === 10) {
      for (let i = 0, n = leb(); i < n; i++) {
        const size = leb();
        bodies.push(size);
        p += size;
      }
    } else if (id === 0 && str() === 'name') {
      while (p < start + len) {
        const sub = b[p++];
        const subLen = leb();
        const subEnd = p + subLen;
        if (sub === 1) for (let i = 0, n = leb(); i < n; i++) names.set(leb(), str());
        p = subEnd;
      }
    }
    p = start + len;
  }
  const functions = bodies.map((size, i) => ({ size, name: names.get(i + importedFunctions) ?? `f${i + importedFunctions}` }));
  const section = (id) => sections.filter((s) => s.id === id).reduce((a, s) => a + s.len, 0);
  return { functions, code: section(10), data: section(11), total: b.length, named: names.size };
}

/**
 * The namespace a (demangled) function lives in: its qualified name without
 * the return type, template arguments and parameters, first component.
 * @param {string} name
 */
export function origin(name) {
  // binaryen's merged-function thunks carry the name of one of the originals.
  const s = name.replace(/^byn\$mgfn-shared\$/, '').replaceAll('(anonymous namespace)', '{anon}');
  if (/^_?_?embind|^_emval/.test(s)) return 'embind';
  if (/^Absl/.test(s)) return 'absl'; // absl's extern "C" hooks (AbslInternalSleepFor, …)
  let depth = 0;
  let end = s.length;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (depth === 0 && c === '(') {
      if (s.slice(0, i).endsWith('decltype')) {
        // a decltype(...) return type: skip it
        for (let d = 0; i < s.length; i++) {
          if (s[i] === '(') d++;
          else if (s[i] === ')' && --d === 0) break;
        }
        continue;
      }
      end = i;
      break;
    } else if (depth === 0 && c === ' ') start = i + 1; // a return type ends here
  }
  const top = s.slice(start, end).split('::')[0];
  if (top === 'hearth') return /^hearth::bindings::/.test(s.slice(start)) ? 'hearth-bindings' : 'hearth';
  if (top === 'simdjson') return 'simdjson';
  if (top === 'absl') return 'absl';
  if (top === 'emscripten') return 'embind';
  if (top === 'std' || top === '__cxxabiv1' || /^__cxa_/.test(top)) return 'libc++';
  return 'other';
}

const CATEGORY_LABEL = {
  hearth: 'hearth core (`hearth::`)',
  'hearth-bindings': 'hearth bindings (`hearth::bindings::`, core code inlined)',
  simdjson: 'simdjson',
  absl: 'absl',
  embind: 'embind (`emscripten::`, `_embind_*`)',
  'libc++': 'libc++ (`std::`, incl. templates for Hearth types)',
  other: 'other (libc: malloc, printf, math, …)',
};

/** Re-links hearth_wasm with --profiling-funcs into a temp dir; returns the .wasm bytes. */
function relinkWithNames() {
  const buildDir = join(ROOT, 'build/wasm');
  const commands = execFileSync('ninja', ['-t', 'commands', 'hearth_wasm'], { cwd: buildDir, encoding: 'utf8' }).trim().split('\n');
  let link = commands[commands.length - 1];
  if (!link.includes('-o hearth_wasm.mjs')) throw new Error(`size: the last command for hearth_wasm is not its link:\n${link}`);
  link = link.replace(/^: && /, '').replace(/ && :$/, '');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-size-'));
  try {
    const cmd = `${link.replace('-o hearth_wasm.mjs', `-o ${join(dir, 'hearth_wasm.mjs')}`)} --profiling-funcs`;
    execFileSync('bash', ['-c', cmd], { cwd: buildDir, env: { ...process.env, NODE_PATH: '/usr/share/nodejs' }, stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(join(dir, 'hearth_wasm.wasm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function benchSize() {
  const files = shippedFiles().map((p) => {
    const bytes = readFileSync(p);
    return { path: relative(ROOT, p), raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  });
  const wasmPath = join(ROOT, 'js/wasm/hearth_wasm.wasm');
  if (!files.some((f) => f.path === 'js/wasm/hearth_wasm.wasm')) throw new Error('size: js/wasm/hearth_wasm.wasm is missing; build the wasm preset');
  const module = files.filter((f) => f.path.startsWith('js/wasm/')).sort((a, b) => b.raw - a.raw);
  const wrapper = files.filter((f) => !f.path.startsWith('js/wasm/')).sort((a, b) => b.gz - a.gz);
  const sum = (xs, k) => xs.reduce((a, f) => a + f[k], 0);
  const total = { raw: sum(files, 'raw'), gz: sum(files, 'gz') };
  const pct = (x, of) => `${((100 * x) / of).toFixed(1)}%`;

  const release = parseWasm(readFileSync(wasmPath));
  const named = parseWasm(relinkWithNames());
  const byCategory = new Map();
  for (const f of named.functions) {
    const c = origin(f.name);
    const e = byCategory.get(c) ?? { bytes: 0, count: 0 };
    e.bytes += f.size;
    e.count++;
    byCategory.set(c, e);
  }
  const categories = [...byCategory].sort((a, b) => b[1].bytes - a[1].bytes);
  const codeBodies = named.functions.reduce((a, f) => a + f.size, 0);
  const top = [...named.functions].sort((a, b) => b.size - a.size).slice(0, 10);
  const short = (s, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

  const rows = [
    ['**Shipped files**', '', '', '**% of gz total**'],
    ...module.map((f) => [`\`${f.path}\``, f.raw, f.gz, pct(f.gz, total.gz)]),
    ...wrapper.map((f) => [`\`${f.path}\``, f.raw, f.gz, pct(f.gz, total.gz)]),
    [`JS wrapper subtotal (${wrapper.length} files)`, sum(wrapper, 'raw'), sum(wrapper, 'gz'), pct(sum(wrapper, 'gz'), total.gz)],
    [
      `**total** (gz: ${kb(total.gz)}; budget ${kb(BUDGET_GZ)} = ${pct(total.gz, BUDGET_GZ)}, target ${kb(TARGET_GZ)} = ${(total.gz / TARGET_GZ).toFixed(2)}×)`,
      total.raw,
      total.gz,
      '100%',
    ],
    ['**hearth_wasm.wasm by section** (release build)', '', '', '**% of .wasm**'],
    ['code', release.code, '', pct(release.code, release.total)],
    ['data (string literals, tables)', release.data, '', pct(release.data, release.total)],
    ['everything else (types, imports, exports, …)', release.total - release.code - release.data, '', pct(release.total - release.code - release.data, release.total)],
    ['**wasm code by origin** (re-linked with --profiling-funcs)', '', '', '**% of code**'],
    ...categories.map(([c, e]) => [`${CATEGORY_LABEL[c]} — ${e.count} functions`, e.bytes, '', pct(e.bytes, codeBodies)]),
    ['**top 10 functions**', '', '', '**% of code**'],
    ...top.map((f, i) => [`${i + 1}. [${origin(f.name)}] \`${short(f.name)}\``, f.size, '', pct(f.size, codeBodies)]),
  ];
  const notes = [
    `gzip -9 of each file on its own (as scripts/size-check.mjs counts); the browser loads all of them: the wrapper imports every storage adapter.`,
    `Function sizes come from a re-link of build/wasm's objects with the same flags plus --profiling-funcs (a name section only): its code section is ${named.code === release.code ? `the same size as the release module's (${release.code} B)` : `${named.code} B against ${release.code} B in js/wasm/ (${pct(Math.abs(named.code - release.code), release.code)} apart: names change what wasm-opt merges, or js/wasm/ is from another build), so read the origin rows as shares`}. Origin = the namespace of the function's own qualified name (return type and template arguments ignored), so \`std::__sort<hearth::…>\` counts as libc++; code inlined into a function counts where it landed.`,
  ];
  return {
    title: 'Size (release build)',
    table: table(['what', 'bytes', 'gzip -9', 'share'], rows),
    notes,
    summary: { totalGz: total.gz },
  };
}
