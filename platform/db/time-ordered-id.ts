// UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Rows keyed by it
// arrive in key order, so their primary-key index grows at its right edge (a few hot pages) instead
// of at random pages across the whole index: the access-event table takes hundreds of rows per
// dashboard view, and with a random (version 4) key every insert touched a different leaf page.
// Still a UUID and still unguessable (74 random bits); the time prefix says only when the row was
// made, which the row holds anyway.
import { randomFillSync } from "node:crypto";

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;

/** A version 7 UUID for `now` (Unix milliseconds). */
export function timeOrderedId(now: number = Date.now()): string {
  // Random bytes drawn in bulk: one system call per 256 ids.
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const b = Buffer.from(pool.subarray(16 * next, 16 * ++next));
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
