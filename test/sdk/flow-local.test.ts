import { describe, expect, it } from "vitest";
import { flow, getRunLogger, task } from "../../packages/sdk/src/index.js";
import { resultData } from "../../packages/sdk/src/result-data.js";
import { retryDelaySeconds } from "../../packages/sdk/src/retry-delay.js";
import { sessionFromSettings } from "../../packages/sdk/src/api-session.js";

describe("flows without an API", () => {
  it("run locally with retries when no API URL is set", async () => {
    const saved = { a: process.env.ECSFLOW_API_URL, b: process.env.PREFECT_API_URL };
    delete process.env.ECSFLOW_API_URL;
    delete process.env.PREFECT_API_URL;
    try {
      expect(sessionFromSettings()).toBeUndefined();
      let n = 0;
      const t = task({ name: "t", retries: 1 }, async () => {
        if (++n === 1) throw new Error("first");
        return 41;
      });
      const f = flow({ name: "local" }, async () => {
        getRunLogger().info("local log line");
        return (await t()) + 1;
      });
      expect(await f()).toBe(42);
      expect(n).toBe(2);
    } finally {
      if (saved.a !== undefined) process.env.ECSFLOW_API_URL = saved.a;
      if (saved.b !== undefined) process.env.PREFECT_API_URL = saved.b;
    }
  });
});

describe("retry delays and results", () => {
  it("picks the delay per retry, repeating the last, with jitter up to the factor", () => {
    expect(retryDelaySeconds(2, 3)).toBe(2);
    expect(retryDelaySeconds([1, 5], 1)).toBe(1);
    expect(retryDelaySeconds([1, 5], 4)).toBe(5);
    expect(retryDelaySeconds(undefined, 1)).toBe(0);
    expect(retryDelaySeconds(10, 1, 0.5, () => 1)).toBe(15);
  });

  it("keeps JSON up to 64 KiB and summarises the rest", () => {
    expect(resultData({ a: 1 })).toEqual({ a: 1 });
    expect(resultData(undefined)).toBeNull();
    expect(resultData(new Array(70_000).fill(1))).toMatchObject({ truncated: true, summary: expect.stringMatching(/array of 70000 items/) });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(resultData(cyclic)).toMatchObject({ truncated: true });
  });
});
