import { DescribeContainerInstancesCommand, DescribeTasksCommand, ECSClient, ListContainerInstancesCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startFixture, type Fixture } from "./ecs-local-fixture.js";

let f: Fixture;
let ecs: ECSClient;
beforeAll(async () => {
  f = await startFixture({ containerInstance: { instanceType: "c6i.large", cpu: 2048, memory: 3600 } });
  ecs = new ECSClient(f.config);
});
afterAll(async () => {
  ecs?.destroy();
  await f?.handle.close();
});

const resource = (list: { name?: string; integerValue?: number }[] | undefined, name: string) => list?.find((r) => r.name === name)?.integerValue;

describe("ecs-local container instances (EC2 launch type)", () => {
  it("describes the cluster's instance with its type and registered resources, and what running EC2 tasks leave of them", async () => {
    const [arn] = (await ecs.send(new ListContainerInstancesCommand({}))).containerInstanceArns ?? [];
    expect(arn).toMatch(/^arn:aws:ecs:[a-z0-9-]+:\d{12}:container-instance\/default\/[0-9a-f]{32}$/);
    const idle = (await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: [arn] }))).containerInstances![0];
    expect(idle.attributes?.find((a) => a.name === "ecs.instance-type")?.value).toBe("c6i.large");
    expect([resource(idle.registeredResources, "CPU"), resource(idle.registeredResources, "MEMORY")]).toEqual([2048, 3600]);
    expect([resource(idle.remainingResources, "CPU"), resource(idle.remainingResources, "MEMORY")]).toEqual([2048, 3600]);
    expect(idle).toMatchObject({ status: "ACTIVE", agentConnected: true, runningTasksCount: 0 });

    await ecs.send(new RegisterTaskDefinitionCommand({ family: "ci-ec2", cpu: "512", memory: "1000", containerDefinitions: [{ name: "main", image: "busybox", command: ["sh", "-c", "sleep 30"] }] }));
    const task = (await ecs.send(new RunTaskCommand({ taskDefinition: "ci-ec2", launchType: "EC2" }))).tasks![0];
    expect(task.containerInstanceArn).toBe(arn);
    await eventually(async () => ((await ecs.send(new DescribeTasksCommand({ tasks: [task.taskArn!] }))).tasks![0].lastStatus === "RUNNING" ? true : undefined), "RUNNING");
    // By id as well as by ARN; an unknown one is a MISSING failure, as on AWS.
    const busy = await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: [arn.split("/").pop()!, "0123456789abcdef0123456789abcdef"] }));
    expect([resource(busy.containerInstances![0].remainingResources, "CPU"), resource(busy.containerInstances![0].remainingResources, "MEMORY")]).toEqual([1536, 2600]);
    expect(busy.containerInstances![0].runningTasksCount).toBe(1);
    expect(busy.failures).toEqual([{ arn: expect.stringContaining("container-instance/default/0123456789abcdef0123456789abcdef"), reason: "MISSING" }]);
    await ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  });

  it("refuses an empty list and a list of more than 100", async () => {
    await expect(ecs.send(new DescribeContainerInstancesCommand({ containerInstances: [] }))).rejects.toMatchObject({ name: "InvalidParameterException" });
    await expect(ecs.send(new DescribeContainerInstancesCommand({ containerInstances: Array.from({ length: 101 }, (_, i) => `id${i}`) }))).rejects.toMatchObject({ name: "InvalidParameterException" });
  });
});
