// The client-side token buckets, on a fake clock: burst, sustained rate, throttling feedback.

import { describe, expect, it } from "vitest";
import { RateBudget, TokenBucket } from "../../../../packages/worker/src/infrastructure/ecs/rate-budget.js";
import { backoffDelayMs } from "../../../../packages/worker/src/infrastructure/ecs/retry-with-backoff.js";

function bucket(burst: number, ratePerSecond: number) {
  const clock = { now: 0 };
  return { clock, b: new TokenBucket("test", { burst, ratePerSecond }, () => clock.now) };
}

describe("TokenBucket", () => {
  it("grants its burst at once, then one token per interval, in arrival order", () => {
    const { b } = bucket(3, 10);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(b.delayMs());
      void b.take();
    }
    expect(delays.map((d) => Math.round(d))).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it("refills with time", () => {
    const { b, clock } = bucket(2, 1);
    void b.take();
    void b.take();
    expect(Math.round(b.delayMs())).toBe(1000);
    clock.now = 1000;
    expect(b.delayMs()).toBe(0);
  });

  it("lowers its rate by a fifth per second of throttling (never below a quarter) and wins it back on success", () => {
    const { b, clock } = bucket(1, 20);
    b.onThrottled();
    expect(b.currentRatePerSecond).toBe(16);
    // More throttles of calls already in flight, within the second: one signal.
    b.onThrottled();
    expect(b.currentRatePerSecond).toBe(16);
    for (let i = 1; i <= 10; i++) {
      clock.now = i * 1000;
      b.onThrottled();
    }
    expect(b.currentRatePerSecond).toBe(5);
    for (let i = 0; i < 100; i++) b.onSuccess();
    expect(b.currentRatePerSecond).toBe(20);
    expect(b.throttled).toBe(12);
  });
});

describe("RateBudget", () => {
  it("maps operations to buckets; RunTask on Fargate also takes a Fargate launch token", () => {
    const budget = new RateBudget();
    expect(budget.bucketsFor("RunTaskCommand", { launchType: "FARGATE" }).map((b) => b.name)).toEqual(["runTask", "fargateLaunch"]);
    expect(budget.bucketsFor("RunTaskCommand", { capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT" }] }).map((b) => b.name)).toEqual(["runTask", "fargateLaunch"]);
    expect(budget.bucketsFor("RunTaskCommand", { launchType: "EC2" }).map((b) => b.name)).toEqual(["runTask"]);
    expect(budget.bucketsFor("DescribeTasksCommand", {}).map((b) => b.name)).toEqual(["describeTasks"]);
    expect(budget.bucketsFor("RegisterTaskDefinitionCommand", {}).map((b) => b.name)).toEqual(["registerTaskDefinition"]);
    expect(budget.bucketsFor("GetCallerIdentityCommand", {})).toEqual([]);
  });
});

describe("backoff", () => {
  it("doubles up to its cap, with jitter between half and all of it", () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 60_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
