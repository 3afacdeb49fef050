// JWT verification is the costliest step a request repeats for nothing: the same user token
// arrives on every request of a session, and the gateway's internal token on each of the five
// subgraph calls of one request. A verified token (the exact string, signature included) is
// remembered until it expires; anything not verified before is verified in full, and failures are
// never remembered.
import { createSecretKey, type KeyObject } from "node:crypto";
import { LRUCache } from "lru-cache";

export interface Verified<T> {
  value: T;
  /** Epoch milliseconds after which the token must be verified again (its `exp`). */
  expiresAt: number;
}

export function rememberVerified<T>(verify: (token: string) => Promise<Verified<T>>, max = 20_000): (token: string) => Promise<T> {
  const verified = new LRUCache<string, Verified<T>>({ max });
  return async (token) => {
    const hit = verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    const fresh = await verify(token);
    const ttl = fresh.expiresAt - Date.now();
    if (ttl > 0) verified.set(token, fresh, { ttl });
    return fresh.value;
  };
}

const keys = new Map<string, KeyObject>();
/** An HMAC key object per secret (jose re-imports raw key bytes on every call otherwise). */
export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, "utf8"))));
  return key;
}
