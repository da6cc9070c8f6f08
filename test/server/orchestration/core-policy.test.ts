import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { State, StateType } from "../../../packages/schemas/src/index.js";
import type { DB, FlowRunTable, TaskRunTable } from "../../../packages/server/src/database/index.js";
import { newId } from "../../../packages/server/src/ids.js";
import {
  CopyScheduledTime,
  CORE_FLOW_POLICY,
  CORE_TASK_POLICY,
  PreventDuplicateTransitions,
  PreventPendingTransitions,
  UpdateFlowRunTrackerOnTasks,
  WaitForScheduledTime,
} from "../../../packages/server/src/orchestration/core-policy.js";
import { applyPolicy, type OrchestrationRule } from "../../../packages/server/src/orchestration/orchestration-rule.js";
import { completeStateDetails, proposedStateFrom } from "../../../packages/server/src/orchestration/proposed-state.js";
import { TransitionContext, type ProposedState, type RunKind } from "../../../packages/server/src/orchestration/transition-context.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/test-database.js";

const NOW = Date.parse("2026-01-01T12:00:00.000Z");
const iso = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toISOString().replace("Z", "000Z");

function state(type: StateType, details: Partial<State["state_details"]> = {}, name?: string): State {
  return { id: newId(), type, name: name ?? type[0] + type.slice(1).toLowerCase(), timestamp: iso(-60), message: null, data: null, state_details: completeStateDetails(details) };
}

function proposal(type: StateType, details: Partial<State["state_details"]> = {}, name?: string): ProposedState {
  return proposedStateFrom({ type, name, state_details: details }, NOW);
}

function runRow(kind: RunKind, current: State | null, extra: Record<string, unknown> = {}) {
  const base = { id: newId(), state_id: current?.id ?? null, state: current ? JSON.stringify(current) : null, run_count: 0, empirical_policy: "{}", ...extra };
  return base as unknown as FlowRunTable | TaskRunTable;
}

function context(current: State | null, proposed: ProposedState, kind: RunKind = "flow_run", db?: Kysely<DB>, extra: Record<string, unknown> = {}) {
  return new TransitionContext(kind, runRow(kind, current, extra), current, proposed, NOW, db as Kysely<DB>);
}

/** Applies one rule the way the policy does (only on the transitions it governs). */
async function decide(rule: OrchestrationRule, current: State | null, proposed: ProposedState, kind: RunKind = "flow_run") {
  const ctx = context(current, proposed, kind);
  await applyPolicy([rule], ctx);
  return ctx;
}

describe("PreventPendingTransitions (the claim)", () => {
  const cases: { from: StateType; name?: string; proposedName?: string; status: string }[] = [
    { from: "PENDING", status: "ABORT" },
    { from: "RUNNING", status: "ABORT" },
    { from: "CANCELLING", status: "ABORT" },
    { from: "CANCELLED", status: "ABORT" },
    { from: "SCHEDULED", status: "ACCEPT" },
    // A stale poll must not relaunch a finished run (Prefect accepts these).
    { from: "COMPLETED", status: "ABORT" },
    { from: "FAILED", status: "ABORT" },
    { from: "CRASHED", status: "ABORT" },
    { from: "PAUSED", status: "ACCEPT" },
    { from: "PENDING", proposedName: "Submitting", status: "ACCEPT" },
    { from: "PENDING", name: "Submitting", proposedName: "Submitting", status: "ABORT" },
    { from: "PENDING", name: "Submitting", proposedName: "Pending", status: "ABORT" },
  ];
  it.each(cases)("$from ($name) → PENDING ($proposedName): $status", async ({ from, name, proposedName, status }) => {
    const ctx = await decide(PreventPendingTransitions, state(from, {}, name), proposal("PENDING", {}, proposedName));
    expect(ctx.status).toBe(status);
    if (status === "ABORT") {
      expect(ctx.proposedState).toBeNull();
      expect(ctx.details).toEqual({ type: "abort_details", reason: `This run is in a ${from} state and cannot transition to a PENDING state.` });
    } else {
      expect(ctx.proposedState?.type).toBe("PENDING");
    }
  });

  it("carries the scheduled time forward into a named PENDING sub-state", async () => {
    const ctx = await decide(PreventPendingTransitions, state("PENDING", { scheduled_time: iso(-5) }), proposal("PENDING", {}, "Submitting"));
    expect(ctx.proposedState?.state_details.scheduled_time).toBe(iso(-5));
  });

  it("does not govern a run without a state", async () => {
    expect((await decide(PreventPendingTransitions, null, proposal("PENDING"))).status).toBe("ACCEPT");
  });
});

describe("CopyScheduledTime", () => {
  it.each([
    { title: "copies the scheduled time to the PENDING state", proposed: {}, expected: iso(30) },
    { title: "keeps a scheduled time the PENDING state names", proposed: { scheduled_time: iso(90) }, expected: iso(90) },
  ])("$title", async ({ proposed, expected }) => {
    const ctx = await decide(CopyScheduledTime, state("SCHEDULED", { scheduled_time: iso(30) }), proposal("PENDING", proposed));
    expect(ctx.status).toBe("ACCEPT");
    expect(ctx.proposedState?.state_details.scheduled_time).toBe(expected);
  });

  it("does not govern RUNNING → PENDING", async () => {
    const ctx = await decide(CopyScheduledTime, state("RUNNING", { scheduled_time: iso(30) }), proposal("PENDING"));
    expect(ctx.proposedState?.state_details.scheduled_time).toBeNull();
  });
});

describe("WaitForScheduledTime", () => {
  const cases: { from: StateType; scheduledIn: number | null; status: string; delay?: number }[] = [
    { from: "SCHEDULED", scheduledIn: 3600, status: "WAIT", delay: 3600 },
    { from: "PENDING", scheduledIn: 3600, status: "WAIT", delay: 3600 },
    { from: "SCHEDULED", scheduledIn: 10.6, status: "WAIT", delay: 11 },
    { from: "SCHEDULED", scheduledIn: 0.4, status: "ACCEPT" },
    { from: "SCHEDULED", scheduledIn: -30, status: "ACCEPT" },
    { from: "PENDING", scheduledIn: null, status: "ACCEPT" },
  ];
  it.each(cases)("$from scheduled in $scheduledIn s → RUNNING: $status", async ({ from, scheduledIn, status, delay }) => {
    const details = scheduledIn === null ? {} : { scheduled_time: iso(scheduledIn) };
    const ctx = await decide(WaitForScheduledTime, state(from, details), proposal("RUNNING"));
    expect(ctx.status).toBe(status);
    if (status === "WAIT") {
      expect(ctx.proposedState).toBeNull();
      expect(ctx.details).toEqual({ type: "wait_details", delay_seconds: delay, reason: "Scheduled time is in the future" });
    }
  });

  it("does not delay a PENDING proposal for a future run", async () => {
    const ctx = await decide(WaitForScheduledTime, state("SCHEDULED", { scheduled_time: iso(3600) }), proposal("PENDING"));
    expect(ctx.status).toBe("ACCEPT");
  });
});

describe("PreventDuplicateTransitions", () => {
  const id = "0190a000-0000-7000-8000-000000000001";
  it.each([
    { title: "rejects a repeated transition id, keeping the current state", current: id, proposed: id, status: "REJECT" },
    { title: "accepts a new transition id", current: id, proposed: "0190a000-0000-7000-8000-000000000002", status: "ACCEPT" },
    { title: "accepts without transition ids", current: null, proposed: null, status: "ACCEPT" },
  ])("$title", async ({ current, proposed, status }) => {
    const ctx = await decide(PreventDuplicateTransitions, state("RUNNING", { transition_id: current }), proposal("COMPLETED", { transition_id: proposed }));
    expect(ctx.status).toBe(status);
    if (status === "REJECT") {
      expect(ctx.proposedState).toBeNull();
      expect(ctx.details).toEqual({ type: "reject_details", reason: "This run has already made this state transition." });
    }
  });
});

describe("policies", () => {
  it("order the flow-run rules as Prefect does", () => {
    expect(CORE_FLOW_POLICY.map((r) => r.name)).toEqual([
      "PreventDuplicateTransitions",
      "HandleFlowTerminalStateTransitions",
      "EnforceCancellingToCancelledTransition",
      "BypassCancellingFlowRunsWithNoInfra",
      "PreventPendingTransitions",
      "SecureFlowConcurrencySlots",
      "EnsureOnlyScheduledFlowsMarkedLate",
      "HandlePausingFlows",
      "HandleResumingPausedFlows",
      "CopyScheduledTime",
      "WaitForScheduledTime",
      "RetryFailedFlows",
    ]);
    expect(CORE_TASK_POLICY.map((r) => r.name)).toEqual([
      "CacheRetrieval",
      "HandleTaskTerminalStateTransitions",
      "SecureTaskConcurrencySlots",
      "CopyScheduledTime",
      "WaitForScheduledTime",
      "RetryFailedTasks",
      "RenameReruns",
      "UpdateFlowRunTrackerOnTasks",
      "CacheInsertion",
    ]);
  });

  it("does not claim task runs: PENDING → PENDING is allowed for them", async () => {
    const ctx = context(state("PENDING"), proposal("PENDING"), "task_run");
    await applyPolicy(CORE_TASK_POLICY, ctx);
    expect(ctx.status).toBe("ACCEPT");
  });

  it("stops applying rules once one has aborted", async () => {
    const seen: string[] = [];
    const spy: OrchestrationRule = { name: "Spy", fromStates: ["PENDING"], toStates: ["PENDING"], beforeTransition: () => void seen.push("spy") };
    const ctx = context(state("PENDING"), proposal("PENDING"));
    await applyPolicy([PreventPendingTransitions, spy], ctx);
    expect(ctx.status).toBe("ABORT");
    expect(seen).toEqual([]);
  });

  it("keeps applying rules after a rename, which does not change the type", async () => {
    const seen: string[] = [];
    const rename: OrchestrationRule = { name: "Rename", fromStates: ["SCHEDULED"], toStates: ["PENDING"], beforeTransition: (c) => c.rename("Submitting") };
    const spy: OrchestrationRule = { name: "Spy", fromStates: ["SCHEDULED"], toStates: ["PENDING"], beforeTransition: (c) => void seen.push(c.proposedState!.name) };
    const ctx = context(state("SCHEDULED"), proposal("PENDING"));
    await applyPolicy([rename, spy], ctx);
    expect(seen).toEqual(["Submitting"]);
  });

  it("refuses to reject the first transition of a run without naming a replacement state", () => {
    const ctx = context(null, proposal("PENDING"));
    expect(() => ctx.reject(null, "no")).toThrow(/without a state/);
  });
});

describe.each(ENGINES)("UpdateFlowRunTrackerOnTasks on $engine", ({ engine, available, skipReason }) => {
  let tdb: TestDatabase;
  const flowRunId = newId();
  beforeAll(async () => {
    if (!available) return;
    tdb = await createTestDatabase(engine);
    const now = iso(0);
    await tdb.db.insertInto("flow").values({ id: "f", created: now, updated: now, name: "f", tags: "[]", labels: "{}" }).execute();
    // Only the columns the rule reads; the rest take their defaults.
    await tdb.db.insertInto("flow_run").values({ id: flowRunId, created: now, updated: now, name: "r", flow_id: "f", run_count: 3 } as never).execute();
  });
  afterAll(async () => tdb?.destroy());

  const cases = [
    { title: "records the flow run's attempt when a task starts running", flowRun: "present", status: "ACCEPT", count: 3 },
    { title: "aborts when the task's flow run is gone", flowRun: "missing", status: "ABORT", count: undefined },
    { title: "does nothing for a task run outside a flow run", flowRun: "none", status: "ACCEPT", count: undefined },
  ];
  it.skipIf(!available).each(cases)(`$title ${skipReason}`, async ({ flowRun, status, count }) => {
    const parent = flowRun === "present" ? flowRunId : flowRun === "missing" ? newId() : null;
    const ctx = context(state("PENDING"), proposal("RUNNING"), "task_run", tdb.db, { flow_run_id: parent });
    await applyPolicy([UpdateFlowRunTrackerOnTasks], ctx);
    expect(ctx.status).toBe(status);
    expect(ctx.runUpdates.flow_run_run_count).toBe(count);
  });
});
