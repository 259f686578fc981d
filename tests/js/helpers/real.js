// The real wasm build (js/wasm/, from `npm run build`), loaded directly for
// tests that need the raw module (version(), memoryStats()).

import { readFile } from 'node:fs/promises';

export const WASM_URL = new URL('../../../js/wasm/hearth_wasm.wasm', import.meta.url);
export const GLUE_URL = new URL('../../../js/wasm/hearth_wasm.mjs', import.meta.url);

let modulePromise;

/** One raw Embind module instance for the whole test file. */
export function rawModule() {
  modulePromise ??= (async () => {
    const { default: createHearthModule } = await import(GLUE_URL.href);
    return createHearthModule({ wasmBinary: await readFile(WASM_URL) });
  })();
  return modulePromise;
}

/** A small catalog: two departments, two brands, four price bands. */
export const CATALOG = [
  { id: 'sku-1', title: 'Trail runner', category: 'Shoes > Trail', tags: ['waterproof'], brand: 'Acme', price: 89.5, stock: 3 },
  { id: 'sku-2', title: 'Road racer', category: 'Shoes > Road', tags: ['lightweight'], brand: 'Swift', price: 120 },
  { id: 'sku-3', title: 'Rain shell', category: 'Jackets > Rain', tags: ['waterproof'], brand: 'Acme', price: 150 },
  { id: 'sku-4', title: 'Wool socks', category: 'Accessories', tags: ['merino'], brand: 'Knit', price: 12 },
];

/** 2025-01-15T12:00:00Z, and a clock that tests move by hand. */
export const T0 = Date.UTC(2025, 0, 15, 12);
export function manualClock(start = T0) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

export const DAY = 86_400_000;
