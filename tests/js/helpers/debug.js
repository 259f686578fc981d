// createHearth() on the debug wasm build (js/wasm-debug/, -sASSERTIONS=2),
// for the privacy and sync integration tests.

import { readFile } from 'node:fs/promises';

import { createHearthWith, defaultEnv, isNode } from '../../../js/internal/hearth.js';
import { createModuleLoader } from '../../../js/internal/loader.js';

const DIR = new URL('../../../js/wasm-debug/', import.meta.url);

const loadModule = createModuleLoader(async () => (await import(new URL('hearth_wasm.mjs', DIR).href)).default, {
  isNode,
  readWasm: async () => new Uint8Array(await readFile(new URL('hearth_wasm.wasm', DIR))),
  locateFile: (path) => new URL(path, DIR).href,
});

/** @param {any} [options] @param {any} [env] */
export function createDebugHearth(options, env) {
  return createHearthWith(loadModule, options, { ...defaultEnv(), ...env });
}

/** The raw debug module (validateReport, rrProbabilities, …). */
export function debugModule() {
  return loadModule({});
}
