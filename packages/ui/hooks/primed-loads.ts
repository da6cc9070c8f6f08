// Loads started before React is up. The page's script takes a few hundred milliseconds to evaluate
// and mount on a slow machine; a page's first data can be on its way (and back) in that time.
// `prime` starts a page's own loader under the page's useApi key; useApi takes it on mount
// (already settled: the first render shows the data, with no loading pass) instead of asking again.

interface Primed<T> {
  promise: Promise<T>;
  settled: boolean;
  failed?: boolean;
  value?: T;
  primedAt: number;
}

/** A primed load nobody took within this long is dropped: the page it was for was not opened. */
const PRIMED_TTL_MS = 10_000;

const primed = new Map<string, Primed<unknown>>();

export function prime<T>(key: string, load: () => Promise<T>): void {
  const entry: Primed<T> = { promise: load(), settled: false, primedAt: Date.now() };
  entry.promise.then(
    (value) => {
      entry.settled = true;
      entry.value = value;
    },
    () => {
      entry.settled = true;
      entry.failed = true;
    },
  );
  primed.set(key, entry as Primed<unknown>);
}

function fresh(key: string): Primed<unknown> | undefined {
  const entry = primed.get(key);
  if (entry && Date.now() - entry.primedAt > PRIMED_TTL_MS) {
    primed.delete(key);
    entry.promise.catch(() => undefined);
    return undefined;
  }
  return entry;
}

/** The value of a primed load that has already succeeded (for a first render), without taking it. */
export function peekPrimed<T>(key: string): { value: T } | undefined {
  const entry = fresh(key);
  return entry?.settled && "value" in entry ? { value: entry.value as T } : undefined;
}

/**
 * The primed load for `key`, once: later loads of the same key go to the server. One that has
 * already failed is not handed out: the page asks again itself (after a sign-in, say, when the
 * primed load got a 401 before any credentials were given).
 */
export function takePrimed<T>(key: string): Promise<T> | undefined {
  const entry = fresh(key);
  if (!entry) return undefined;
  primed.delete(key);
  if (entry.failed) return undefined;
  return entry.promise as Promise<T>;
}

/**
 * Resolves when every primed load has settled, or after `maxWaitMs`. Waiting for data that is
 * nearly back costs less than rendering a "loading" page and then laying the page out again.
 */
export function primedLoadsSettled(maxWaitMs: number): Promise<void> {
  const pending = [...primed.values()].filter((e) => !e.settled).map((e) => e.promise.catch(() => undefined));
  if (pending.length === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs);
    void Promise.all(pending).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
