import { describe, expect, it } from "vitest";
import { workPoolStatus } from "../../packages/server/src/models/work-pools/status.js";
import { workQueueStatus } from "../../packages/server/src/models/work-queues/status.js";
import { workerStatus } from "../../packages/server/src/models/workers/status.js";

// Pure functions of explicit timestamps: no clock, no sleeps.
const now = Date.parse("2026-03-01T12:00:00.000Z");
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe("worker status", () => {
  it("is ONLINE up to and including 3 × the interval, OFFLINE after", () => {
    expect(workerStatus(ago(0), 10, now)).toBe("ONLINE");
    expect(workerStatus(ago(30), 10, now)).toBe("ONLINE");
    expect(workerStatus(ago(30.001), 10, now)).toBe("OFFLINE");
  });

  it("assumes a 30 s interval when the worker gave none", () => {
    expect(workerStatus(ago(90), null, now)).toBe("ONLINE");
    expect(workerStatus(ago(90.5), null, now)).toBe("OFFLINE");
  });

  it("counts a heartbeat from the future (clock skew) as ONLINE", () => {
    expect(workerStatus(ago(-5), 30, now)).toBe("ONLINE");
  });
});

describe("work queue status", () => {
  it("is PAUSED whenever paused, whatever the last poll", () => {
    expect(workQueueStatus(true, ago(1), now)).toBe("PAUSED");
    expect(workQueueStatus(true, null, now)).toBe("PAUSED");
  });

  it("is READY when polled within 60 s, NOT_READY before or never", () => {
    expect(workQueueStatus(false, ago(60), now)).toBe("READY");
    expect(workQueueStatus(false, ago(60.001), now)).toBe("NOT_READY");
    expect(workQueueStatus(false, null, now)).toBe("NOT_READY");
  });
});

describe("work pool status", () => {
  it("is PAUSED when paused, READY with an online worker, NOT_READY without", () => {
    expect(workPoolStatus("ecs", true, true)).toBe("PAUSED");
    expect(workPoolStatus("ecs", false, true)).toBe("READY");
    expect(workPoolStatus("ecs", false, false)).toBe("NOT_READY");
  });

  it("is null for Prefect's agent pools", () => {
    expect(workPoolStatus("prefect-agent", true, true)).toBeNull();
  });
});
