// RunTask: idempotent per flow-run attempt (clientToken), startedBy, the infrastructure id,
// capacity failures and throttling retried within a budget, and errors that say what to fix.

import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubmissionError } from "../../../../packages/worker/src/errors.js";
import { isRetryableFailure } from "../../../../packages/worker/src/infrastructure/ecs/run-task.js";
import { callsOf, describeTask, fakeFlowRun, LogCapture, makeJob, render, runJob, runTaskRequestOf, startWorld, taskArnOf, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const tokensOf = (flowRunId: string) => Object.entries(w.ecsLocal.admin.counters().tasksByClientToken).filter(([token]) => token.startsWith(flowRunId));
const FAST_FAILURES = { failures: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10, budgetMs: 10_000 } };

describe("idempotency per attempt", () => {
  it("uses <flow run id>:<attempt> as the client token: the same attempt submitted twice gets one task", async () => {
    const infra = w.infrastructure();
    const flowRun = fakeFlowRun({ run_count: 0 });
    const { configuration } = render({ flowRun, variables: { command: "sh -c 'sleep 0.5'" } });
    const a = makeJob(configuration, flowRun);
    const b = makeJob(configuration, flowRun);
    const [ra, rb] = await Promise.all([infra.run(a.job), infra.run(b.job)]);
    expect(a.started[0]).toBe(b.started[0]);
    expect(ra.exitCode).toBe(0);
    expect(rb.exitCode).toBe(0);
    expect(tokensOf(flowRun.id)).toEqual([[`${flowRun.id}:0`, 1]]);
  });

  it("starts a new task for a retried run (a new attempt)", async () => {
    const infra = w.infrastructure();
    const flowRun = fakeFlowRun({ run_count: 1 });
    const first = await runJob(infra, { flowRun });
    const retried = await runJob(infra, { flowRun: { ...flowRun, run_count: 2 } });
    expect(retried.taskArn).not.toBe(first.taskArn);
    expect(tokensOf(flowRun.id).sort()).toEqual([
      [`${flowRun.id}:1`, 1],
      [`${flowRun.id}:2`, 1],
    ]);
  });

  it("gets the attempt's task back from a restarted worker, even when it has finished meanwhile", async () => {
    const flowRun = fakeFlowRun({ state: { timestamp: new Date(Date.now() - 60_000).toISOString() } as never });
    const first = await runJob(w.infrastructure(), { flowRun });
    const again = await runJob(w.infrastructure(), { flowRun });
    expect(again.taskArn).toBe(first.taskArn);
    expect(again.result.exitCode).toBe(0);
    expect(tokensOf(flowRun.id)).toHaveLength(1);
  });

  it("starts afresh when the run was rescheduled after the attempt's task had stopped (run_count unchanged)", async () => {
    const flowRun = fakeFlowRun();
    const first = await runJob(w.infrastructure(), { flowRun, variables: { command: "sh -c 'exit 3'" } });
    expect(first.result.exitCode).toBe(3);
    const rescheduled = { ...flowRun, state: { timestamp: new Date(Date.now() + 1_000).toISOString() } as never };
    const second = await runJob(w.infrastructure(), { flowRun: rescheduled, variables: { command: "sh -c 'exit 3'" } });
    expect(second.taskArn).not.toBe(first.taskArn);
    expect(tokensOf(flowRun.id).map(([t]) => t).sort()).toEqual([`${flowRun.id}:0`, `${flowRun.id}:0:1`]);
  });

  it("finds the attempt's task when another worker submitted it with other parameters (ConflictException)", async () => {
    const flowRun = fakeFlowRun();
    const one = render({ flowRun, variables: { command: "sh -c 'sleep 0.5'" } });
    const two = render({ flowRun, variables: { command: "sh -c 'sleep 0.5'", labels: { worker: "another" } } });
    const a = makeJob(one.configuration, flowRun);
    const b = makeJob(two.configuration, flowRun);
    const first = w.infrastructure().run(a.job);
    await new Promise((r) => setTimeout(r, 50));
    const second = await w.infrastructure().run(b.job);
    await first;
    expect(b.started[0]).toBe(a.started[0]);
    expect(second.exitCode).toBe(0);
    expect(w.ecsLocal.admin.counters().errors.ConflictException).toBeGreaterThanOrEqual(1);
  });
});

describe("the request", () => {
  it("says who started the task: startedBy = ecsflow/<pool>, in RunTask's charset and length", async () => {
    const capture = new LogCapture("debug");
    const r = await runJob(w.infrastructure(), { logger: capture.logger });
    expect((await describeTask(w.ecs, r.taskArn)).startedBy).toBe("ecsflow/test-pool");
    const long = await runJob(w.infrastructure(), { flowRun: fakeFlowRun({ work_pool_name: `my pool ${"x".repeat(200)}` }) });
    const startedBy = (await describeTask(w.ecs, long.taskArn)).startedBy!;
    expect(startedBy).toMatch(/^ecsflow\/my-pool-x+$/);
    expect(startedBy.length).toBe(128);
    expect(runTaskRequestOf(capture).count).toBe(1);
  });

  it("names the infrastructure <cluster>::<taskArn>, with the cluster as configured", async () => {
    await w.ecs.send(new CreateClusterCommand({ clusterName: "second-cluster" }));
    const r = await runJob(w.infrastructure(), { variables: { cluster: "second-cluster" } });
    expect(r.started[0]).toBe(`second-cluster::${r.taskArn}`);
    expect((await describeTask(w.ecs, r.taskArn, "second-cluster")).clusterArn).toMatch(/cluster\/second-cluster$/);
  });

  it("explains a cluster that does not exist", async () => {
    const { configuration, flowRun } = render({ variables: { cluster: "no-such-cluster" } });
    const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionError);
    expect((error as Error).message).toContain('The ECS cluster "no-such-cluster" was not found');
  });

  it("refuses overrides over ECS's 8,192 characters before calling RunTask", async () => {
    const before = callsOf(w, "ecs:RunTask");
    const env = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`VARIABLE_${i}`, "x".repeat(80)]));
    const { configuration, flowRun } = render({ variables: { env } });
    const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
    expect((error as Error).message).toContain("ECS accepts at most 8192");
    expect(callsOf(w, "ecs:RunTask")).toBe(before);
  });
});

describe("capacity failures and throttling", () => {
  it("retries RESOURCE:MEMORY, then fails with the reason and the fix", async () => {
    w.ecsLocal.admin.setSettings({ capacity: { cpu: 4096, memory: 1024 } });
    try {
      const infra = w.infrastructure({ runTaskPolicy: FAST_FAILURES });
      const flowRun = fakeFlowRun();
      const { configuration } = render({ flowRun, variables: { launch_type: "EC2", memory: 2048 } });
      const before = callsOf(w, "ecs:RunTask");
      const error = await infra.run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubmissionError);
      expect((error as Error).message).toContain("after 3 attempts: RESOURCE:MEMORY");
      expect((error as Error).message).toContain("lower the `memory` job variable");
      expect(callsOf(w, "ecs:RunTask") - before).toBe(3);
      // Each retry under a new token (ECS remembers a token's failure), none of which launched a task.
      expect(tokensOf(flowRun.id).sort()).toEqual([
        [`${flowRun.id}:0`, 0],
        [`${flowRun.id}:0:1`, 0],
        [`${flowRun.id}:0:2`, 0],
      ]);
    } finally {
      w.ecsLocal.admin.setSettings({ capacity: null as never });
    }
  });

  it("starts the task once capacity frees up", async () => {
    w.ecsLocal.admin.setSettings({ capacity: { cpu: 4096, memory: 2048 } });
    try {
      const infra = w.infrastructure({ runTaskPolicy: { failures: { maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 200, budgetMs: 60_000 } } });
      const hog = runJob(infra, { variables: { launch_type: "EC2", memory: 2048, command: "sh -c 'sleep 1'" } });
      const waiting = runJob(infra, { variables: { launch_type: "EC2", memory: 2048 } });
      const [a, b] = await Promise.all([hog, waiting]);
      expect(a.result.exitCode).toBe(0);
      expect(b.result.exitCode).toBe(0);
    } finally {
      w.ecsLocal.admin.setSettings({ capacity: null as never });
    }
  });

  it("retries only failures that may change (capacity), not ATTRIBUTE or MISSING", () => {
    // ecs-local produces only RESOURCE:* failures, so the rule itself is checked here.
    expect(["RESOURCE:MEMORY", "RESOURCE:CPU", "AGENT", "Capacity is unavailable at this time. Please try again later or in a different availability zone"].every(isRetryableFailure)).toBe(true);
    expect(["ATTRIBUTE", "MISSING", "something else"].some(isRetryableFailure)).toBe(false);
  });

  it("retries throttled RunTask calls with the same token and launches once", async () => {
    w.ecsLocal.admin.setFaults([{ kind: "throttle", operation: "RunTask", count: 3 }]);
    try {
      const before = callsOf(w, "ecs:RunTask");
      const r = await runJob(w.infrastructure({ runTaskPolicy: { throttling: { maxAttempts: Infinity, baseDelayMs: 5, maxDelayMs: 20, budgetMs: 30_000 } } }));
      expect(r.result.exitCode).toBe(0);
      expect(callsOf(w, "ecs:RunTask") - before).toBe(4);
      expect(tokensOf(r.job.flowRun.id)).toEqual([[`${r.job.flowRun.id}:0`, 1]]);
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });

  it("gives up when throttling outlasts the budget, saying which limit and what to do", async () => {
    w.ecsLocal.admin.setFaults([{ kind: "throttle", operation: "RunTask" }]);
    try {
      const infra = w.infrastructure({ runTaskPolicy: { throttling: { maxAttempts: Infinity, baseDelayMs: 5, maxDelayMs: 20, budgetMs: 300 } } });
      const { configuration, flowRun } = render();
      const error = await infra.run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubmissionError);
      expect((error as Error).message).toContain("RunTask or Fargate launch rate is exhausted");
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });

  it("launches 150 runs at once under AWS's limits, each exactly once, none lost to throttling", async () => {
    w.ecsLocal.admin.setLimits({ enabled: true, buckets: { fargateLaunches: { burst: 100, ratePerSecond: 20 }, runTaskStopTask: { burst: 100, ratePerSecond: 40 }, describeTasks: { burst: 100, ratePerSecond: 20 } } });
    try {
      const infra = w.infrastructure();
      const deployment = fakeFlowRun();
      const runs = await Promise.all(Array.from({ length: 150 }, () => runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id } })));
      expect(runs.filter((r) => r.result.exitCode === 0)).toHaveLength(150);
      const launched = runs.map((r) => tokensOf(r.job.flowRun.id));
      expect(launched.every((t) => t.length === 1 && t[0][1] === 1)).toBe(true);
    } finally {
      w.ecsLocal.admin.setLimits({ enabled: false });
    }
  });
});

it("keeps the task's ARN in the infrastructure id even when the run fails afterwards", async () => {
  const r = await runJob(w.infrastructure(), { variables: { command: "sh -c 'exit 1'" } });
  expect(taskArnOf(r.started[0])).toBe(r.taskArn);
  expect(r.result.exitCode).toBe(1);
});
