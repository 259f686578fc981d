// hearth: an on-device personalization SDK (C++ core compiled to wasm).
//
//   import { createHearth } from 'hearth';
//   const hearth = await createHearth();
//   await hearth.catalog.load(catalogJson);
//   hearth.track({ type: 'view', item: 'sku-42' });
//   hearth.profile().summary;   // what Hearth believes, in words
//
// Types and doc comments for everything here: index.d.ts.

import { HearthError } from './errors.js';
import { createHearthWith, defaultEnv, isNode } from './internal/hearth.js';
import { createModuleLoader } from './internal/loader.js';

export { HearthError };

/** The package version; equals the wasm module's version() and the repository's VERSION file. */
export const version = '0.1.0';

// Kept in a variable so bundlers targeting browsers do not try to resolve it.
const NODE_FS = 'node:fs/promises';

const loadModule = createModuleLoader(
  async () => (await import('./wasm/hearth_wasm.mjs')).default,
  {
    isNode,
    async readWasm() {
      const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS);
      return new Uint8Array(await fs.readFile(new URL('./wasm/hearth_wasm.wasm', import.meta.url)));
    },
    // The .wasm sits next to the glue in js/wasm/; a literal new URL(…,
    // import.meta.url) is also what lets bundlers find and emit the asset.
    locateFile(path) {
      if (path.endsWith('.wasm')) return new URL('./wasm/hearth_wasm.wasm', import.meta.url).href;
      return new URL(`./wasm/${path}`, import.meta.url).href;
    },
  },
);

/**
 * Loads the wasm module (once per distinct wasmBinary / locateFile), restores
 * the user's state and returns a ready Hearth instance.
 * @param {import('./index.js').HearthOptions} [options]
 * @returns {Promise<import('./index.js').Hearth>}
 */
export function createHearth(options) {
  return createHearthWith(loadModule, options, defaultEnv());
}
