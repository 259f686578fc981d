// Writes a document (a catalog's JSON text or bytes) straight into a buffer
// in wasm memory that the core parses in place (catalogInput /
// loadCatalogInput in bindings/catalog_bindings.cc). Against encoding a
// string with TextEncoder.encode and handing the Uint8Array to Embind, which
// copied it into the heap, after which the parser copied it again into a
// padded buffer, this copies the document once: encodeInto() writes a
// string's UTF-8 directly into wasm memory, and bytes go in with one set().

/** Code units of UTF-16 at most 3 bytes of UTF-8 each (surrogate pairs: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

const encoder = new TextEncoder();

/**
 * Writes `input` into engine `e`'s document buffer and returns its byte
 * length, or -1 when the module has no such buffer or the document is over
 * the core's size limit (the caller then takes the copying path, whose error
 * names the limit).
 * @param {any} M the Emscripten module
 * @param {any} e the engine handle
 * @param {string | Uint8Array} input well-formed text (the caller checked) or bytes
 * @returns {number}
 */
export function writeDocument(M, e, input) {
  if (typeof M.catalogInput !== 'function') return -1;
  if (typeof input !== 'string') {
    const view = M.catalogInput(e, input.length, 0);
    if (view === null) return -1;
    view.set(input);
    return input.length;
  }
  // Guess one byte per code unit (exact for ASCII, the usual catalog), then
  // grow for whatever did not fit, keeping what was written.
  let view = M.catalogInput(e, input.length, 0);
  if (view === null) return -1;
  let { read, written } = encoder.encodeInto(input, view);
  if (read < input.length) {
    const rest = input.length - read;
    view = M.catalogInput(e, written + MAX_UTF8_PER_UNIT * rest, written);
    if (view === null) {
      M.catalogInput(e, 0, 0); // a bound only: do not hold the first guess
      return -1;
    }
    const more = encoder.encodeInto(input.slice(read), view.subarray(written));
    written += more.written;
    read += more.read;
    if (read < input.length) throw new Error(`internal: ${input.length - read} code units did not fit the document buffer`);
  }
  return written;
}
