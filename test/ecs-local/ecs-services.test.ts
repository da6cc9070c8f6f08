import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type Service,
} from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectAnswersMatchModels, processExists, referenceAvailable, startFixture, type Fixture } from "./ecs-local-fixture.js";

let f: Fixture;
let ecs: ECSClient;

beforeAll(async () => {
  f = await startFixture();
  ecs = new ECSClient(f.config);
});

afterAll(async () => {
  await f?.handle.close();
  ecs?.destroy();
});

const shell = (script: string): ContainerDefinition => ({ name: "main", image: "busybox", command: ["sh", "-c", script], memory: 64 });

async function register(family: string, script: string) {
  return (await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [shell(script)] }))).taskDefinition!;
}

async function service(name: string): Promise<Service> {
  return (await ecs.send(new DescribeServicesCommand({ services: [name], include: ["TAGS"] }))).services![0];
}

const whenService = (name: string, what: string, ok: (s: Service) => boolean) =>
  eventually(async () => {
    const s = await service(name);
    return ok(s) ? s : undefined;
  }, `service ${name}: ${what}`);

async function serviceTasks(name: string, desiredStatus: "RUNNING" | "STOPPED" = "RUNNING") {
  const arns = (await ecs.send(new ListTasksCommand({ serviceName: name, desiredStatus }))).taskArns!;
  if (arns.length === 0) return [];
  return (await ecs.send(new DescribeTasksCommand({ tasks: arns, include: ["TAGS"] }))).tasks!;
}

describe("services", () => {
  it("keeps desiredCount tasks RUNNING and replaces a task whose process dies", async () => {
    const td = await register("svc-keep", "sleep 60");
    const created = await ecs.send(new CreateServiceCommand({ serviceName: "keep", taskDefinition: td.taskDefinitionArn, desiredCount: 2, tags: [{ key: "team", value: "x" }], propagateTags: "SERVICE" }));
    expect(created.service).toMatchObject({ serviceName: "keep", status: "ACTIVE", desiredCount: 2, schedulingStrategy: "REPLICA", serviceArn: "arn:aws:ecs:us-east-1:000000000000:service/default/keep" });
    const steady = await whenService("keep", "steady with 2 running", (s) => s.runningCount === 2 && s.events!.some((e) => e.message!.includes("has reached a steady state")));
    expect(steady.deployments).toHaveLength(1);
    expect(steady.deployments![0]).toMatchObject({ status: "PRIMARY", rolloutState: "COMPLETED", runningCount: 2 });
    const tasks = await serviceTasks("keep");
    expect(tasks).toHaveLength(2);
    for (const t of tasks) {
      expect(t.group).toBe("service:keep");
      expect(t.startedBy).toBe(steady.deployments![0].id);
      expect(t.tags).toEqual([{ key: "team", value: "x" }]);
    }
    // Kill one task's process from outside, as a crash would.
    const victim = tasks[0];
    const pid = f.handle.admin.task(victim.taskArn!)!.containers[0].pid!;
    process.kill(pid, "SIGKILL");
    const replaced = await eventually(async () => {
      const now = await serviceTasks("keep");
      const running = now.filter((t) => t.lastStatus === "RUNNING");
      return running.length === 2 && !running.some((t) => t.taskArn === victim.taskArn) ? running : undefined;
    }, "a replacement task RUNNING");
    expect(replaced.map((t) => t.taskArn)).toContain(tasks[1].taskArn);
    const dead = (await ecs.send(new DescribeTasksCommand({ tasks: [victim.taskArn!] }))).tasks![0];
    expect(dead).toMatchObject({ lastStatus: "STOPPED", stopCode: "EssentialContainerExited" });
    expect(dead.containers![0].exitCode).toBe(137);
    expect(processExists(pid)).toBe(false);
    const events = (await service("keep")).events!.map((e) => e.message);
    expect(events.filter((m) => /has started 1 tasks: \(task [0-9a-f]{32}\)\./.test(m!))).toHaveLength(1);
    expect(events.filter((m) => m!.includes("has started 2 tasks"))).toHaveLength(1);
    await ecs.send(new DeleteServiceCommand({ service: "keep", force: true }));
  });

  it("backs off when tasks keep failing, and says so in the service events", async () => {
    const td = await register("svc-crash", "exit 1");
    await ecs.send(new CreateServiceCommand({ serviceName: "crashy", taskDefinition: td.taskDefinitionArn, desiredCount: 1 }));
    const s = await whenService("crashy", "backoff event", (x) => x.events!.some((e) => e.message!.includes("is unable to consistently start tasks successfully")));
    expect(s.deployments![0].failedTasks).toBeGreaterThanOrEqual(2);
    const stopped = await serviceTasks("crashy", "STOPPED");
    expect(stopped.length).toBeGreaterThanOrEqual(2);
    expect(stopped.every((t) => t.stopCode === "EssentialContainerExited" && t.containers![0].exitCode === 1)).toBe(true);
    await ecs.send(new UpdateServiceCommand({ service: "crashy", desiredCount: 0 }));
    await ecs.send(new DeleteServiceCommand({ service: "crashy" }));
  });

  it("scales with UpdateService and rolls over to a new task definition", async () => {
    const v1 = await register("svc-roll", "sleep 60");
    const v2 = await register("svc-roll", "sleep 61");
    await ecs.send(new CreateServiceCommand({ serviceName: "roll", taskDefinition: v1.taskDefinitionArn, desiredCount: 2 }));
    await whenService("roll", "2 running", (s) => s.runningCount === 2);
    const oldTasks = await serviceTasks("roll");
    const updated = await ecs.send(new UpdateServiceCommand({ service: "roll", taskDefinition: v2.taskDefinitionArn }));
    expect(updated.service!.deployments!.map((d) => [d.status, d.taskDefinition])).toEqual([
      ["PRIMARY", v2.taskDefinitionArn],
      ["ACTIVE", v1.taskDefinitionArn],
    ]);
    const rolled = await whenService("roll", "rolled to v2", (s) => s.deployments!.length === 1 && s.deployments![0].rolloutState === "COMPLETED" && s.runningCount === 2);
    expect(rolled.taskDefinition).toBe(v2.taskDefinitionArn);
    const now = await serviceTasks("roll");
    expect(now.map((t) => t.taskDefinitionArn)).toEqual([v2.taskDefinitionArn, v2.taskDefinitionArn]);
    const old = (await ecs.send(new DescribeTasksCommand({ tasks: oldTasks.map((t) => t.taskArn!) }))).tasks!;
    expect(old.map((t) => t.stopCode)).toEqual(["ServiceSchedulerInitiated", "ServiceSchedulerInitiated"]);
    expect(old[0].stoppedReason).toMatch(/^Scaling activity initiated by \(deployment ecs-svc\/\d{19}\)$/);

    await ecs.send(new UpdateServiceCommand({ service: "roll", desiredCount: 3 }));
    await whenService("roll", "3 running", (s) => s.runningCount === 3);
    await ecs.send(new UpdateServiceCommand({ service: "roll", desiredCount: 1 }));
    await whenService("roll", "1 running", (s) => s.runningCount === 1 && s.pendingCount === 0);
    expect(await serviceTasks("roll")).toHaveLength(1);
  });

  it("refuses to delete a scaled-up service without force, and drains it with force", async () => {
    const e = await ecs.send(new DeleteServiceCommand({ service: "roll" })).catch((err) => err);
    expect([e.name, e.message]).toEqual(["InvalidParameterException", "The service cannot be stopped while it is scaled above 0."]);
    const draining = await ecs.send(new DeleteServiceCommand({ service: "roll", force: true }));
    expect(draining.service).toMatchObject({ status: "DRAINING", desiredCount: 0 });
    await whenService("roll", "INACTIVE", (s) => s.status === "INACTIVE");
    expect(await serviceTasks("roll")).toEqual([]);
    expect((await ecs.send(new ListServicesCommand({}))).serviceArns).not.toContain("arn:aws:ecs:us-east-1:000000000000:service/default/roll");
    const notActive = await ecs.send(new UpdateServiceCommand({ service: "roll", desiredCount: 1 })).catch((err) => err);
    expect(notActive.name).toBe("ServiceNotActiveException");
    // A deleted service's name can be used again.
    const td = await register("svc-again", "sleep 60");
    const again = await ecs.send(new CreateServiceCommand({ serviceName: "roll", taskDefinition: td.taskDefinitionArn, desiredCount: 0 }));
    expect(again.service!.status).toBe("ACTIVE");
    await ecs.send(new DeleteServiceCommand({ service: "roll" }));
  });

  it("validates CreateService as ECS does, and makes a repeated clientToken idempotent", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "svc-vpc", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512", containerDefinitions: [shell("sleep 60")] }));
    const td = await register("svc-valid", "sleep 60");
    const err = (p: Promise<unknown>) => p.then(() => "ok", (e: any) => e.name as string);
    expect(await err(ecs.send(new CreateServiceCommand({ serviceName: "v1", taskDefinition: "svc-vpc", desiredCount: 1, launchType: "FARGATE" })))).toBe("InvalidParameterException");
    expect(await err(ecs.send(new CreateServiceCommand({ serviceName: "v1", taskDefinition: "missing-td", desiredCount: 1 })))).toBe("InvalidParameterException");
    expect(await err(ecs.send(new CreateServiceCommand({ serviceName: "v1", cluster: "nope", taskDefinition: td.taskDefinitionArn, desiredCount: 1 })))).toBe("ClusterNotFoundException");
    expect(await err(ecs.send(new CreateServiceCommand({ serviceName: "v1", taskDefinition: td.taskDefinitionArn, desiredCount: 1, schedulingStrategy: "DAEMON" })))).toBe("UnsupportedFeatureException");
    expect(await err(ecs.send(new UpdateServiceCommand({ service: "never-created", desiredCount: 1 })))).toBe("ServiceNotFoundException");
    const first = await ecs.send(new CreateServiceCommand({ serviceName: "v2", taskDefinition: td.taskDefinitionArn, desiredCount: 0, clientToken: "tok-1" }));
    const again = await ecs.send(new CreateServiceCommand({ serviceName: "v2", taskDefinition: td.taskDefinitionArn, desiredCount: 0, clientToken: "tok-1" }));
    expect(again.service!.createdAt).toEqual(first.service!.createdAt);
    expect(await err(ecs.send(new CreateServiceCommand({ serviceName: "v2", taskDefinition: td.taskDefinitionArn, desiredCount: 0 })))).toBe("InvalidParameterException");
    const described = await ecs.send(new DescribeServicesCommand({ services: ["v2", "ghost"] }));
    expect(described.services!.map((s) => s.serviceName)).toEqual(["v2"]);
    expect(described.failures).toEqual([{ arn: "arn:aws:ecs:us-east-1:000000000000:service/default/ghost", reason: "MISSING" }]);
    await ecs.send(new DeleteServiceCommand({ service: "v2" }));
  });
});

describe("answers", () => {
  it.skipIf(!referenceAvailable)("every response and error above matches botocore's model (skipped: ../shared/reference/aws is absent)", () => {
    expect(expectAnswersMatchModels(f.exchanges).checked).toBeGreaterThan(10);
  });
});
