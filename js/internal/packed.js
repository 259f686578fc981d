// Writes track() events straight into wasm memory in the core's packed batch
// layout (src/hearth/engine/batch.h, TrackPacked), so the hot path builds no
// JSON text and passes no strings through Embind: one call per event (track)
// or per batch (trackMany), with only numbers as arguments.
//
// Layout per event, little-endian, no padding: f64 ts, f64 value (NaN: none),
// f64 quantity, u8 deal, i32 time-zone offset (minutes east of UTC, for the
// game), then type, item, id, query and context (the game's flat JSON object
// text, or empty) as u32 byte length + UTF-8 bytes. Strings are already
// well-formed (the caller checked them).

import { HearthError } from '../errors.js';

const encoder = new TextEncoder();

/** Fixed bytes of one event: three f64, one u8, the i32 offset, five u32 lengths. */
const FIXED_BYTES = 3 * 8 + 1 + 4 + 5 * 4;

/**
 * Upper bound of one normalized event's packed size (UTF-8 is at most 3
 * bytes per UTF-16 code unit).
 * @param {{ type: string, item: string, id: string, query: string, contextJson: string }} ev
 */
export function packedSize(ev) {
  return FIXED_BYTES + 3 * (ev.type.length + ev.item.length + ev.id.length + ev.query.length + ev.contextJson.length);
}

/**
 * A view of one engine handle's packing buffer in wasm memory. The view is
 * re-fetched when too small or when memory growth detached it (a detached
 * view reports byteLength 0).
 */
export class EventPacker {
  /**
   * @param {any} handle the Embind engine handle (packBuffer, trackPacked)
   * @param {number} address the handle's address for the module's plain
   *   hearth_track_packed export, or 0 to call handle.trackPacked
   */
  constructor(handle, address = 0) {
    this.handle = handle;
    this.address = address;
    /** @type {Uint8Array | null} */
    this.bytes = null;
    /** @type {DataView | null} */
    this.view = null;
  }

  /**
   * Packs the events and returns the byte length written.
   * @param {ReadonlyArray<{ type: string, item: string, id: string, ts: number, query: string, value: number, quantity: number, deal: boolean, tz: number, contextJson: string }>} events
   * @param {number} capacity an upper bound (sum of packedSize)
   */
  pack(events, capacity) {
    let bytes = this.bytes;
    if (bytes === null || bytes.byteLength < capacity) {
      bytes = this.handle.packBuffer(capacity);
      if (bytes === null) throw new HearthError('RESOURCE_EXHAUSTED', 'the events are too large to pack (over 256 MiB); split the batch; nothing was recorded');
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const view = /** @type {DataView} */ (this.view);
    let pos = 0;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      view.setFloat64(pos, ev.ts, true);
      view.setFloat64(pos + 8, ev.value, true);
      view.setFloat64(pos + 16, ev.quantity, true);
      bytes[pos + 24] = ev.deal ? 1 : 0;
      view.setInt32(pos + 25, ev.tz, true);
      pos = putString(bytes, view, pos + 29, ev.type);
      pos = putString(bytes, view, pos, ev.item);
      pos = putString(bytes, view, pos, ev.id);
      pos = putString(bytes, view, pos, ev.query);
      pos = putString(bytes, view, pos, ev.contextJson);
    }
    return pos;
  }

  /**
   * Copies already packed events (a journal's bytes) into the buffer;
   * returns their length.
   * @param {Uint8Array} src
   */
  copyIn(src) {
    let bytes = this.bytes;
    if (bytes === null || bytes.byteLength < src.length) {
      bytes = this.handle.packBuffer(src.length);
      if (bytes === null) throw new HearthError('RESOURCE_EXHAUSTED', 'the events are too large to pack (over 256 MiB); nothing was recorded');
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    bytes.set(src);
    return src.length;
  }

  /**
   * Packs one event; returns its byte length.
   * @param {{ type: string, item: string, id: string, ts: number, query: string, value: number, quantity: number, deal: boolean, tz: number, contextJson: string }} ev
   */
  packOne(ev) {
    one[0] = ev;
    return this.pack(one, packedSize(ev));
  }
}

/** @type {any[]} */
const one = [null];

/**
 * u32 length + UTF-8 bytes of `s` at `pos`; returns the position after it.
 * ASCII (ids, types) is copied code unit by code unit; anything else goes
 * through TextEncoder.encodeInto.
 * @param {Uint8Array} bytes
 * @param {DataView} view
 * @param {number} pos
 * @param {string} s
 */
function putString(bytes, view, pos, s) {
  const start = pos + 4;
  const n = s.length;
  let p = start;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      p = start + encoder.encodeInto(s, bytes.subarray(start)).written;
      break;
    }
    bytes[p++] = c;
  }
  view.setUint32(pos, p - start, true);
  return p;
}
