// Waiting for something asynchronous to become true, and reading Prometheus counters, for tests
// that watch the cache and its Redis link.

/** Polls until `condition` holds or `ms` pass; resolves to whether it held. */
export async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
  return condition();
}

interface Counter {
  get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }>;
}

/** A counter summed over its labels (over one `layer` when given). */
export async function counterTotal(counter: Counter, layer?: string): Promise<number> {
  return (await counter.get()).values.filter((v) => !layer || v.labels.layer === layer).reduce((n, v) => n + v.value, 0);
}
