// Cancellation (kill = StopTask with a reason; stopped or missing tasks handled) and re-adoption
// after a worker restart (ListTasks by startedBy, DescribeTasks).

import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InfrastructureNotAvailableError, InfrastructureNotFoundError } from "../../../../packages/worker/src/errors.js";
import { describeTask, eventually, makeJob, POOL, render, runJob, startWorld, taskArnOf, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

async function startLongRun(infra = w.infrastructure(), variables: Record<string, unknown> = {}) {
  const { configuration, flowRun } = render({ variables: { command: "sh -c 'sleep 60'", ...variables } });
  const job = makeJob(configuration, flowRun);
  const result = infra.run(job.job);
  const pid = await eventually(() => job.started[0], "the task to start");
  await eventually(async () => ((await describeTask(w.ecs, taskArnOf(pid))).lastStatus === "RUNNING" ? true : undefined), "RUNNING");
  return { infra, job, result, pid, configuration, flowRun };
}

describe("kill", () => {
  it("stops the task with a reason, and run() then reports its end as the worker's own stop", async () => {
    const { infra, result, pid, configuration } = await startLongRun();
    await infra.kill(pid, configuration, 30);
    const end = await result;
    const task = await describeTask(w.ecs, taskArnOf(pid));
    expect(task.lastStatus).toBe("STOPPED");
    expect(task.stoppedReason).toBe("Stopped by ecsflow: the flow run was cancelled.");
    expect(end.exitCode).toBe(143);
    expect(end.explanation).not.toContain("from outside");
  });

  it("accepts a task that has already stopped", async () => {
    const infra = w.infrastructure();
    const r = await runJob(infra);
    await expect(infra.kill(r.started[0], r.job.configuration, 30)).resolves.toBeUndefined();
  });

  it("throws InfrastructureNotFoundError for a task ECS does not know, with only the id (the worker passes {} for runs it does not track)", async () => {
    const infra = w.infrastructure();
    const pid = "default::arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef";
    await expect(infra.kill(pid, {}, 30)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
    await expect(infra.kill("no-such-cluster::arn:aws:ecs:us-east-1:000000000000:task/no-such-cluster/0123456789abcdef0123456789abcdef", {}, 30)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
  });

  it("throws InfrastructureNotAvailableError for an id that is not an ECS task's", async () => {
    await expect(w.infrastructure().kill("my-host:12345", {}, 30)).rejects.toBeInstanceOf(InfrastructureNotAvailableError);
  });
});

describe("re-adoption after a restart", () => {
  it("lists the pool's started tasks with their flow runs, and adopts one by its id", async () => {
    const before = await startLongRun();
    // The worker process "dies": its watcher stops; the task runs on.
    await before.infra.teardown();
    const restarted = w.infrastructure();
    const listed = await restarted.listStarted(POOL, before.configuration);
    expect(listed).toContainEqual({ flowRunId: before.flowRun.id, infrastructurePid: before.pid, running: true, attempt: 0 });
    const job = makeJob(before.configuration, before.flowRun);
    const adopted = restarted.adopt(job.job, before.pid);
    await w.ecs.send(new StopTaskCommand({ task: taskArnOf(before.pid), reason: "done testing" }));
    const end = await adopted;
    expect(end.exitCode).toBe(143);
    expect(end.reason).toContain("done testing");
    // The id was known: adopt does not record it again.
    expect(job.started).toEqual([]);
  });

  it("finds the task of a run whose id was never recorded, and records it", async () => {
    const before = await startLongRun(undefined, { command: "sh -c 'sleep 1'" });
    await before.infra.teardown();
    const restarted = w.infrastructure();
    const job = makeJob(before.configuration, before.flowRun);
    const end = await restarted.adopt(job.job, null);
    expect(job.started).toEqual([before.pid]);
    expect(end.exitCode).toBe(0);
  });

  it("throws InfrastructureNotFoundError when no task was started for the run, or the recorded one is gone", async () => {
    const restarted = w.infrastructure();
    const { configuration, flowRun } = render();
    await expect(restarted.adopt(makeJob(configuration, flowRun).job, null)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
    await expect(restarted.adopt(makeJob(configuration, flowRun).job, "default::arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef")).rejects.toBeInstanceOf(
      InfrastructureNotFoundError,
    );
  });

  it("a restarted worker re-submitting the same attempt gets the same task, never a duplicate", async () => {
    const before = await startLongRun(undefined, { command: "sh -c 'sleep 1'" });
    await before.infra.teardown();
    const job = makeJob(before.configuration, before.flowRun);
    const end = await w.infrastructure().run(job.job);
    expect(job.started).toEqual([before.pid]);
    expect(end.exitCode).toBe(0);
    expect(w.ecsLocal.admin.counters().tasksByClientToken[`${before.flowRun.id}:0`]).toBe(1);
  });
});
