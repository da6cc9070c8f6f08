// The ECS worker end to end (real server, real Worker, ecs-local over HTTP): how runs end when ECS
// cannot start their task, and when someone stops the task from outside the worker.

import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskArnOf } from "./infrastructure/ecs/ecs-fixture.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "./ecs-worker-fixture.js";

let bed: EcsWorkerBed;
beforeAll(async () => {
  bed = await startEcsWorkerBed();
});
afterAll(async () => {
  await bed?.close();
});

const final = async (id: string) => {
  const run = await bed.readRun(id);
  return ["COMPLETED", "CRASHED", "CANCELLED", "FAILED"].includes(run.state_type ?? "") ? run : undefined;
};

describe("ECS worker: tasks that fail to start", () => {
  it("ends a run whose image cannot be pulled CRASHED, with the explanation in its state message and logs", async () => {
    await bed.pool("faults-pull");
    const dep = await bed.deployment("faults-pull", { command: "sh -c 'echo never'", image: "no-such-registry.example/nope:1" });
    bed.world.ecsLocal.admin.setFaults([{ kind: "cannot-pull-container", operation: "RunTask", count: 1 }]);
    try {
      const [id] = await bed.runs(dep, 1);
      await bed.worker("faults-pull", { runOnce: true }).run();
      const run = await until("a final state", () => final(id));
      expect(run.state_type).toBe("CRASHED");
      expect(run.state?.message).toContain("CannotPullContainerError");
      expect(run.state?.message).toContain('ECS could not pull the image "no-such-registry.example/nope:1"');
      expect(bed.world.ecsLocal.admin.counters().faultsInjected["cannot-pull-container"]).toBe(1);
      const logs = await until("the explanation in the run's logs", async () => {
        const lines = await bed.logsOf(id);
        return lines.some((l) => l.includes("CannotPullContainerError")) ? lines : undefined;
      });
      expect(logs.join("\n")).toContain("Check that the image name and tag exist");
    } finally {
      bed.world.ecsLocal.admin.setFaults([]);
    }
  });

  it("ends a run whose task fails to start (TaskFailedToStart) CRASHED, saying so", async () => {
    await bed.pool("faults-start");
    const dep = await bed.deployment("faults-start", { command: "sh -c 'echo never'" });
    bed.world.ecsLocal.admin.setFaults([{ kind: "task-failed-to-start", operation: "RunTask", count: 1 }]);
    try {
      const [id] = await bed.runs(dep, 1);
      await bed.worker("faults-start", { runOnce: true }).run();
      const run = await until("a final state", () => final(id));
      expect(run.state_type).toBe("CRASHED");
      expect(run.state?.message).toMatch(/TaskFailedToStart|failed to start/);
    } finally {
      bed.world.ecsLocal.admin.setFaults([]);
    }
  });
});

describe("ECS worker: a task stopped from outside", () => {
  async function startAndStopFromOutside(pool: string, command: string) {
    await bed.pool(pool);
    const dep = await bed.deployment(pool, { command });
    const [id] = await bed.runs(dep, 1);
    const worker = bed.worker(pool);
    const loop = worker.run();
    const pid = await until("the task id recorded", async () => (await bed.readRun(id)).infrastructure_pid ?? undefined);
    const taskArn = taskArnOf(pid);
    await until("the task RUNNING", async () => bed.world.ecsLocal.admin.task(taskArn)?.lastStatus === "RUNNING");
    await bed.world.ecs.send(new StopTaskCommand({ task: taskArn, reason: "stopped by an operator" }));
    const run = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    return { id, run };
  }

  it("ends the run CRASHED with the reason explained (the command died of SIGTERM)", async () => {
    const { id, run } = await startAndStopFromOutside("outside-stop", "sh -c 'sleep 60'");
    expect(run.state_type).toBe("CRASHED");
    expect(run.state?.message).toContain("stopped by an operator");
    expect(run.state?.message).toContain("stopped from outside the worker");
    expect((await bed.logsOf(id)).join("\n")).toContain("stopped from outside the worker");
  });

  it("ends the run CRASHED, not COMPLETED, when the command exits 0 on SIGTERM", async () => {
    const { run } = await startAndStopFromOutside("outside-stop-0", `sh -c 'trap "exit 0" TERM; sleep 60 & wait'`);
    expect(run.state_type).toBe("CRASHED");
    expect(run.state?.message).toContain("stopped by an operator");
    expect(run.state?.message).toContain("exited 0 on the stop signal");
  });

  it("ends the run CANCELLED when the stop follows a cancellation request", async () => {
    await bed.pool("outside-cancel");
    const dep = await bed.deployment("outside-cancel", { command: "sh -c 'sleep 60'" });
    const [id] = await bed.runs(dep, 1);
    const worker = bed.worker("outside-cancel");
    const loop = worker.run();
    const pid = await until("the task id recorded", async () => (await bed.readRun(id)).infrastructure_pid ?? undefined);
    await until("the task RUNNING", async () => bed.world.ecsLocal.admin.task(taskArnOf(pid))?.lastStatus === "RUNNING");
    expect((await bed.client.setFlowRunState(id, { type: "CANCELLING", name: "Cancelling" })).status).toBe("ACCEPT");
    const run = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    expect(run.state_type).toBe("CANCELLED");
    expect(bed.world.ecsLocal.admin.task(taskArnOf(pid))?.stoppedReason).toBe("Stopped by ecsflow: the flow run was cancelled.");
  });
});
