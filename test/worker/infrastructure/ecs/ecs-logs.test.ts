// The orchestration container's CloudWatch log stream in the run's logs: streamed with
// stream_output (a shared GetLogEvents budget), or the last lines backfilled once for a crashed run.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeFlowRun, runJob, startWorld, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const EXEC_ROLE = "arn:aws:iam::000000000000:role/exec";
const stdout = (r: { output: { line: string; stream: string }[] }) => r.output.filter((o) => o.stream === "stdout").map((o) => o.line);

describe("stream_output", () => {
  it("forwards every line the container writes, in order, before the run's result", async () => {
    const r = await runJob(w.infrastructure(), {
      variables: { stream_output: true, execution_role_arn: EXEC_ROLE, command: "sh -c 'for i in 1 2 3 4 5; do echo line $i; sleep 0.1; done; echo to stderr >&2'" },
    });
    expect(r.result.exitCode).toBe(0);
    expect(stdout(r)).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5", "to stderr"]);
  });

  it("forwards the lines of a task that started and stopped between two looks", async () => {
    const r = await runJob(w.infrastructure({ watcher: { firstCheckMs: 2_000 } }), {
      variables: { stream_output: true, configure_cloudwatch_logs: true, execution_role_arn: EXEC_ROLE, command: "sh -c 'echo quick'" },
    });
    expect(stdout(r)).toEqual(["quick"]);
  });

  it("shares one GetLogEvents budget between runs", async () => {
    const infra = w.infrastructure({ budgets: { getLogEvents: { burst: 2, ratePerSecond: 20 } } });
    const deployment = fakeFlowRun();
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id }, variables: { stream_output: true, execution_role_arn: EXEC_ROLE, command: `sh -c 'echo run ${i}; sleep 0.5; echo done ${i}'` } }),
      ),
    );
    runs.forEach((r, i) => expect(stdout(r)).toEqual([`run ${i}`, `done ${i}`]));
    expect(infra.budget.calls.GetLogEventsCommand).toBe(infra.logStreamer.stats.calls);
    expect(infra.budget.throttles.GetLogEventsCommand ?? 0).toBe(0);
  });

  it("says so when the container does not log to CloudWatch", async () => {
    const r = await runJob(w.infrastructure(), { variables: { stream_output: true, configure_cloudwatch_logs: false } });
    expect(r.result.exitCode).toBe(0);
    expect(stdout(r)).toEqual([]);
  });
});

describe("without stream_output", () => {
  it("backfills the last lines once for a crashed run", async () => {
    const infra = w.infrastructure({ backfillLines: 3 });
    const r = await runJob(infra, {
      variables: { configure_cloudwatch_logs: true, execution_role_arn: EXEC_ROLE, command: "sh -c 'for i in 1 2 3 4 5; do echo line $i; done; echo Traceback: boom >&2; exit 1'" },
    });
    expect(r.result.exitCode).toBe(1);
    expect(stdout(r)).toEqual(["line 4", "line 5", "Traceback: boom"]);
    expect(r.output.find((o) => o.stream === "infrastructure" && o.line.startsWith("The last 3 lines of the task's CloudWatch log stream prefect/"))).toBeDefined();
    expect(infra.logStreamer.stats.calls).toBe(1);
  });

  it("reads nothing for a run that succeeded", async () => {
    const infra = w.infrastructure();
    const r = await runJob(infra, { variables: { configure_cloudwatch_logs: true, execution_role_arn: EXEC_ROLE } });
    expect(r.result.exitCode).toBe(0);
    expect(stdout(r)).toEqual([]);
    expect(infra.logStreamer.stats.calls).toBe(0);
  });
});
