// Group-commit writer for access events. A request's events are durable before its response is
// released: `record` resolves only after the INSERT that holds them has committed, so a crash or
// SIGTERM can never have shown data that the audit trail does not know about. Requests arriving
// together share one INSERT, which keeps the cost to a few milliseconds per request.
import type { AccessEvent, AuditSink } from "./event.js";

interface Pending {
  events: AccessEvent[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface AuditWriterOptions {
  /** Longest a request waits for companions before its batch is written. */
  maxDelayMs?: number;
  /** A batch is written at once when it reaches this many events. */
  maxBatch?: number;
  retries?: number;
}

export class AuditWriter {
  private queue: Pending[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly sink: AuditSink,
    private readonly opts: AuditWriterOptions = {},
  ) {}

  record(events: AccessEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error("audit writer closed"));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queued += events.length;
      if (this.queued >= (this.opts.maxBatch ?? 500)) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.maxDelayMs ?? 3);
    });
  }

  /** Writes everything queued now. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    if (batch.length === 0) return Promise.resolve();
    const job = this.write(batch.flatMap((p) => p.events)).then(
      () => batch.forEach((p) => p.resolve()),
      (error: Error) => batch.forEach((p) => p.reject(error)),
    );
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
    return job;
  }

  private async write(events: AccessEvent[]): Promise<void> {
    const attempts = (this.opts.retries ?? 3) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sink.append(events);
        return;
      } catch (error) {
        if (attempt >= attempts) throw error;
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  }

  /** Stops accepting events and waits until everything already recorded is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}
