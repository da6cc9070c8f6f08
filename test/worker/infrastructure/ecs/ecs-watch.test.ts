// The shared watcher: batched DescribeTasks until STOPPED, the orchestration container's exit code,
// task_start_timeout_seconds, and plain-language explanations of why a task stopped.

import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeTask, eventually, fakeFlowRun, makeJob, render, runJob, startWorld, taskArnOf, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

describe("the exit code of the orchestration container", () => {
  it("is 0 for a command that succeeds", async () => {
    const r = await runJob(w.infrastructure());
    expect(r.result.exitCode).toBe(0);
    expect(r.result.reason).toContain("EssentialContainerExited");
  });

  it("is the command's own for one that fails, explained", async () => {
    const r = await runJob(w.infrastructure(), { variables: { command: "sh -c 'exit 3'" } });
    expect(r.result.exitCode).toBe(3);
    expect(r.result.explanation).toContain("Exit code 3");
  });

  it("is 137 for a killed container, explained as most often out of memory", async () => {
    const r = await runJob(w.infrastructure(), { variables: { command: "sh -c 'kill -9 $$'" } });
    expect(r.result.exitCode).toBe(137);
    expect(r.result.explanation).toContain("out of memory");
  });

  it("is the orchestration container's, when a sidecar exits first", async () => {
    const r = await runJob(w.infrastructure(), {
      variables: { launch_type: "EC2", command: "sh -c 'sleep 30'" },
      templateOverrides: {
        task_definition: {
          containerDefinitions: [
            { name: "prefect", image: "busybox" },
            { name: "sidecar", image: "busybox", essential: true, memory: 64, command: ["sh", "-c", "sleep 0.3; exit 5"] },
          ],
        },
      },
    });
    expect(r.result.exitCode).toBe(143);
    expect(r.result.explanation).toContain('The essential container "sidecar" exited first (code 5)');
  });
});

describe("tasks that never start", () => {
  it("explains CannotPullContainerError: the image, the registry permissions, the network", async () => {
    w.ecsLocal.admin.setFaults([{ kind: "cannot-pull-container", count: 1 }]);
    try {
      const r = await runJob(w.infrastructure(), { variables: { image: "registry.example.com/team/app:missing" } });
      expect(r.result.exitCode).toBeNull();
      expect(r.result.reason).toContain("TaskFailedToStart");
      expect(r.result.explanation).toContain('ECS could not pull the image "registry.example.com/team/app:missing"');
      expect(r.result.explanation).toContain("ecr:BatchGetImage");
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });

  it("explains ResourceInitializationError: logs:CreateLogGroup, secrets, iam:PassRole", async () => {
    w.ecsLocal.admin.setFaults([{ kind: "task-failed-to-start", count: 1 }]);
    try {
      const r = await runJob(w.infrastructure());
      expect(r.result.exitCode).toBeNull();
      expect(r.result.explanation).toContain("logs:CreateLogGroup");
      expect(r.result.explanation).toContain("iam:PassRole");
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });

  it("explains a command the image does not have (CannotStartContainerError)", async () => {
    const r = await runJob(w.infrastructure(), { variables: { command: "no-such-program-ecsflow --flag" } });
    expect(r.result.exitCode).toBeNull();
    expect(r.result.explanation).toContain("CannotStartContainerError");
    expect(r.result.explanation).toContain("`command` job variable");
  });

  it("stops a task still PROVISIONING after task_start_timeout_seconds, with a reason, and explains it", async () => {
    // 20 s in PROVISIONING (ecs-local then takes a tenth of that to deprovision).
    w.ecsLocal.admin.setSettings({ provisioningDelayMs: { min: 20_000, max: 20_000 }, timeFactor: 1 });
    try {
      const r = await runJob(w.infrastructure(), { variables: { task_start_timeout_seconds: 1, task_watch_poll_interval: 0.2 } });
      expect(r.result.exitCode).toBeNull();
      expect(r.result.explanation).toContain("did not reach RUNNING within task_start_timeout_seconds (1 s)");
      const task = await describeTask(w.ecs, r.taskArn);
      expect(task.stopCode).toBe("UserInitiated");
      expect(task.stoppedReason).toContain("did not start within 1 s");
      expect(r.output.map((o) => o.line).join("\n")).toContain("did not start within task_start_timeout_seconds (1 s");
    } finally {
      w.ecsLocal.admin.setSettings({ provisioningDelayMs: { min: 0, max: 0 }, timeFactor: 0.01 });
    }
  });
});

describe("a task stopped from outside", () => {
  it("ends with the stop reason, explained as a StopTask the worker did not send", async () => {
    const infra = w.infrastructure();
    const { configuration, flowRun } = render({ variables: { command: "sh -c 'sleep 30'" } });
    const job = makeJob(configuration, flowRun);
    const running = infra.run(job.job);
    const taskArn = await eventually(() => (job.started[0] ? taskArnOf(job.started[0]) : undefined), "the task to start");
    await eventually(async () => ((await describeTask(w.ecs, taskArn)).lastStatus === "RUNNING" ? true : undefined), "RUNNING");
    await w.ecs.send(new StopTaskCommand({ task: taskArn, reason: "maintenance window" }));
    const result = await running;
    expect(result.exitCode).toBe(143);
    expect(result.reason).toContain("maintenance window");
    expect(result.explanation).toContain('stopped from outside the worker (StopTask: "maintenance window")');
    expect(result.interrupted).toBe(true);
  });

  it("is interrupted, not a success, when the command exits 0 on SIGTERM", async () => {
    const infra = w.infrastructure();
    // A shell that traps SIGTERM and exits 0, as well-behaved containers do.
    const { configuration, flowRun } = render({ variables: { command: `sh -c 'trap "exit 0" TERM; sleep 30 & wait'` } });
    const job = makeJob(configuration, flowRun);
    const running = infra.run(job.job);
    const taskArn = await eventually(() => (job.started[0] ? taskArnOf(job.started[0]) : undefined), "the task to start");
    await eventually(async () => ((await describeTask(w.ecs, taskArn)).lastStatus === "RUNNING" ? true : undefined), "RUNNING");
    await w.ecs.send(new StopTaskCommand({ task: taskArn, reason: "scaled in by an operator" }));
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(result.interrupted).toBe(true);
    expect(result.reason).toContain("scaled in by an operator");
    expect(result.explanation).toContain("stopped from outside the worker");
    expect(result.explanation).toContain("exited 0 on the stop signal");
  });
});

describe("onRunning", () => {
  it("is called once when the task reaches RUNNING, before the run ends", async () => {
    const infra = w.infrastructure();
    const { configuration, flowRun } = render({ variables: { command: "sh -c 'sleep 1'" } });
    const record = makeJob(configuration, flowRun);
    const events: string[] = [];
    record.job.onRunning = () => events.push("running");
    const result = await infra.run(record.job);
    events.push("ended");
    expect(result.exitCode).toBe(0);
    expect(events).toEqual(["running", "ended"]);
  });

  it("is called for a task that ran between two looks (first seen STOPPED), and never for one that did not start", async () => {
    const infra = w.infrastructure({ watcher: { firstCheckMs: 1_000, minRoundGapMs: 20, missingAfterMs: 1_000, stopWaitMs: 10_000 } });
    const { configuration, flowRun } = render({ variables: { command: "true" } });
    const quick = makeJob(configuration, flowRun);
    let calls = 0;
    quick.job.onRunning = () => calls++;
    expect((await infra.run(quick.job)).exitCode).toBe(0);
    expect(calls).toBe(1);

    w.ecsLocal.admin.setFaults([{ kind: "cannot-pull-container", operation: "RunTask", count: 1 }]);
    try {
      const failed = render({ variables: { command: "true" } });
      const job = makeJob(failed.configuration, failed.flowRun);
      let failedCalls = 0;
      job.job.onRunning = () => failedCalls++;
      const result = await infra.run(job.job);
      expect(result.explanation).toContain("CannotPullContainerError");
      expect(failedCalls).toBe(0);
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });
});

describe("one watcher for all tasks", () => {
  it("describes many tasks per DescribeTasks call (at most 100 each, as ECS requires)", async () => {
    const infra = w.infrastructure();
    const deployment = fakeFlowRun();
    const runs = await Promise.all(
      Array.from({ length: 120 }, () => runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id }, variables: { command: "sh -c 'sleep 0.5'", task_watch_poll_interval: 0.5 } })),
    );
    expect(runs.every((r) => r.result.exitCode === 0)).toBe(true);
    const { calls, tasksDescribed } = infra.watcher.stats;
    // Fewer calls than tasks seen: the watcher batched them (ECS refuses more than 100 per call, so none had more).
    expect(tasksDescribed / calls).toBeGreaterThan(5);
    expect(infra.watcher.size).toBe(0);
  });
});
