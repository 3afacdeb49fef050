// Cache of raw database rows for one subgraph, below authorisation: what is cached is what the
// repository read (rows, row lists), never a response shaped for one caller. Access rules run on
// every request over these rows exactly as over fresh ones.
//
// Entries live in hashes: the key names the entity that owns the data (`cr:labs:Resident:<nhs>`)
// and the field names the relation and its arguments (`reports|{"abnormalOnly":true,...}`), so
// one purge of the key drops every cached view of that entity.
//
// Reads go L1 (this process, lru-cache) -> L2 (Redis, one pipeline per batch) -> PostgreSQL, with
// single-flight: concurrent misses for the same slot share one database read.
import { LRUCache } from "lru-cache";
import { metrics } from "../observability/metrics.js";
import { decode, deepFreeze, encode } from "./codec.js";
import type { RedisLink, Slot } from "./redis-link.js";

export type { Slot };

export interface EntityCacheOptions {
  enabled: boolean;
  l1MaxEntries: number;
  l1TtlMs: number;
  l2TtlSeconds: number;
}

/** Most argument variants kept in L1 for one entity; more is a sign of unbounded arguments. */
const MAX_FIELDS_PER_KEY = 64;

export class EntityCache {
  private readonly l1: LRUCache<string, Map<string, unknown>> | null;
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Bumped by every purge; a database read that overlapped a purge is not stored. */
  private epoch = 0;
  private readonly unsubscribe: () => void;

  constructor(
    readonly name: string,
    /** `cr:<database>:` (see hub.ts). */
    private readonly keyPrefix: string,
    private readonly link: RedisLink | null,
    private readonly opts: EntityCacheOptions,
  ) {
    this.l1 =
      opts.enabled && opts.l1MaxEntries > 0
        ? new LRUCache<string, Map<string, unknown>>({
            max: opts.l1MaxEntries,
            ttl: opts.l1TtlMs || undefined,
            dispose: (_v, _k, reason) => {
              if (reason === "evict") metrics.cacheEvictions.inc({ cache: name });
            },
          })
        : null;
    this.unsubscribe = link?.onPurge((keys) => this.dropLocal(keys)) ?? (() => undefined);
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** The Redis key of an entity of this subgraph. */
  key(type: string, id: string): string {
    return `${this.keyPrefix}${this.name}:${type}:${id}`;
  }

  /**
   * The value of every slot, in order. `load` receives the indexes of the slots nobody has cached
   * and must return their values in that order (null is a value: "no such row").
   */
  async read<V>(slots: Slot[], load: (missing: number[]) => Promise<V[]>): Promise<V[]> {
    if (!this.opts.enabled) return load(slots.map((_, i) => i));
    const epoch = this.epoch;
    const out = new Array<V>(slots.length);
    const useL1 = this.l1Trusted;

    let todo: number[] = [];
    for (let i = 0; i < slots.length; i++) {
      const hit = useL1 ? this.l1!.get(slots[i]!.key)?.get(slots[i]!.field) : undefined;
      if (hit !== undefined) out[i] = hit as V;
      else todo.push(i);
    }
    if (todo.length < slots.length) metrics.cacheHits.inc({ cache: this.name, layer: "l1" }, slots.length - todo.length);

    if (todo.length > 0 && this.link?.readable) {
      const texts = await this.link.getMany(todo.map((i) => slots[i]!));
      if (texts) {
        const rest: number[] = [];
        todo.forEach((i, j) => {
          const text = texts[j];
          if (text == null) return void rest.push(i);
          out[i] = deepFreeze(decode<V>(text));
          if (useL1 && this.epoch === epoch) this.putL1(slots[i]!, out[i]);
        });
        if (rest.length < todo.length) metrics.cacheHits.inc({ cache: this.name, layer: "l2" }, todo.length - rest.length);
        todo = rest;
      }
    }
    if (todo.length === 0) return out;

    // Single-flight: join reads already under way for the same slot; load the rest together.
    const joined: Promise<void>[] = [];
    const mine: number[] = [];
    for (const i of todo) {
      const running = this.inflight.get(slotId(slots[i]!));
      if (running) joined.push(running.then((v) => void (out[i] = v as V)));
      else mine.push(i);
    }
    if (joined.length) metrics.singleFlightJoins.inc({ cache: this.name }, joined.length);
    if (mine.length) {
      metrics.cacheMisses.inc({ cache: this.name }, mine.length);
      const batch = load(mine).then((values) => values.map((v) => deepFreeze(v)));
      mine.forEach((i, j) => {
        const id = slotId(slots[i]!);
        const own = batch.then((values) => values[j]);
        own.catch(() => undefined); // the error reaches the caller through `batch`
        this.inflight.set(id, own);
        void own.finally(() => this.inflight.get(id) === own && this.inflight.delete(id)).catch(() => undefined);
      });
      const values = await batch;
      mine.forEach((i, j) => (out[i] = values[j]!));
      if (this.epoch === epoch) this.store(mine.map((i, j) => ({ slot: slots[i]!, value: values[j] })));
    }
    await Promise.all(joined);
    return out;
  }

  /** Drops these entities here, in Redis and (through the purge channel) in every other instance. */
  async purge(keys: string[]): Promise<void> {
    if (!this.opts.enabled || keys.length === 0) return;
    const unique = [...new Set(keys)];
    this.dropLocal(unique);
    await this.link?.purge(unique);
  }

  /** Drops every local copy (a full purge; Redis is cleared by the hub). */
  dropAll(): void {
    this.dropLocal("all");
  }

  close(): void {
    this.unsubscribe();
    this.l1?.clear();
  }

  private store(entries: { slot: Slot; value: unknown }[]): void {
    if (this.l1Trusted) for (const e of entries) this.putL1(e.slot, e.value);
    if (this.link)
      void this.link.setMany(
        entries.map((e) => ({ slot: e.slot, value: encode(e.value) })),
        this.opts.l2TtlSeconds,
      );
  }

  /** L1 copies may be read and written: single process, or every purge is being heard. */
  private get l1Trusted(): boolean {
    return this.l1 !== null && (this.link === null || this.link.coherent);
  }

  private putL1(slot: Slot, value: unknown): void {
    let fields = this.l1!.get(slot.key);
    if (!fields || fields.size >= MAX_FIELDS_PER_KEY) this.l1!.set(slot.key, (fields = new Map()));
    fields.set(slot.field, value);
  }

  private dropLocal(keys: string[] | "all"): void {
    this.epoch++;
    this.inflight.clear();
    if (keys === "all") this.l1?.clear();
    else for (const k of keys) this.l1?.delete(k);
  }
}

const slotId = (s: Slot) => `${s.key}\u0000${s.field}`;
