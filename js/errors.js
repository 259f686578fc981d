// HearthError: the one error type the package throws, rejects with and emits.
//
// `code` is a stable, machine-readable name taken from the core's status codes
// (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, DATA_LOSS,
// RESOURCE_EXHAUSTED, ...) plus UNAVAILABLE (wasm or storage could not be
// reached) and INTERNAL (the wasm module aborted). The message says what to fix.

/** @type {ReadonlySet<string>} */
export const ERROR_CODES = new Set([
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

export class HearthError extends Error {
  /**
   * @param {string} code one of ERROR_CODES
   * @param {string} message what went wrong and what to do about it
   * @param {{ cause?: unknown }} [options] the error being wrapped, if any
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'HearthError';
    this.code = ERROR_CODES.has(code) ? code : 'UNKNOWN';
    // Older engines ignore the `cause` option of Error; set it by hand.
    if (options && 'cause' in options && !('cause' in this)) this.cause = options.cause;
  }
}

/**
 * A HearthError from the core's `{code, message}` object.
 * @param {{ code: string, message: string }} status
 */
export function fromStatus(status) {
  return new HearthError(String(status.code), String(status.message));
}

/** @param {string} message */
export function invalidArgument(message) {
  return new HearthError('INVALID_ARGUMENT', message);
}

/**
 * A HearthError for a failed storage call (QuotaExceededError →
 * RESOURCE_EXHAUSTED, everything else UNAVAILABLE). Used by every
 * built-in adapter and by the wrapper for host adapters.
 * @param {unknown} e
 * @param {string} what
 */
export function wrapStorageError(e, what) {
  if (e instanceof HearthError) return e;
  const name = /** @type {any} */ (e)?.name;
  const message = /** @type {any} */ (e)?.message ?? String(e);
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') {
    return new HearthError('RESOURCE_EXHAUSTED', `storage is full; could not ${what} the Hearth state (${message})`, {
      cause: e,
    });
  }
  return new HearthError('UNAVAILABLE', `storage failed to ${what} the Hearth state: ${name ? name + ': ' : ''}${message}`, {
    cause: e,
  });
}
