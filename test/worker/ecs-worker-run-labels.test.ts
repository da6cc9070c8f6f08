// What ECS chose for a run's task — the task definition revision and the launch type (with the
// capacity provider, when a strategy picked one) — recorded by the ECS worker as the run's labels
// beside its infrastructure id, from RunTask's answer (real server, real Worker, ecs-local over HTTP).

import { DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInfrastructureId } from "../../packages/worker/src/infrastructure/ecs/infrastructure-id.js";
import { CAPACITY_PROVIDER_LABEL, LAUNCH_TYPE_LABEL, TASK_DEFINITION_LABEL } from "../../packages/worker/src/infrastructure/ecs/task-run-labels.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "./ecs-worker-fixture.js";

let bed: EcsWorkerBed;
beforeAll(async () => {
  bed = await startEcsWorkerBed();
});
afterAll(async () => {
  await bed?.close();
});

const completed = async (id: string) => {
  const run = await bed.readRun(id);
  return ["COMPLETED", "CRASHED", "CANCELLED", "FAILED"].includes(run.state_type ?? "") ? run : undefined;
};

async function runOne(pool: string, jobVariables: Record<string, unknown>) {
  await bed.pool(pool);
  const dep = await bed.deployment(pool, { command: "sh -c 'echo hi'", ...jobVariables });
  const [id] = await bed.runs(dep, 1);
  await bed.worker(pool, { runOnce: true }).run();
  const run = await until("a final state", () => completed(id));
  expect(run.state_type).toBe("COMPLETED");
  // What ECS itself says about the task, to compare the labels with.
  const { cluster, taskArn } = parseInfrastructureId(run.infrastructure_pid!);
  const [task] = (await bed.world.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks ?? [];
  expect(task?.taskArn).toBe(taskArn);
  return { id, run, task };
}

describe("ECS worker: the task's definition and launch type on the run", () => {
  it("records the task definition revision ECS ran and the launch type (FARGATE, the template's default)", async () => {
    const { id, run, task } = await runOne("labels-fargate", {});
    const labels = run.labels as Record<string, string>;
    expect(labels[TASK_DEFINITION_LABEL]).toBe(task.taskDefinitionArn);
    expect(labels[TASK_DEFINITION_LABEL]).toMatch(/^arn:aws:ecs:[\w-]+:\d+:task-definition\/[\w-]+:\d+$/);
    expect(labels[LAUNCH_TYPE_LABEL]).toBe("FARGATE");
    expect(labels[CAPACITY_PROVIDER_LABEL]).toBeUndefined();
    const revision = labels[TASK_DEFINITION_LABEL].slice(labels[TASK_DEFINITION_LABEL].lastIndexOf("/") + 1);
    const logs = await until("the launch in the run's logs", async () => {
      const lines = await bed.logsOf(id);
      return lines.some((l) => l.startsWith("Created ECS task")) ? lines : undefined;
    });
    expect(logs).toContain(`Created ECS task ${task.taskArn} (task definition ${revision}, FARGATE)`);
  });

  it("records the capacity provider a strategy chose (FARGATE_SPOT), with launch type FARGATE as ECS reports it", async () => {
    const { run } = await runOne("labels-spot", { launch_type: "FARGATE_SPOT" });
    const labels = run.labels as Record<string, string>;
    expect(labels[LAUNCH_TYPE_LABEL]).toBe("FARGATE");
    expect(labels[CAPACITY_PROVIDER_LABEL]).toBe("FARGATE_SPOT");
    expect(labels[TASK_DEFINITION_LABEL]).toMatch(/:task-definition\/[\w-]+:\d+$/);
  });

  it("records EC2 for a run on the EC2 launch type", async () => {
    const { run, task } = await runOne("labels-ec2", { launch_type: "EC2" });
    const labels = run.labels as Record<string, string>;
    expect(labels[LAUNCH_TYPE_LABEL]).toBe("EC2");
    expect(labels[TASK_DEFINITION_LABEL]).toBe(task.taskDefinitionArn);
  });
});
