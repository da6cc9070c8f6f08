// A run's cost from its ECS task: the worker reports what DescribeTasks said about the stopped
// task, the server prices it. The expected cost is worked out here from the task's own
// timestamps, cpu and memory (real server, real Worker, ecs-local over HTTP).

import { DescribeContainerInstancesCommand, DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EC2_PRICES, FARGATE_PRICES } from "../../packages/server/src/cost/prices.js";
import { parseInfrastructureId } from "../../packages/worker/src/infrastructure/ecs/infrastructure-id.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "./ecs-worker-fixture.js";

let bed: EcsWorkerBed;
beforeAll(async () => {
  bed = await startEcsWorkerBed();
});
afterAll(async () => {
  await bed?.close();
});

describe("ECS worker: the run's cost", () => {
  it.each([
    ["cost-fargate", {}, false],
    ["cost-spot", { launch_type: "FARGATE_SPOT" }, true],
  ] as const)("prices a completed run on pool %s from its task's launch type, cpu, memory and timestamps", async (pool, jobVariables, spot) => {
    await bed.pool(pool);
    const dep = await bed.deployment(pool, { command: "sh -c 'echo hi'", ...jobVariables });
    const [id] = await bed.runs(dep, 1);
    await bed.worker(pool, { runOnce: true }).run();
    const run = await until("COMPLETED", async () => ((await bed.readRun(id)).state_type === "COMPLETED" ? bed.readRun(id) : undefined));
    const { cluster, taskArn } = parseInfrastructureId(run.infrastructure_pid!);
    const [task] = (await bed.world.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks ?? [];
    expect(task.launchType).toBe("FARGATE");
    expect(task.cpu && task.memory && task.stoppedAt && task.startedAt).toBeTruthy();
    const cost = await bed.server.request("GET", `/ecsflow/flow_runs/${id}/cost`);
    expect(cost.status).toBe(200);

    const region = taskArn.split(":")[3];
    const prices = FARGATE_PRICES[region];
    const rate = spot ? prices.spot!.x86_64! : prices.x86_64;
    const from = (task.pullStartedAt ?? task.startedAt)!.getTime();
    const seconds = Math.max(60, Math.ceil((task.stoppedAt!.getTime() - from) / 1000));
    const expected = (seconds / 3600) * ((Number(task.cpu) / 1024) * rate.vcpuHour + (Number(task.memory) / 1024) * rate.gbHour);
    expect(cost.body).toMatchObject({
      flow_run_id: id,
      launch_type: "FARGATE",
      capacity_provider: spot ? "FARGATE_SPOT" : null,
      region,
      cpu: Number(task.cpu),
      memory: Number(task.memory),
      billed_seconds: seconds,
    });
    expect(cost.body.cost_usd).toBeCloseTo(expected, 12);
    expect(cost.body.pricing).toContain("https://aws.amazon.com/fargate/pricing/");

    const byPool = (await bed.server.request("GET", "/ecsflow/costs?group_by=work_pool")).body as { key: string; runs: number; cost_usd: number }[];
    expect(byPool.find((r) => r.key === pool)).toMatchObject({ runs: 1, priced_runs: 1 });
    expect(byPool.find((r) => r.key === pool)!.cost_usd).toBeCloseTo(expected, 12);
    const byDeployment = (await bed.server.request("GET", "/ecsflow/costs?group_by=deployment")).body as { key: string; cost_usd: number }[];
    expect(byDeployment.find((r) => r.key === dep)!.cost_usd).toBeCloseTo(expected, 12);
  });

  it("prices a run on the EC2 launch type as its share of the container instance: task cpu and memory over what the instance registered, times the type's hourly price", async () => {
    await bed.pool("cost-ec2");
    const dep = await bed.deployment("cost-ec2", { command: "sh -c 'echo hi'", launch_type: "EC2", cpu: 512, memory: 1920 });
    const [id] = await bed.runs(dep, 1);
    await bed.worker("cost-ec2", { runOnce: true }).run();
    const run = await until("COMPLETED", async () => ((await bed.readRun(id)).state_type === "COMPLETED" ? bed.readRun(id) : undefined));
    const { cluster, taskArn } = parseInfrastructureId(run.infrastructure_pid!);
    const [task] = (await bed.world.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks ?? [];
    expect(task.launchType).toBe("EC2");
    expect(task.containerInstanceArn).toBeTruthy();
    const [instance] = (await bed.world.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [task.containerInstanceArn!] }))).containerInstances ?? [];
    const instanceType = instance.attributes!.find((a) => a.name === "ecs.instance-type")!.value!;
    const registeredCpu = instance.registeredResources!.find((r) => r.name === "CPU")!.integerValue!;
    const registeredMemory = instance.registeredResources!.find((r) => r.name === "MEMORY")!.integerValue!;
    expect([instanceType, registeredCpu, registeredMemory]).toEqual(["m5.large", 2048, 7680]);

    const region = taskArn.split(":")[3];
    const hourly = EC2_PRICES[region][instanceType].hourly;
    const seconds = (task.stoppedAt!.getTime() - task.startedAt!.getTime()) / 1000;
    // 512/2048 cpu = 25 %, 1920/7680 MiB = 25 %: a quarter of the instance for as long as it ran.
    const share = (512 / registeredCpu + 1920 / registeredMemory) / 2;
    expect(share).toBe(0.25);
    const cost = await bed.server.request("GET", `/ecsflow/flow_runs/${id}/cost`);
    expect(cost.status).toBe(200);
    expect(cost.body).toMatchObject({ launch_type: "EC2", instance_type: "m5.large", cpu: 512, memory: 1920, region });
    expect(cost.body.billed_seconds).toBeCloseTo(seconds, 6);
    expect(cost.body.cost_usd).toBeCloseTo((seconds / 3600) * hourly * share, 12);
    expect(cost.body.pricing).toContain("512/2048 cpu units, 1920/7680 MiB registered");
  });
});
