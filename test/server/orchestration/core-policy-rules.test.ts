import { describe, expect, it } from "vitest";
import type { StateType } from "../../../packages/schemas/src/index.js";
import { BypassCancellingFlowRunsWithNoInfra, EnforceCancellingToCancelledTransition } from "../../../packages/server/src/orchestration/cancellation-rules.js";
import { CORE_FLOW_POLICY } from "../../../packages/server/src/orchestration/core-policy.js";
import { applyPolicy } from "../../../packages/server/src/orchestration/orchestration-rule.js";
import { EnsureOnlyScheduledFlowsMarkedLate, HandlePausingFlows, HandleResumingPausedFlows } from "../../../packages/server/src/orchestration/pause-rules.js";
import { RenameReruns, RetryFailedFlows, RetryFailedTasks } from "../../../packages/server/src/orchestration/retry-rules.js";
import { HandleFlowTerminalStateTransitions, HandleTaskTerminalStateTransitions } from "../../../packages/server/src/orchestration/terminal-state-rules.js";
import { context, decide, iso, proposal, state } from "./rule-test-helpers.js";

describe.each([
  { rule: HandleFlowTerminalStateTransitions, kind: "flow_run" as const },
  { rule: HandleTaskTerminalStateTransitions, kind: "task_run" as const },
])("$rule.name", ({ rule, kind }) => {
  const cases: { from: StateType; to: StateType; data?: unknown; status: string; resetsRunCount?: boolean }[] = [
    { from: "COMPLETED", to: "CRASHED", status: "ABORT" },
    { from: "FAILED", to: "CANCELLING", status: "ABORT" },
    { from: "CANCELLED", to: "PAUSED", status: "ABORT" },
    { from: "CRASHED", to: "CRASHED", status: "ABORT" },
    { from: "COMPLETED", to: "SCHEDULED", data: { type: "reference", storage_key: "k" }, status: "REJECT" },
    { from: "COMPLETED", to: "SCHEDULED", data: { type: "unpersisted" }, status: "ACCEPT", resetsRunCount: true },
    { from: "COMPLETED", to: "SCHEDULED", status: "ACCEPT", resetsRunCount: true },
    { from: "FAILED", to: "SCHEDULED", status: "ACCEPT", resetsRunCount: true },
    { from: "CRASHED", to: "RUNNING", status: "ACCEPT", resetsRunCount: true },
    { from: "FAILED", to: "COMPLETED", status: "ACCEPT", resetsRunCount: false },
  ];
  it.each(cases)("$from → $to (data $data): $status", async ({ from, to, data, status, resetsRunCount }) => {
    const ctx = await decide(rule, state(from, {}, undefined, data ?? null), proposal(to), kind, { run_count: 2 });
    expect(ctx.status).toBe(status);
    if (status === "ABORT") expect(ctx.details).toEqual({ type: "abort_details", reason: `Run is already ${from}.` });
    if (status === "REJECT") {
      expect(ctx.proposedState).toBeNull();
      expect(ctx.details).toEqual({ type: "reject_details", reason: "This run is already completed." });
    }
    if (status === "ACCEPT") expect(ctx.runUpdates.run_count).toBe(resetsRunCount ? 0 : undefined);
  });

  it("does not govern transitions out of non-terminal states", async () => {
    const ctx = await decide(rule, state("RUNNING"), proposal("CRASHED"), kind, { run_count: 2 });
    expect(ctx.status).toBe("ACCEPT");
    expect(ctx.runUpdates).toEqual({});
  });
});

describe("HandleFlowTerminalStateTransitions (pauses)", () => {
  it("forgets the previous attempt's pause keys and resuming flag", async () => {
    const ctx = await decide(HandleFlowTerminalStateTransitions, state("FAILED"), proposal("SCHEDULED"), "flow_run", {
      empirical_policy: JSON.stringify({ retries: 1, resuming: true, pause_keys: ["a"] }),
    });
    expect(JSON.parse(ctx.runUpdates.empirical_policy as string)).toEqual({ retries: 1, resuming: false, pause_keys: [] });
  });
});

describe.each([
  { rule: RetryFailedFlows, kind: "flow_run" as const },
  { rule: RetryFailedTasks, kind: "task_run" as const },
])("$rule.name", ({ rule, kind }) => {
  const cases: { policy: Record<string, unknown>; runCount: number; status: string; delay?: number }[] = [
    { policy: {}, runCount: 1, status: "ACCEPT" },
    { policy: { retries: 0 }, runCount: 1, status: "ACCEPT" },
    { policy: { retries: 2, retry_delay: 10 }, runCount: 1, status: "REJECT", delay: 10 },
    { policy: { retries: 2, retry_delay: 10 }, runCount: 2, status: "REJECT", delay: 10 },
    { policy: { retries: 2, retry_delay: 10 }, runCount: 3, status: "ACCEPT" },
    { policy: { retries: 1 }, runCount: 1, status: "REJECT", delay: 0 },
  ];
  it.each(cases)("FAILED with $policy after attempt $runCount: $status", async ({ policy, runCount, status, delay }) => {
    const ctx = await decide(rule, state("RUNNING"), proposal("FAILED", {}, undefined, "boom"), kind, { run_count: runCount, empirical_policy: JSON.stringify(policy) });
    expect(ctx.status).toBe(status);
    if (status === "REJECT") {
      expect(ctx.details).toEqual({ type: "reject_details", reason: "Retrying" });
      expect(ctx.proposedState).toMatchObject({ type: "SCHEDULED", name: "AwaitingRetry", message: "boom" });
      expect(ctx.proposedState?.state_details.scheduled_time).toBe(iso(delay!));
    } else {
      expect(ctx.proposedState?.type).toBe("FAILED");
    }
  });

  it("does not govern a FAILED proposal from PENDING (the run never ran)", async () => {
    const ctx = await decide(rule, state("PENDING"), proposal("FAILED"), kind, { run_count: 0, empirical_policy: JSON.stringify({ retries: 3 }) });
    expect(ctx.proposedState?.type).toBe("FAILED");
  });
});

describe("RetryFailedTasks (task specifics)", () => {
  it.each([
    { runCount: 1, delay: 1 },
    { runCount: 2, delay: 5 },
    { runCount: 3, delay: 5 },
  ])("takes the retry delay of attempt $runCount from a list: $delay s", async ({ runCount, delay }) => {
    const ctx = await decide(RetryFailedTasks, state("RUNNING"), proposal("FAILED"), "task_run", { run_count: runCount, empirical_policy: JSON.stringify({ retries: 5, retry_delay: [1, 5] }) });
    expect(ctx.proposedState?.state_details.scheduled_time).toBe(iso(delay));
  });

  it("lets a state its retry condition marked not retriable fail", async () => {
    const ctx = await decide(RetryFailedTasks, state("RUNNING"), proposal("FAILED", { retriable: false }), "task_run", { run_count: 1, empirical_policy: JSON.stringify({ retries: 5 }) });
    expect(ctx.status).toBe("ACCEPT");
  });
});

describe("RenameReruns", () => {
  it.each([
    { runCount: 0, name: "Running" },
    { runCount: 1, name: "Retrying" },
  ])("a task run after $runCount attempts starts as $name", async ({ runCount, name }) => {
    const ctx = await decide(RenameReruns, state("SCHEDULED", {}, "AwaitingRetry"), proposal("RUNNING"), "task_run", { run_count: runCount });
    expect(ctx.proposedState?.name).toBe(name);
  });
});

describe("EnforceCancellingToCancelledTransition", () => {
  it.each<{ to: StateType; status: string }>([
    { to: "CANCELLED", status: "ACCEPT" },
    { to: "RUNNING", status: "REJECT" },
    { to: "COMPLETED", status: "REJECT" },
    { to: "FAILED", status: "REJECT" },
    { to: "SCHEDULED", status: "REJECT" },
    { to: "CRASHED", status: "REJECT" },
  ])("CANCELLING → $to: $status", async ({ to, status }) => {
    const ctx = await decide(EnforceCancellingToCancelledTransition, state("CANCELLING"), proposal(to));
    expect(ctx.status).toBe(status);
    if (status === "REJECT") {
      expect(ctx.proposedState).toBeNull();
      expect(ctx.details).toEqual({ type: "reject_details", reason: "Cannot transition flow runs that are cancelling to a state other than Cancelled." });
    }
  });
});

describe("BypassCancellingFlowRunsWithNoInfra", () => {
  it.each<{ from: StateType; pid: string | null; result: StateType; reason?: string }>([
    { from: "SCHEDULED", pid: null, result: "CANCELLED", reason: "Scheduled flow run has no infrastructure running." },
    { from: "PAUSED", pid: null, result: "CANCELLED", reason: "Paused flow run has no infrastructure running." },
    { from: "SCHEDULED", pid: "arn:task/1", result: "CANCELLING" },
    // A claimed run may be being launched right now: its worker must see CANCELLING to stop it.
    { from: "PENDING", pid: null, result: "CANCELLING" },
    { from: "RUNNING", pid: null, result: "CANCELLING" },
  ])("$from (pid $pid) → CANCELLING becomes $result", async ({ from, pid, result, reason }) => {
    const ctx = await decide(BypassCancellingFlowRunsWithNoInfra, state(from), proposal("CANCELLING"), "flow_run", { infrastructure_pid: pid });
    expect(ctx.proposedState?.type).toBe(result);
    if (reason) {
      expect(ctx.status).toBe("REJECT");
      expect(ctx.details).toEqual({ type: "reject_details", reason });
      expect(ctx.proposedState?.message).toBe(reason);
    }
  });
});

describe("HandlePausingFlows", () => {
  it.each([
    { title: "accepts a first pause and records its key", keys: [], key: "k1", deployment: null, reschedule: false, status: "ACCEPT", recorded: ["k1"] },
    { title: "rejects a pause whose key already fired", keys: ["k1"], key: "k1", deployment: null, reschedule: false, status: "REJECT" },
    { title: "rejects a rescheduling pause without a deployment", keys: [], key: "k2", deployment: null, reschedule: true, status: "REJECT" },
    { title: "accepts a rescheduling pause of a deployment's run", keys: [], key: "k2", deployment: "d", reschedule: true, status: "ACCEPT", recorded: ["k2"] },
  ])("$title", async ({ keys, key, deployment, reschedule, status, recorded }) => {
    const ctx = await decide(HandlePausingFlows, state("RUNNING"), proposal("PAUSED", { pause_key: key, pause_reschedule: reschedule }), "flow_run", {
      deployment_id: deployment,
      empirical_policy: JSON.stringify({ pause_keys: keys }),
    });
    expect(ctx.status).toBe(status);
    if (recorded) expect(JSON.parse(ctx.runUpdates.empirical_policy as string).pause_keys).toEqual(recorded);
  });
});

describe("HandleResumingPausedFlows", () => {
  it.each<{ to: StateType; timeout: number | null; result: StateType | null; status: string }>([
    { to: "RUNNING", timeout: 60, result: "RUNNING", status: "ACCEPT" },
    { to: "SCHEDULED", timeout: null, result: "SCHEDULED", status: "ACCEPT" },
    { to: "PENDING", timeout: null, result: null, status: "REJECT" },
    { to: "RUNNING", timeout: -60, result: "FAILED", status: "REJECT" },
    { to: "CANCELLED", timeout: -60, result: "CANCELLED", status: "ACCEPT" },
  ])("PAUSED (timeout in $timeout s) → $to: $status to $result", async ({ to, timeout, result, status }) => {
    const ctx = await decide(HandleResumingPausedFlows, state("PAUSED", { pause_timeout: timeout === null ? null : iso(timeout) }), proposal(to));
    expect(ctx.status).toBe(status);
    expect(ctx.proposedState?.type ?? null).toBe(result);
  });
});

describe("EnsureOnlyScheduledFlowsMarkedLate", () => {
  it.each<{ from: StateType; name: string; status: string }>([
    { from: "SCHEDULED", name: "Late", status: "ACCEPT" },
    { from: "PENDING", name: "Late", status: "REJECT" },
    { from: "RUNNING", name: "Late", status: "REJECT" },
    { from: "PENDING", name: "Scheduled", status: "ACCEPT" },
  ])("$from → SCHEDULED named $name: $status", async ({ from, name, status }) => {
    const ctx = await decide(EnsureOnlyScheduledFlowsMarkedLate, state(from), proposal("SCHEDULED", {}, name));
    expect(ctx.status).toBe(status);
  });
});

describe("the whole flow policy", () => {
  it.each<{ from: StateType; to: StateType; status: string; result: StateType | null }>([
    { from: "SCHEDULED", to: "PENDING", status: "ACCEPT", result: "PENDING" },
    { from: "PENDING", to: "RUNNING", status: "ACCEPT", result: "RUNNING" },
    { from: "RUNNING", to: "COMPLETED", status: "ACCEPT", result: "COMPLETED" },
    // The claim rule wins over a new attempt: finished runs are not relaunched by a stale poll.
    { from: "FAILED", to: "PENDING", status: "ABORT", result: null },
    { from: "COMPLETED", to: "CANCELLING", status: "ABORT", result: null },
    { from: "CANCELLING", to: "PENDING", status: "REJECT", result: null },
    { from: "SCHEDULED", to: "CANCELLING", status: "REJECT", result: "CANCELLED" },
  ])("$from → $to: $status", async ({ from, to, status, result }) => {
    const ctx = context(state(from, { scheduled_time: iso(-10) }), proposal(to));
    await applyPolicy(CORE_FLOW_POLICY, ctx);
    expect(ctx.status).toBe(status);
    expect(ctx.proposedState?.type ?? null).toBe(result);
  });
});
