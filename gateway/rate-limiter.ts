// Per-user request rate (fixed one-minute window), concurrency (requests in flight) and cost budget
// (a token bucket of query cost, gateway/cost.ts), shared by every gateway replica through Redis
// when REDIS_URL is set, in process otherwise (embedded mode). The cost budget is what keeps one
// user's heavy queries from crowding out everyone else: the request count alone would let a user
// run the costliest allowed query every few seconds.
//
// Redis down: the limits fall back to this process's own counters (logged once per outage), so
// the service keeps answering and a user is still bounded per replica. Failing open would drop
// the bound exactly when something is already wrong; failing closed would turn a cache outage
// into a total one, which the cache design (docs/adr/0003-cache.md) promises never happens.
import { randomUUID } from "node:crypto";
import type { RedisLink } from "../platform/cache/redis-link.js";
import { logger } from "../platform/observability/logger.js";

export interface RateLimitSettings {
  /** Requests a user may start per minute. */
  perMinute: number;
  /** Requests a user may have in flight at once. */
  maxConcurrent: number;
  /** Query cost a user's budget regains per minute, and the most it can hold (the largest burst). */
  costPerMinute: number;
  costBurst: number;
}

export type Admission = { admitted: true; release(): void } | { admitted: false; reason: "rate" | "concurrency"; retryAfterSeconds: number };

export type Charge = { admitted: true } | { admitted: false; reason: "cost"; retryAfterSeconds: number };

export interface RateLimiter {
  /** Before the request runs: the request count and the requests in flight. */
  admit(userId: string): Promise<Admission>;
  /** Once its cost is known: takes the cost from the user's budget, or refuses when it is not there. */
  charge(userId: string, cost: number): Promise<Charge>;
}

const WINDOW_MS = 60_000;
/**
 * An in-flight entry older than this is taken as lost (a replica stopped before it could release
 * it) and no longer counts: longer than any request should run, short enough that a user is not
 * held back for long by a lost entry.
 */
const STALE_MS = 60_000;

export function createRateLimiter(settings: RateLimitSettings, redis: { link: RedisLink | null; keyPrefix: string } | null): RateLimiter {
  const local = localLimiter(settings);
  if (!redis?.link) return local;
  const { link, keyPrefix } = redis;
  let degraded = false;
  return {
    async admit(userId) {
      const member = randomUUID();
      const inFlightKey = `${keyPrefix}rl:inflight:${userId}`;
      const now = Date.now();
      const reply = await link.command(
        "ratelimit",
        (client) =>
          client.eval(
            ADMIT_SCRIPT,
            2,
            `${keyPrefix}rl:window:${userId}`,
            inFlightKey,
            now,
            WINDOW_MS,
            settings.perMinute,
            settings.maxConcurrent,
            STALE_MS,
            member,
          ) as Promise<[number, number]>,
      );
      if (reply === null) {
        if (!degraded) logger.warn("rate limits are enforced per gateway instance while Redis is unavailable");
        degraded = true;
        return local.admit(userId);
      }
      if (degraded) logger.info("rate limits are shared through Redis again");
      degraded = false;
      const [verdict, retryMs] = reply;
      if (verdict === 1) return { admitted: false, reason: "rate", retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
      if (verdict === 2) return { admitted: false, reason: "concurrency", retryAfterSeconds: 1 };
      return { admitted: true, release: () => void link.command("ratelimit", (client) => client.zrem(inFlightKey, member)) };
    },
    async charge(userId, cost) {
      const waitMs = await link.command(
        "ratelimit",
        (client) =>
          client.eval(
            CHARGE_SCRIPT,
            1,
            `${keyPrefix}rl:cost:${userId}`,
            Date.now(),
            settings.costBurst,
            settings.costPerMinute / WINDOW_MS,
            cost,
          ) as Promise<number>,
      );
      if (waitMs === null) return local.charge(userId, cost);
      return waitMs === 0 ? { admitted: true } : { admitted: false, reason: "cost", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
  };
}

// KEYS: the user's bucket. ARGV: now, capacity, refill per ms, cost. Returns 0 when taken, else
// the milliseconds until the bucket holds the cost.
const CHARGE_SCRIPT = `
local now, capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if cost > tokens then wait = math.ceil((cost - tokens) / rate) else tokens = tokens - cost end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return wait
`;

// KEYS: window counter, in-flight set. ARGV: now, window ms, per window, max concurrent, stale ms,
// this request's member. Returns {0,0} admitted, {1, ms until the window ends}, or {2, 0}.
const ADMIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[3]) then return {1, redis.call('PTTL', KEYS[1])} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[5]))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {2, 0} end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {0, 0}
`;

interface UserState {
  windowStart: number;
  count: number;
  inFlight: Map<symbol, number>;
  /** The cost bucket: what it held at `at`. */
  tokens: number;
  at: number;
}

/** The same limits with this process's own counters. */
export function localLimiter(settings: RateLimitSettings): RateLimiter {
  const users = new Map<string, UserState>();
  const fresh = (now: number): UserState => ({ windowStart: now, count: 0, inFlight: new Map(), tokens: settings.costBurst, at: now });
  let lastSweep = Date.now();
  const sweep = (now: number) => {
    if (now - lastSweep < WINDOW_MS) return;
    lastSweep = now;
    for (const [id, u] of users) {
      for (const [k, at] of u.inFlight) if (now - at > STALE_MS) u.inFlight.delete(k);
      const full = u.tokens + ((now - u.at) * settings.costPerMinute) / WINDOW_MS >= settings.costBurst;
      if (u.inFlight.size === 0 && now - u.windowStart >= WINDOW_MS && full) users.delete(id);
    }
  };
  return {
    async admit(userId) {
      const now = Date.now();
      sweep(now);
      let u = users.get(userId);
      if (!u) users.set(userId, (u = fresh(now)));
      if (now - u.windowStart >= WINDOW_MS) {
        u.windowStart = now;
        u.count = 0;
      }
      u.count += 1;
      if (u.count > settings.perMinute)
        return { admitted: false, reason: "rate", retryAfterSeconds: Math.max(1, Math.ceil((u.windowStart + WINDOW_MS - now) / 1000)) };
      if (u.inFlight.size >= settings.maxConcurrent) return { admitted: false, reason: "concurrency", retryAfterSeconds: 1 };
      const key = Symbol("request");
      u.inFlight.set(key, now);
      const state = u;
      return { admitted: true, release: () => void state.inFlight.delete(key) };
    },
    async charge(userId, cost) {
      const now = Date.now();
      let u = users.get(userId);
      if (!u) users.set(userId, (u = fresh(now)));
      const rate = settings.costPerMinute / WINDOW_MS;
      u.tokens = Math.min(settings.costBurst, u.tokens + Math.max(0, now - u.at) * rate);
      u.at = now;
      if (cost > u.tokens) return { admitted: false, reason: "cost", retryAfterSeconds: Math.max(1, Math.ceil((cost - u.tokens) / rate / 1000)) };
      u.tokens -= cost;
      return { admitted: true };
    },
  };
}
