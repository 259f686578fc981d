// Loads the Emscripten module once per distinct wasmBinary / locateFile and
// turns every way loading can fail into a HearthError (UNAVAILABLE). A
// rejected load is not cached, so a later createHearth() tries again.

import { HearthError } from '../errors.js';

const DEFAULT_KEY = {};

/**
 * @typedef {{
 *   isNode(): boolean,
 *   readWasm(): Promise<Uint8Array>,
 *   locateFile(path: string, prefix?: string): string,
 * }} Platform
 */

/**
 * @param {() => Promise<(moduleArg: object) => Promise<any>>} importFactory
 *   resolves to the Emscripten factory (createHearthModule)
 * @param {Platform} platform
 * @returns {(opts: { wasmBinary?: Uint8Array | ArrayBuffer, locateFile?: Function }) => Promise<any>}
 */
export function createModuleLoader(importFactory, platform) {
  /** @type {WeakMap<object, Promise<any>>} */
  const cache = new WeakMap();

  return function loadModule(opts) {
    const key = opts.wasmBinary ?? opts.locateFile ?? DEFAULT_KEY;
    let p = cache.get(key);
    if (!p) {
      p = instantiate(importFactory, platform, opts);
      cache.set(key, p);
      const mine = p;
      p.catch(() => {
        if (cache.get(key) === mine) cache.delete(key);
      });
    }
    return p;
  };
}

/**
 * @param {() => Promise<Function>} importFactory
 * @param {Platform} platform
 * @param {{ wasmBinary?: Uint8Array | ArrayBuffer, locateFile?: Function }} opts
 */
async function instantiate(importFactory, platform, opts) {
  let factory;
  try {
    factory = await importFactory();
  } catch (e) {
    throw new HearthError(
      'UNAVAILABLE',
      `could not import the Hearth wasm glue (js/wasm/hearth_wasm.mjs): ${messageOf(e)}; build it with 'npm run build'`,
      { cause: e },
    );
  }
  /** @type {Record<string, unknown>} */
  const moduleArg = {};
  if (opts.wasmBinary) {
    moduleArg.wasmBinary = opts.wasmBinary;
  } else if (platform.isNode()) {
    // Emscripten 3.1.6's loader cannot fetch() a file path in Node; hand it the bytes.
    try {
      moduleArg.wasmBinary = await platform.readWasm();
    } catch (e) {
      throw new HearthError(
        'UNAVAILABLE',
        `could not read the Hearth wasm binary (js/wasm/hearth_wasm.wasm): ${messageOf(e)}; build it with 'npm run build' or pass options.wasmBinary`,
        { cause: e },
      );
    }
  }
  moduleArg.locateFile = opts.locateFile ?? platform.locateFile;
  /** @type {unknown} */
  let abortReason;
  moduleArg.onAbort = (/** @type {unknown} */ what) => {
    abortReason = what;
  };
  try {
    return await factory(moduleArg);
  } catch (e) {
    const why = abortReason !== undefined ? messageOf(abortReason) : messageOf(e);
    throw new HearthError(
      'UNAVAILABLE',
      `the Hearth wasm module failed to start: ${why}; check that hearth_wasm.wasm is served next to hearth_wasm.mjs (or pass locateFile / wasmBinary) and that the Content-Security-Policy allows 'wasm-unsafe-eval'`,
      { cause: e },
    );
  }
}

/** @param {unknown} e */
function messageOf(e) {
  if (e && typeof e === 'object' && 'message' in e) return String(/** @type {any} */ (e).message);
  return String(e);
}
