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
export { consentFromConsentMode, consentFromGlobalPrivacyControl, consentFromTcf } from './internal/consent.js';

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
    // import.meta.url) is also what lets bundlers (Vite, webpack 5, Parcel)
    // find and emit the asset. Only literals here: a template such as
    // `./wasm/${path}` makes Vite and webpack emit every file of js/wasm/
    // (a second copy of the glue) as an asset.
    locateFile(path) {
      const wasm = new URL('./wasm/hearth_wasm.wasm', import.meta.url);
      return path.endsWith('.wasm') ? wasm.href : new URL(path, wasm).href;
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

/**
 * The privacy core without an engine, for a collector: the same report
 * validator and estimator constants the device uses (docs/privacy.md).
 * @param {{ wasmBinary?: Uint8Array | ArrayBuffer, locateFile?: Function }} [options]
 * @returns {Promise<import('./index.js').PrivacyTools>}
 */
export async function createPrivacyTools(options = {}) {
  const M = await loadModule(options);
  return privacyTools(M);
}

/** @param {any} M */
export function privacyTools(M) {
  return Object.freeze({
    /** null when valid, else { code, message } naming the field. */
    validateReport(/** @type {string} */ text, /** @type {object | string | undefined} */ policy) {
      if (typeof text !== 'string') return { code: 'INVALID_ARGUMENT', message: 'report must be JSON text' };
      const json = policy === undefined ? '' : typeof policy === 'string' ? policy : JSON.stringify(policy);
      return M.validateReport(text, json);
    },
    /** { p, q } of k-ary randomized response over d values ('krr') or OUE ('oue') at ε. */
    rrProbabilities(/** @type {number} */ d, /** @type {number} */ epsilon, /** @type {'krr' | 'oue'} */ mech = 'krr') {
      const r = M.rrProbabilities(d, epsilon, mech);
      if (r.error) throw new HearthError(r.error.code, r.error.message);
      return r;
    },
    /** Variance 2a/(1-a)^2, a = exp(-ε/Δ), of the discrete Laplace noise. */
    laplaceVariance(/** @type {number} */ epsilon, /** @type {number} */ sensitivity) {
      return M.laplaceVariance(epsilon, sensitivity);
    },
  });
}
