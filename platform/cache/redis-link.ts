// The process's connection to Redis (L2 and the purge channel), shared by every cache in the
// process. Redis is an accelerator, never a dependency: commands time out quickly, a circuit
// breaker stops calling a Redis that keeps failing, and every caller falls back to PostgreSQL.
//
// Correctness rules, because a stale medicine list shown as current is the worst failure:
// - A purge that cannot reach Redis is remembered and replayed before L2 is read again.
// - A purge is repeated once shortly after the write, so a value another instance read from the
//   database just before the write and stored just after the first delete does not survive.
// - L1 copies are trusted only while the purge channel is subscribed; on any gap they are dropped.
import { Redis } from "ioredis";
import { logger } from "../observability/logger.js";
import { metrics } from "../observability/metrics.js";

export interface RedisLinkOptions {
  url: string;
  /** Every key this link writes or purges starts with this (see hub.ts); the channel is scoped by it too. */
  keyPrefix: string;
  /** Per-command timeout; Redis on the same network answers in well under a millisecond. */
  timeoutMs: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  failureThreshold?: number;
  openMs?: number;
  /** Delay of the second delete of a purge. */
  repurgeMs?: number;
}

export interface Slot {
  key: string;
  field: string;
}

type PurgeListener = (keys: string[] | "all") => void;

export class RedisLink {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private failures = 0;
  private openUntil = 0;
  private subscribed = false;
  private pending = new Set<string>();
  private pendingAll = false;
  private listeners = new Set<PurgeListener>();
  private timers = new Set<NodeJS.Timeout>();
  private readonly replayTimer: NodeJS.Timeout;
  private readonly channel: string;

  constructor(private readonly opts: RedisLinkOptions) {
    // Pub/sub is not scoped to a Redis database number, so the channel names it as well.
    this.channel = `carerecord:cache:purge:${new URL(opts.url).pathname.slice(1) || "0"}:${opts.keyPrefix}`;
    const common = {
      // Fail at once while disconnected instead of queueing behind a dead connection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    };
    this.client = new Redis(opts.url, { ...common, commandTimeout: opts.timeoutMs });
    this.subscriber = new Redis(opts.url, { ...common, autoResubscribe: false });
    for (const connection of [this.client, this.subscriber]) {
      // ioredis emits an error for every failed reconnect; counted, logged without detail, never fatal.
      connection.on("error", (error: Error & { code?: string }) => {
        metrics.redisErrors.inc({ operation: "connection" });
        logger.debug({ err: { name: error.name, code: error.code } }, "redis connection error");
      });
    }
    this.client.on("ready", () => void this.replayPending());
    // A purge that failed while the connection stayed up is retried until it lands.
    this.replayTimer = setInterval(() => {
      if (this.pending.size > 0 || this.pendingAll) void this.replayPending();
    }, 200);
    this.replayTimer.unref();
    this.subscriber.on("ready", () => void this.subscribe());
    for (const event of ["close", "end", "reconnecting"]) this.subscriber.on(event, () => this.lostChannel());
    this.subscriber.on("message", (_channel: string, message: string) => {
      const keys = message === "*" ? "all" : (JSON.parse(message) as string[]);
      metrics.cachePurges.inc({ origin: "remote" }, keys === "all" ? 1 : keys.length);
      this.emit(keys);
    });
  }

  /** Called with the keys another instance (or this one) purged; "all" after a gap in the channel. */
  onPurge(listener: PurgeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** L1 copies are safe while every purge is being heard. */
  get coherent(): boolean {
    return this.subscribed && this.readable;
  }

  /** L2 may be read: connected, circuit closed, and no purge waiting to be replayed. */
  get readable(): boolean {
    return this.client.status === "ready" && Date.now() >= this.openUntil && this.pending.size === 0 && !this.pendingAll;
  }

  /** HGET for each slot in one pipeline; null when Redis could not answer (the caller reads PostgreSQL). */
  async getMany(slots: Slot[]): Promise<(string | null)[] | null> {
    if (!this.readable) return null;
    return this.guard("read", async () => {
      const pipeline = this.client.pipeline();
      for (const s of slots) pipeline.hget(s.key, s.field);
      const results = (await pipeline.exec()) ?? [];
      return slots.map((_, i) => {
        const [error, value] = results[i] ?? [new Error("missing reply"), null];
        if (error) throw error;
        return (value as string | null) ?? null;
      });
    });
  }

  /** Stores values with a TTL; best effort (a failure only costs a later miss). */
  async setMany(entries: { slot: Slot; value: string }[], ttlSeconds: number): Promise<void> {
    if (!this.readable || entries.length === 0) return;
    await this.guard("write", async () => {
      const pipeline = this.client.pipeline();
      for (const { slot, value } of entries) pipeline.hset(slot.key, slot.field, value).expire(slot.key, ttlSeconds);
      await pipeline.exec();
    });
  }

  /** Simple string values (persisted queries). */
  async get(key: string): Promise<string | null> {
    if (!this.readable) return null;
    return this.guard("read", () => this.client.get(key));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (!this.readable) return;
    await this.guard("write", () => this.client.set(key, value, "EX", ttlSeconds));
  }

  /** One command for the link's other users (the gateway's rate limits), under the same timeout and circuit; null when Redis cannot answer. */
  async command<T>(operation: string, fn: (client: Redis) => Promise<T>): Promise<T | null> {
    if (this.client.status !== "ready") return null;
    return this.guard(operation, () => fn(this.client));
  }

  /**
   * Deletes keys in Redis and tells every instance to drop its L1 copies. Resolves once Redis has
   * deleted them (or, if Redis is unreachable, once the purge is queued for replay and L2 reads
   * are suspended until it has been replayed).
   */
  async purge(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const done = await this.deleteAndPublish(keys);
    if (!done) for (const k of keys) this.pending.add(k);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deleteAndPublish(keys).then((ok) => {
        if (!ok) for (const k of keys) this.pending.add(k);
      });
    }, this.opts.repurgeMs ?? 250);
    timer.unref();
    this.timers.add(timer);
  }

  /** Deletes every key this product wrote (after a bulk load). */
  async purgeAll(): Promise<void> {
    const ok = await this.deleteEverything();
    if (!ok) this.pendingAll = true;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    clearInterval(this.replayTimer);
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  /** A purge right after start-up (a seed script) waits briefly for the first connection. */
  private async connected(): Promise<boolean> {
    if (this.client.status === "ready") return true;
    if (!["wait", "connecting", "connect"].includes(this.client.status)) return false;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off("ready", onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), 1000);
      this.client.once("ready", onReady);
    });
  }

  private async deleteAndPublish(keys: string[]): Promise<boolean> {
    if (!(await this.connected())) return false;
    const ok = await this.guard("purge", async () => {
      await this.client
        .pipeline()
        .unlink(...keys)
        .publish(this.channel, JSON.stringify(keys))
        .exec();
      return true;
    });
    if (ok) {
      metrics.cachePurges.inc({ origin: "local" }, keys.length);
      for (const k of keys) this.pending.delete(k);
    }
    return ok === true;
  }

  private async deleteEverything(): Promise<boolean> {
    if (!(await this.connected())) return false;
    const ok = await this.guard(
      "purge",
      async () => {
        let cursor = "0";
        do {
          const [next, keys] = await this.client.scan(cursor, "MATCH", `${this.opts.keyPrefix}*`, "COUNT", 1000);
          if (keys.length) await this.client.unlink(...keys);
          cursor = next;
        } while (cursor !== "0");
        await this.client.publish(this.channel, "*");
        return true;
      },
      30_000,
    );
    return ok === true;
  }

  private async replayPending(): Promise<void> {
    if (this.pendingAll) {
      if (await this.deleteEverything()) this.pendingAll = false;
      this.pending.clear();
    }
    if (this.pending.size === 0) return;
    await this.deleteAndPublish([...this.pending]);
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      // Messages may have been missed while unsubscribed: start from an empty L1.
      this.emit("all");
      this.subscribed = true;
    } catch {
      metrics.redisErrors.inc({ operation: "subscribe" });
    }
  }

  private lostChannel(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.emit("all");
  }

  private emit(keys: string[] | "all"): void {
    for (const l of this.listeners) l(keys);
  }

  /**
   * Runs a command under the circuit breaker. Returns null on failure (counted); after
   * `failureThreshold` consecutive failures the circuit opens for `openMs`, then lets the next
   * command try again (half-open).
   */
  private async guard<T>(operation: string, fn: () => Promise<T>, timeoutMs = this.opts.timeoutMs): Promise<T | null> {
    if (Date.now() < this.openUntil) return null;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("redis timeout")), timeoutMs);
        }),
      ]);
      if (this.failures > 0 || this.openUntil > 0) {
        this.failures = 0;
        this.openUntil = 0;
        metrics.redisCircuitOpen.set(0);
        void this.replayPending();
      }
      return result;
    } catch {
      metrics.redisErrors.inc({ operation });
      if (++this.failures >= (this.opts.failureThreshold ?? 3)) {
        this.openUntil = Date.now() + (this.opts.openMs ?? 1000);
        metrics.redisCircuitOpen.set(1);
      }
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
