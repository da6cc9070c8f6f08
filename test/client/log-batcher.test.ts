import { describe, expect, it } from "vitest";
import { LogBatcher } from "../../packages/client/src/index.js";
import type { LogCreate } from "../../packages/client/src/index.js";

const log = (i: number): LogCreate => ({ name: "t", level: 20, message: `line ${i}`, timestamp: new Date(0).toISOString() });

describe("LogBatcher", () => {
  it("sends full batches at once and the rest on close, in order", async () => {
    const batches: string[][] = [];
    const b = new LogBatcher({ send: async (logs) => void batches.push(logs.map((l) => l.message)), maxBatchSize: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) b.add(log(i));
    await b.close();
    expect(batches.flat()).toEqual(Array.from({ length: 7 }, (_, i) => `line ${i}`));
    expect(batches[0]).toEqual(["line 0", "line 1", "line 2"]);
    expect(b.sent).toBe(7);
  });

  it("flushes on its interval without a full batch", async () => {
    const sent: number[] = [];
    const b = new LogBatcher({ send: async (logs) => void sent.push(logs.length), flushIntervalMs: 10 });
    b.add(log(1));
    b.add(log(2));
    while (sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(sent).toEqual([2]);
    await b.close();
  });

  it("keeps failed batches, in order, and delivers them once sending works again", async () => {
    let fail = true;
    const delivered: string[] = [];
    const errors: unknown[] = [];
    const b = new LogBatcher({
      send: async (logs) => {
        if (fail) throw new Error("API down");
        delivered.push(...logs.map((l) => l.message));
      },
      maxBatchSize: 2,
      flushIntervalMs: 60_000,
      onError: (e) => errors.push(e),
    });
    b.add(log(0));
    b.add(log(1));
    await b.flush();
    b.add(log(2));
    await b.flush();
    expect(delivered).toEqual([]);
    expect(b.pendingCount).toBe(3);
    fail = false;
    await b.close();
    expect(delivered).toEqual(["line 0", "line 1", "line 2"]);
    expect(errors.length).toBeGreaterThan(0);
  });

  it("bounds memory by dropping the oldest logs and counting them", async () => {
    const b = new LogBatcher({ send: async () => Promise.reject(new Error("down")), maxBatchSize: 1000, maxPending: 5, flushIntervalMs: 60_000 });
    for (let i = 0; i < 12; i++) b.add(log(i));
    expect(b.pendingCount).toBe(5);
    expect(b.dropped).toBe(7);
    await b.close();
    b.add(log(99));
    expect(b.pendingCount).toBe(5);
  });
});
