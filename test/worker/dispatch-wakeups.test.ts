import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunEvent } from "../../packages/schemas/src/index.js";
import { DispatchWakeups } from "../../packages/worker/src/dispatch-wakeups.js";

const NOW = Date.parse("2026-11-29T08:00:00.000Z");
const event = (over: Partial<RunEvent>): RunEvent => ({
  kind: "flow_run",
  id: "r",
  flow_run_id: "r",
  state_type: "SCHEDULED",
  state_name: "Scheduled",
  work_pool_name: "p",
  work_queue_name: "default",
  deployment_id: null,
  scheduled_time: new Date(NOW).toISOString(),
  occurred: new Date(NOW).toISOString(),
  ...over,
});

describe("DispatchWakeups (pure logic, fake clock)", () => {
  let due: number;
  let cancelling: number;
  let wakeups: DispatchWakeups;
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
    due = 0;
    cancelling = 0;
    wakeups = new DispatchWakeups({ prefetchSeconds: 10, onDue: () => due++, onCancelling: () => cancelling++ });
  });
  afterEach(() => {
    wakeups.close();
    vi.useRealTimers();
  });

  it("polls at once for a run that is due, or due within the prefetch", () => {
    wakeups.handle(event({}));
    wakeups.handle(event({ scheduled_time: new Date(NOW + 10_000).toISOString() }));
    expect(due).toBe(2);
  });

  it("arms a timer for each later run, at its time minus the prefetch, earliest first", () => {
    wakeups.handle(event({ scheduled_time: new Date(NOW + 60_000).toISOString() }));
    wakeups.handle(event({ scheduled_time: new Date(NOW + 30_000).toISOString() }));
    wakeups.handle(event({ scheduled_time: new Date(NOW + 90_000).toISOString() }));
    expect(due).toBe(0);
    vi.advanceTimersByTime(19_999);
    expect(due).toBe(0);
    vi.advanceTimersByTime(10);
    expect(due).toBe(1);
    vi.advanceTimersByTime(30_000);
    expect(due).toBe(2);
    vi.advanceTimersByTime(30_000);
    expect(due).toBe(3);
    vi.advanceTimersByTime(600_000);
    expect(due).toBe(3);
  });

  it("checks cancellations for CANCELLING, polls when a run finished (a slot freed), ignores the rest", () => {
    wakeups.handle(event({ state_type: "CANCELLING" }));
    wakeups.handle(event({ state_type: "COMPLETED" }));
    wakeups.handle(event({ state_type: "CRASHED" }));
    wakeups.handle(event({ state_type: "RUNNING" }));
    wakeups.handle(event({ state_type: "PENDING" }));
    wakeups.handle(event({ kind: "task_run", state_type: "SCHEDULED" }));
    expect({ due, cancelling }).toEqual({ due: 2, cancelling: 1 });
  });

  it("treats a SCHEDULED event without a time as due now", () => {
    wakeups.handle(event({ scheduled_time: null }));
    expect(due).toBe(1);
  });
});
