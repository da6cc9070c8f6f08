import { describe, expect, it } from "vitest";
import type { State, StateType } from "../../../packages/schemas/src/index.js";
import type { FlowRunTable } from "../../../packages/server/src/database/index.js";
import { completeStateDetails } from "../../../packages/server/src/orchestration/proposed-state.js";
import { transitionColumns } from "../../../packages/server/src/orchestration/run-bookkeeping.js";

const T0 = "2026-01-01T12:00:00.000000Z";
const T1 = "2026-01-01T12:00:10.250000Z";

function state(type: StateType, timestamp: string, details: Partial<State["state_details"]> = {}): State {
  return { id: `${type}-${timestamp}`, type, name: type, timestamp, message: null, data: null, state_details: completeStateDetails(details) };
}

function run(fields: Partial<FlowRunTable> = {}): FlowRunTable {
  return {
    start_time: null,
    end_time: null,
    total_run_time: 0,
    expected_start_time: null,
    next_scheduled_start_time: null,
    run_count: 0,
    empirical_policy: "{}",
    ...fields,
  } as FlowRunTable;
}

describe("run bookkeeping on every written state", () => {
  it("records the new state on the run", () => {
    const next = state("PENDING", T1);
    const c = transitionColumns("flow_run", run({ expected_start_time: T0 }), state("SCHEDULED", T0), next);
    expect(c).toMatchObject({ state_id: next.id, state_type: "PENDING", state_name: "PENDING", state_timestamp: T1, updated: T1 });
    expect(JSON.parse(c.state as string)).toEqual(next);
  });

  const cases: { title: string; run: Partial<FlowRunTable>; from: State | null; to: State; expect: Record<string, unknown>; absent?: string[] }[] = [
    {
      title: "a SCHEDULED first state sets the expected and next scheduled start times",
      run: {},
      from: null,
      to: state("SCHEDULED", T0, { scheduled_time: "2026-01-01T13:00:00.000000Z" }),
      expect: { expected_start_time: "2026-01-01T13:00:00.000000Z", next_scheduled_start_time: "2026-01-01T13:00:00.000000Z" },
    },
    { title: "another first state expects the run now", run: {}, from: null, to: state("PENDING", T0), expect: { expected_start_time: T0 }, absent: ["next_scheduled_start_time"] },
    {
      title: "leaving SCHEDULED clears the next scheduled start time and keeps the expected one",
      run: { expected_start_time: T0, next_scheduled_start_time: T0 },
      from: state("SCHEDULED", T0),
      to: state("PENDING", T1),
      expect: { next_scheduled_start_time: null },
      absent: ["expected_start_time"],
    },
    { title: "entering RUNNING counts an attempt and starts the clock", run: { run_count: 1 }, from: state("PENDING", T0), to: state("RUNNING", T1), expect: { run_count: 2, start_time: T1 } },
    {
      title: "a second RUNNING keeps the first start time",
      run: { run_count: 1, start_time: T0 },
      from: state("SCHEDULED", T0),
      to: state("RUNNING", T1),
      expect: { run_count: 2 },
      absent: ["start_time"],
    },
    {
      title: "RUNNING → RUNNING is the same attempt (a worker showed RUNNING before the flow did)",
      run: { run_count: 1, start_time: T0 },
      from: state("RUNNING", T0),
      to: state("RUNNING", T1),
      expect: { state_type: "RUNNING" },
      absent: ["run_count", "start_time"],
    },
    {
      title: "leaving RUNNING adds the time spent running",
      run: { total_run_time: 5, start_time: T0 },
      from: state("RUNNING", T0),
      to: state("COMPLETED", T1),
      expect: { total_run_time: 15.25, end_time: T1 },
    },
    {
      title: "a terminal state without a start sets both start and end",
      run: {},
      from: state("PENDING", T0),
      to: state("FAILED", T1),
      expect: { start_time: T1, end_time: T1 },
    },
    {
      title: "leaving a terminal state clears the end time",
      run: { start_time: T0, end_time: T0 },
      from: state("COMPLETED", T0),
      to: state("RUNNING", T1),
      expect: { end_time: null },
    },
    {
      title: "a terminal state after a terminal one keeps the first end time",
      run: { start_time: T0, end_time: T0 },
      from: state("FAILED", T0),
      to: state("COMPLETED", T1),
      expect: {},
      absent: ["end_time", "start_time"],
    },
    {
      title: "resuming a paused run does not count an attempt and ends the resuming mark",
      run: { run_count: 1, empirical_policy: JSON.stringify({ resuming: true, retries: 2 }) },
      from: state("PAUSED", T0),
      to: state("RUNNING", T1),
      expect: { empirical_policy: JSON.stringify({ resuming: false, retries: 2 }) },
      absent: ["run_count"],
    },
  ];
  it.each(cases)("$title", ({ run: fields, from, to, expect: expected, absent }) => {
    const c = transitionColumns("flow_run", run(fields), from, to);
    expect(c).toMatchObject(expected);
    for (const key of absent ?? []) expect(c).not.toHaveProperty(key);
  });

  it("counts task run attempts too", () => {
    expect(transitionColumns("task_run", run({ run_count: 0 }), state("PENDING", T0), state("RUNNING", T1))).toMatchObject({ run_count: 1, start_time: T1 });
  });
});
