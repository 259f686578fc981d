// Hearth side by side with the client SDKs people use today (issue 8, "Side
// by side"): GrowthBook, Statsig, Unleash, OpenFeature, Optimizely.
//
//   npm run bench -- --only peers
//
// 1. Size: a minimal app per SDK (apps/*.js: init + one evaluation or one
//    track; Hearth: init + catalog + one track + recommend) bundled the same
//    way, `esbuild --bundle --minify --format=esm` for the browser; raw, gzip
//    -9 and brotli -11 bytes. Hearth's size is its bundle plus the .wasm it
//    fetches (esbuild leaves `new URL('…wasm', import.meta.url)` alone).
// 2. Speed, in this process, interleaved: GrowthBook's local evaluation
//    (`isOn` / `getFeatureValue` over a realistic feature set: plain flags,
//    targeting conditions with $in/$or/$regex/$vgte, percentage rollouts and
//    hashed experiments) against Hearth's `track` (one call per event, and
//    `trackMany` in batches of 1000 and of 10) and `recommend(10)`.
//
// The peer SDKs are pinned in bench/peers/package.json + package-lock.json
// and installed on demand with `npm ci --prefix bench/peers` (never by
// npm test). Timings are not asserted: ratios compare numbers of this run.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

import { ROOT, T0, catalog, interleave, kb, median, num, ratio, table } from '../lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEER_MODULES = join(HERE, 'node_modules');
// bench/peers/ has its own package.json, so `import 'hearth'` (a package
// self-reference) does not resolve from here: the entry is read from the
// repository's package.json "exports", as a bundler would.
const HEARTH_PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const HEARTH_ENTRY = join(ROOT, HEARTH_PKG.exports['.'].default);
const { createHearth } = await import(pathToFileURL(HEARTH_ENTRY).href);

/** The apps, in table order: file in apps/, display name, the npm package whose version is shown. */
export const APPS = [
  { file: 'hearth.js', name: 'Hearth', pkg: null },
  { file: 'growthbook.js', name: 'GrowthBook', pkg: '@growthbook/growthbook' },
  { file: 'statsig.js', name: 'Statsig', pkg: '@statsig/js-client' },
  { file: 'unleash.js', name: 'Unleash (frontend)', pkg: 'unleash-proxy-client' },
  { file: 'openfeature.js', name: 'OpenFeature web SDK', pkg: '@openfeature/web-sdk' },
  { file: 'optimizely.js', name: 'Optimizely', pkg: '@optimizely/optimizely-sdk' },
];

const EVALS = 50_000;
const TRACK_EVENTS = 50_000;
const BATCH = 1000;
/** A small batch, as a page flushing a few events at a time would send. */
const SMALL_BATCH = 10;
/**
 * Rounds run before the recorded ones, for every variant alike. Two: one
 * left Hearth's wasm partly in V8's baseline tier (Liftoff; TurboFan
 * compiles hot functions in the background, slowly on a loaded machine),
 * and a fresh instance's first events insert where later ones update.
 */
const WARMUP = 2;
const RECOMMENDS = 200;

/**
 * Installs the pinned peers unless node_modules already holds exactly the
 * versions package.json pins (npm ci: from the lock file, nothing resolved).
 */
export function ensurePeersInstalled(progress = () => {}) {
  const pinned = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8')).dependencies;
  const installed = (name) => {
    try {
      return JSON.parse(readFileSync(join(PEER_MODULES, name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  const stale = Object.entries(pinned).filter(([name, version]) => installed(name) !== version);
  if (stale.length === 0) return;
  progress(`installing the pinned peer SDKs (npm ci --prefix bench/peers): ${stale.map(([n, v]) => `${n}@${v}`).join(', ')}`);
  try {
    execFileSync('npm', ['ci', '--prefix', HERE, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    throw new Error(`npm ci --prefix bench/peers failed (the npm registry must be reachable): ${/** @type {any} */ (e).message}`);
  }
}

const versionOf = (pkg) => JSON.parse(readFileSync(join(PEER_MODULES, pkg, 'package.json'), 'utf8')).version;

/** esbuild --bundle --minify --format=esm of every app; bytes raw, gzip -9, brotli -11. */
export async function bundleSizes() {
  const esbuild = await import('esbuild');
  const hearthEntry = HEARTH_ENTRY;
  const wasm = readFileSync(join(dirname(hearthEntry), 'wasm', 'hearth_wasm.wasm'));
  const sizes = (bytes) => ({
    raw: bytes.length,
    gz: gzipSync(bytes, { level: 9 }).length,
    br: brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
  const out = [];
  for (const app of APPS) {
    const result = await esbuild.build({
      entryPoints: [join(HERE, 'apps', app.file)],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      alias: { hearth: hearthEntry },
      define: { 'process.env.NODE_ENV': '"production"' },
      // Hearth's Node-only branch imports node:fs/promises through a variable; never reached in a browser.
      external: ['node:*'],
    });
    const js = result.outputFiles[0].contents;
    const row = { ...app, version: app.pkg ? versionOf(app.pkg) : HEARTH_PKG.version, js: sizes(js) };
    if (app.pkg === null) {
      row.wasm = sizes(wasm);
      row.total = { raw: row.js.raw + row.wasm.raw, gz: row.js.gz + row.wasm.gz, br: row.js.br + row.wasm.br };
    } else {
      row.total = row.js;
    }
    out.push(row);
  }
  return out;
}

/**
 * A feature set such as a shop's GrowthBook project holds: 40 features —
 * plain flags, targeting by attributes ($in, $or, $regex, $vgte, $ne),
 * percentage rollouts and hashed A/B experiments with conditions.
 */
export function growthbookFeatures() {
  const features = {};
  for (let i = 0; i < 12; i++) features[`flag-${i}`] = { defaultValue: i % 3 !== 0 };
  const conditions = [
    { country: { $in: ['US', 'CA', 'DE', 'FR'] } },
    { $or: [{ plan: 'pro' }, { employee: true }] },
    { browser: 'chrome', appVersion: { $vgte: '2.4.0' } },
    { email: { $regex: '@acme\\.(com|de)$' } },
    { plan: { $ne: 'free' }, visits: { $gt: 3 } },
    { $and: [{ country: { $nin: ['CN'] } }, { cartValue: { $gte: 50 } }] },
    { tags: { $elemMatch: { $eq: 'outdoor' } } },
    { deviceType: { $in: ['mobile', 'tablet'] }, loggedIn: true },
  ];
  conditions.forEach((condition, i) => {
    features[`targeted-${i}`] = { defaultValue: false, rules: [{ condition, force: true }, { force: false }] };
  });
  for (let i = 0; i < 10; i++) {
    features[`rollout-${i}`] = { defaultValue: false, rules: [{ force: true, coverage: 0.1 * (i + 1), hashAttribute: 'id' }] };
  }
  for (let i = 0; i < 10; i++) {
    features[`exp-${i}`] = {
      defaultValue: 'control',
      rules: [
        {
          key: `exp-${i}`,
          variations: ['control', 'treatment', 'treatment-b'],
          weights: [0.34, 0.33, 0.33],
          coverage: 1,
          hashAttribute: 'id',
          hashVersion: 2,
          seed: `exp-${i}`,
          condition: i % 2 ? { country: { $in: ['US', 'DE'] } } : undefined,
        },
      ],
    };
  }
  return features;
}

const ATTRIBUTES = {
  id: 'user-7f3c9a',
  country: 'DE',
  plan: 'pro',
  employee: false,
  browser: 'chrome',
  appVersion: '2.6.1',
  email: 'ada@acme.de',
  visits: 12,
  cartValue: 74.5,
  tags: ['outdoor', 'coffee'],
  deviceType: 'mobile',
  loggedIn: true,
};

/** Times GrowthBook's evaluation and Hearth's track/trackMany/recommend, interleaved. */
export async function timings({ runs }) {
  const { GrowthBook } = await import(pathToFileURL(join(PEER_MODULES, '@growthbook/growthbook/dist/esm/index.mjs')).href).catch(
    () => import(pathToFileURL(join(PEER_MODULES, '@growthbook/growthbook', resolveMain('@growthbook/growthbook'))).href),
  );
  const features = growthbookFeatures();
  const keys = Object.keys(features);
  const { ids, bytes } = catalog();
  let exposures = 0;
  const newGrowthBook = () => {
    const gb = new GrowthBook({ attributes: ATTRIBUTES, trackingCallback: () => exposures++ });
    if (typeof gb.initSync === 'function') gb.initSync({ payload: { features } });
    else gb.setFeatures(features);
    return gb;
  };
  // Sanity: the feature set evaluates to a mix, not all defaults.
  const probe = newGrowthBook();
  const on = keys.filter((k) => probe.isOn(k)).length;
  const experimentValues = new Set(keys.filter((k) => k.startsWith('exp-')).map((k) => probe.getFeatureValue(k, 'control')));
  probe.destroy?.();

  const events = Array.from({ length: TRACK_EVENTS }, (_, i) => ({ type: 'view', item: ids[(i * 7919) % ids.length], ts: T0 + i * 1000 }));
  const smallBatches = [];
  for (let i = 0; i < TRACK_EVENTS; i += SMALL_BATCH) smallBatches.push(events.slice(i, i + SMALL_BATCH));
  let clock = T0;
  const now = () => clock;
  const newHearth = async () => {
    clock = T0;
    const h = await createHearth({ storage: 'memory', autosave: 0, now, sync: { auto: false } });
    await h.catalog.load(bytes);
    return h;
  };
  const samples = await interleave(
    [
      {
        name: 'growthbook',
        setup: newGrowthBook,
        run: (gb) => {
          let n = 0;
          for (let i = 0; i < EVALS; i++) {
            const k = keys[i % keys.length];
            if (i & 1) n += gb.isOn(k) ? 1 : 0;
            else n += gb.getFeatureValue(k, null) === null ? 0 : 1;
          }
          if (n === 0) throw new Error('GrowthBook evaluated nothing');
        },
        teardown: (gb) => gb.destroy?.(),
      },
      {
        name: 'track',
        setup: newHearth,
        run: (h) => {
          for (let i = 0; i < TRACK_EVENTS; i++) h.track(events[i]);
        },
        teardown: (h) => h.close(),
      },
      {
        name: 'trackMany',
        setup: newHearth,
        run: (h) => {
          for (let i = 0; i < TRACK_EVENTS; i += BATCH) {
            const r = h.trackMany(events.slice(i, i + BATCH));
            if (r.recorded !== BATCH) throw new Error(`trackMany recorded ${r.recorded} of ${BATCH}: ${r.rejected[0]?.message}`);
          }
        },
        teardown: (h) => h.close(),
      },
      {
        name: 'trackMany10',
        setup: newHearth,
        run: (h) => {
          for (let i = 0; i < TRACK_EVENTS; i += SMALL_BATCH) {
            const r = h.trackMany(smallBatches[i / SMALL_BATCH]);
            if (r.recorded !== SMALL_BATCH) throw new Error(`trackMany recorded ${r.recorded} of ${SMALL_BATCH}: ${r.rejected[0]?.message}`);
          }
        },
        teardown: (h) => h.close(),
      },
      {
        name: 'recommend',
        setup: async () => {
          const h = await newHearth();
          h.trackMany(events.slice(0, 500)); // a profile with history: personalized picks
          clock = T0 + 600_000;
          return h;
        },
        run: (h) => {
          for (let i = 0; i < RECOMMENDS; i++) {
            if (h.recommend({ slot: 'for_you', count: 10 }).length !== 10) throw new Error('recommend returned fewer than 10 picks');
          }
        },
        teardown: (h) => h.close(),
      },
    ],
    { runs, warmup: WARMUP },
  );
  const perOp = { growthbook: EVALS, track: TRACK_EVENTS, trackMany: TRACK_EVENTS, trackMany10: TRACK_EVENTS, recommend: RECOMMENDS };
  const ns = {};
  const best = {};
  for (const [name, xs] of samples) {
    ns[name] = (median(xs) * 1e6) / perOp[name];
    best[name] = (Math.min(...xs) * 1e6) / perOp[name];
  }
  // GrowthBook ÷ track within each round (the two ran moments apart, so a
  // neighbour's load hits both): the spread says how robust the margin is.
  const gb = samples.get('growthbook');
  const tr = samples.get('track');
  const margins = gb.map((g, i) => g / EVALS / (tr[i] / TRACK_EVENTS)).sort((a, b) => a - b);
  return { ns, best, margins, on, total: keys.length, experimentValues: [...experimentValues], exposures, items: ids.length };
}

function resolveMain(pkg) {
  const p = JSON.parse(readFileSync(join(PEER_MODULES, pkg, 'package.json'), 'utf8'));
  return p.module ?? p.main ?? 'index.js';
}

/** The group for bench/run.mjs. */
export async function benchPeers({ runs = 5, progress = () => {} } = {}) {
  ensurePeersInstalled(progress);
  if (!existsSync(PEER_MODULES)) throw new Error('bench/peers/node_modules is missing after npm ci');
  progress('peers: bundling the apps with esbuild');
  const sizes = await bundleSizes();
  progress('peers: GrowthBook evaluation vs Hearth track / trackMany / recommend');
  const t = await timings({ runs });

  const hearth = sizes[0];
  const sizeRows = sizes.map((s) => [
    `${s.name} ${s.version}`,
    kb(s.js.raw),
    kb(s.js.gz),
    s.wasm ? kb(s.wasm.raw) : '—',
    s.wasm ? kb(s.wasm.gz) : '—',
    kb(s.total.gz),
    kb(s.total.br),
    s === hearth ? '1.00×' : ratio(hearth.total.gz / s.total.gz),
  ]);
  const speedRows = [
    ['GrowthBook `isOn` / `getFeatureValue` (local evaluation)', num(t.ns.growthbook), num(t.best.growthbook), '1.00×'],
    ['Hearth `track(event)`', num(t.ns.track), num(t.best.track), ratio(t.ns.track / t.ns.growthbook)],
    [`Hearth \`trackMany\` (batches of ${BATCH}), per event`, num(t.ns.trackMany), num(t.best.trackMany), ratio(t.ns.trackMany / t.ns.growthbook)],
    [`Hearth \`trackMany\` (batches of ${SMALL_BATCH}), per event`, num(t.ns.trackMany10), num(t.best.trackMany10), ratio(t.ns.trackMany10 / t.ns.growthbook)],
    ['Hearth `recommend({ slot: \'for_you\', count: 10 })`', num(t.ns.recommend), num(t.best.recommend), ratio(t.ns.recommend / t.ns.growthbook)],
  ];
  const tableText = [
    table(['minimal app (esbuild --bundle --minify --format=esm)', 'JS', 'JS gz', 'wasm', 'wasm gz', 'total gz', 'total br', 'Hearth ÷ this (gz)'], sizeRows),
    '',
    table(['operation (node, same run, interleaved)', 'ns/op median', 'ns/op best', 'time ÷ GrowthBook eval (lower is faster)'], speedRows),
  ].join('\n');
  const trackFaster = t.ns.track < t.ns.growthbook;
  return {
    title: 'Side by side with the SDKs people use today (bench/peers)',
    table: tableText,
    notes: [
      `Apps in bench/peers/apps/: each SDK initialised the way its docs show, then one evaluation (or gate / toggle / decision) and, where the SDK has one, one tracked event; Hearth: createHearth + catalog.load + one track + recommend(10). Versions pinned in bench/peers/package-lock.json.`,
      `Hearth's whole SDK as shipped to a browser: ${kb(hearth.total.gz)} gz (${kb(hearth.js.gz)} JS + ${kb(hearth.wasm.gz)} wasm), ${kb(hearth.total.br)} brotli; issue 8's target is ≤ 64 KB gz: **${hearth.total.gz <= 64 * 1024 ? 'met' : `missed by ${kb(hearth.total.gz - 64 * 1024)}`}**. The peers evaluate rules someone else computed on a server; Hearth holds the profile, the ranking, the loyalty game and the private reports in that size.`,
      `GrowthBook: ${t.total} features (12 plain flags, 8 targeted with $in/$or/$regex/$vgte/$ne/$elemMatch conditions, 10 percentage rollouts, 10 hashed 3-way experiments, half of them conditional), one user with 12 attributes, ${EVALS.toLocaleString('en')} evaluations per run cycling through the features (half \`isOn\`, half \`getFeatureValue\`); ${t.on} of ${t.total} features on for that user, experiment values seen: ${t.experimentValues.join(', ')}.`,
      `Hearth: ${TRACK_EVENTS.toLocaleString('en')} \`view\` events per run over a ${t.items.toLocaleString('en')}-item catalog (fresh instance, catalog loaded untimed); recommend after 500 events, ${RECOMMENDS} calls per run. Medians (and best) of ${runs} interleaved runs after ${WARMUP} warm-up rounds (every variant alike).`,
      `\`track\` ${trackFaster ? 'is faster than' : 'is NOT faster than'} GrowthBook's evaluation in this run: ${num(t.ns.track)} ns vs ${num(t.ns.growthbook)} ns (${ratio(t.ns.growthbook / t.ns.track)} ${trackFaster ? 'faster' : 'slower'})${t.ns.trackMany < t.ns.growthbook ? `; batched, ${num(t.ns.trackMany)} ns per event` : ''}. GrowthBook ÷ track round by round: median ${ratio(median(t.margins))}, from ${ratio(t.margins[0])} to ${ratio(t.margins[t.margins.length - 1])} over ${t.margins.length} rounds.`,
    ],
    summary: { sizes, ns: t.ns, best: t.best, margins: t.margins, trackFaster },
  };
}
