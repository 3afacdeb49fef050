// Record ids. An id ends up in URLs, logs, audit trails and support tickets, so it must say nothing
// about the person the record is about: no NHS number (ids used to be `CP-<nhsNumber>-<version>`),
// no name, no date. An id is a type prefix (`CP`, `AL`, `DR`, ...: recognisable in a log line) and
// an opaque body; clients must not parse it, and nothing in this code base does: whatever a caller
// needs from a record (its resident, its version) is looked up by id in the record's store.
//
// The body is lower-case letters only (base 26), never digits: no part of an id can be, or be
// mistaken for, an NHS number, a date or a phone number, and the log redaction that masks
// NHS-number-shaped runs of digits never mangles an id.
import { createHmac, randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";
/** 26^28 > 2^128: 28 letters hold 128 random bits. */
const RANDOM_LENGTH = 28;
/** 26^24 ~ 2^112.8: far beyond any chance of two seeded records colliding. */
const SEEDED_LENGTH = 24;

/** The `length` low base-26 digits of `bytes` (read as one big-endian number), as letters. */
function letters(bytes: Uint8Array, length: number): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  let out = "";
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(n % 26n)]! + out;
    n /= 26n;
  }
  return out;
}

function checkPrefix(prefix: string): void {
  // Upper-case letters only, so the prefix cannot carry an identifier either.
  if (!/^[A-Z]{2,4}$/.test(prefix)) throw new Error(`id prefix must be 2 to 4 upper-case letters, got ${JSON.stringify(prefix)}`);
}

/**
 * The id of a record created at run time (a submitted care plan): prefix + 128 random bits. Random,
 * not derived from anything about the record, so there is nothing to recompute or guess it from.
 */
export function newRecordId(prefix: string): string {
  checkPrefix(prefix);
  return `${prefix}-${letters(randomBytes(16), RANDOM_LENGTH)}`;
}

/**
 * DEVELOPMENT / DEMO-DATA KEY. NOT A SECRET: it is in the source on purpose. It only makes demo ids
 * reproducible (every seed of the same world writes the same ids, so re-seeding is idempotent and
 * tests and README examples can rely on them). The demo residents' NHS numbers are synthetic (the
 * 999 test range), so anyone recomputing an id from them learns nothing. Never use seededRecordId
 * for real records: they get newRecordId; a deterministic id over real data would need a secret
 * key from configuration instead of this one.
 */
const DEMO_DATA_ID_KEY = "carerecord demo-data record ids v1 (development key, not a secret)";

/**
 * The id of a demo (seeded) record: prefix + 24 letters of an HMAC-SHA256 of the prefix and `parts`
 * (what made the old readable id unique, e.g. NHS number and sequence number). Deterministic, so
 * seeding stays reproducible, but the parts cannot be read back out of the id.
 */
export function seededRecordId(prefix: string, ...parts: (string | number)[]): string {
  checkPrefix(prefix);
  if (parts.length === 0) throw new Error("seededRecordId needs at least one part");
  // JSON keeps the parts apart unambiguously (["1", "23"] and ["12", "3"] hash differently).
  const mac = createHmac("sha256", DEMO_DATA_ID_KEY)
    .update(JSON.stringify([prefix, ...parts.map(String)]))
    .digest();
  return `${prefix}-${letters(mac, SEEDED_LENGTH)}`;
}
