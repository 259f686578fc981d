// Bytes <-> base64 text, for stores that only hold strings (localStorage).
// Chunked so that a multi-megabyte snapshot never hits argument-count limits.

const CHUNK = 0x8000;

/** @param {Uint8Array} bytes @returns {string} */
export function bytesToBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, /** @type {any} */ (bytes.subarray(i, i + CHUNK)));
  }
  return btoa(binary);
}

/**
 * @param {string} text
 * @returns {Uint8Array} throws a DOMException (InvalidCharacterError) on text that is not base64
 */
export function base64ToBytes(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
