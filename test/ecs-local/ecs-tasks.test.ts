import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
  type RunTaskCommandInput,
  type Task,
} from "@aws-sdk/client-ecs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import fc from "fast-check";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ECS_TARGET, postJson } from "./aws-raw-request.js";
import { eventually, expectAnswersMatchModels, processExists, referenceAvailable, startFixture, waitForLogLine, type Fixture } from "./ecs-local-fixture.js";

const SUBNET = "subnet-0e5c10ca1de5a000a";
const SG = "sg-0e5c10ca1de5a0001";

let f: Fixture;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  f = await startFixture();
  ecs = new ECSClient(f.config);
  logs = new CloudWatchLogsClient(f.config);
});

afterAll(async () => {
  await f?.handle.close();
  ecs?.destroy();
  logs?.destroy();
});

const shell = (name: string, script: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name, image: "busybox", command: ["sh", "-c", script], memory: 64, ...extra });

async function register(family: string, containers: ContainerDefinition[], extra: Partial<RegisterTaskDefinitionCommandInput> = {}) {
  const out = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: containers, ...extra }));
  return out.taskDefinition!;
}

async function run(input: RunTaskCommandInput): Promise<Task> {
  const out = await ecs.send(new RunTaskCommand(input));
  expect(out.failures).toEqual([]);
  return out.tasks![0];
}

async function describe1(taskArn: string, cluster?: string): Promise<Task> {
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn], include: ["TAGS"] }));
  return out.tasks![0];
}

const until = (taskArn: string, status: string, cluster?: string) =>
  eventually(async () => {
    const t = await describe1(taskArn, cluster);
    return t.lastStatus === status ? t : undefined;
  }, `task ${taskArn} ${status}`);

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number; error: any }> {
  try {
    await p;
  } catch (err: any) {
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, error: err };
  }
  throw new Error("expected the call to fail");
}

async function logLines(group: string, stream: string): Promise<string[]> {
  const out = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
  return out.events!.map((e) => e.message!);
}

describe("clusters", () => {
  it("has a default cluster, and creates, describes, lists and deletes others", async () => {
    const listed = await ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toContain("arn:aws:ecs:us-east-1:000000000000:cluster/default");
    const created = await ecs.send(new CreateClusterCommand({ clusterName: "c1", tags: [{ key: "team", value: "data" }] }));
    expect(created.cluster).toMatchObject({ clusterName: "c1", status: "ACTIVE", clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/c1" });
    // Creating an ACTIVE cluster again returns it.
    expect((await ecs.send(new CreateClusterCommand({ clusterName: "c1" }))).cluster!.clusterArn).toBe(created.cluster!.clusterArn);
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ["c1", "nope"], include: ["TAGS"] }));
    expect(described.clusters!.map((c) => c.clusterName)).toEqual(["c1"]);
    expect(described.clusters![0].tags).toEqual([{ key: "team", value: "data" }]);
    expect(described.failures).toEqual([{ arn: "arn:aws:ecs:us-east-1:000000000000:cluster/nope", reason: "MISSING" }]);
    const deleted = await ecs.send(new DeleteClusterCommand({ cluster: "c1" }));
    expect(deleted.cluster!.status).toBe("INACTIVE");
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).not.toContain(created.cluster!.clusterArn);
    const e = await errorOf(ecs.send(new DeleteClusterCommand({ cluster: "never-was" })));
    expect(e.error).toBeInstanceOf(ClusterNotFoundException);
  });

  it("refuses invalid cluster names and refuses to delete a cluster with running tasks", async () => {
    expect((await errorOf(ecs.send(new CreateClusterCommand({ clusterName: "bad name!" })))).error).toBeInstanceOf(InvalidParameterException);
    await ecs.send(new CreateClusterCommand({ clusterName: "busy" }));
    const td = await register("busy-td", [shell("main", "sleep 30")]);
    const task = await run({ cluster: "busy", taskDefinition: td.taskDefinitionArn });
    expect((await errorOf(ecs.send(new DeleteClusterCommand({ cluster: "busy" })))).name).toBe("ClusterContainsTasksException");
    await ecs.send(new StopTaskCommand({ cluster: "busy", task: task.taskArn }));
    await until(task.taskArn!, "STOPPED", "busy");
    expect((await ecs.send(new DeleteClusterCommand({ cluster: "busy" }))).cluster!.status).toBe("INACTIVE");
  });
});

describe("task definitions", () => {
  it("registers revisions and describes by family (latest ACTIVE), family:revision and ARN, with tags on request", async () => {
    const r1 = await register("fam", [shell("main", "true")], { tags: [{ key: "k", value: "v" }] });
    const r2 = await register("fam", [shell("main", "true", { essential: undefined })], { cpu: "1 vCPU", memory: "2 GB" });
    expect([r1.revision, r2.revision]).toEqual([1, 2]);
    expect(r2).toMatchObject({ family: "fam", status: "ACTIVE", cpu: "1024", memory: "2048", taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/fam:2" });
    expect(r2.containerDefinitions![0]).toMatchObject({ essential: true, cpu: 0, environment: [], mountPoints: [], portMappings: [], volumesFrom: [] });
    expect((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "fam" }))).taskDefinition!.revision).toBe(2);
    const byRev = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "fam:1", include: ["TAGS"] }));
    expect(byRev.taskDefinition!.revision).toBe(1);
    expect(byRev.tags).toEqual([{ key: "k", value: "v" }]);
    expect((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: r1.taskDefinitionArn }))).tags).toBeUndefined();
    expect((await errorOf(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "fam:9" })))).name).toBe("ClientException");
  });

  it("deregisters and deletes revisions; the family then resolves to the latest ACTIVE one", async () => {
    await register("lifecycle", [shell("main", "true")]);
    const r2 = await register("lifecycle", [shell("main", "true")]);
    const dereg = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "lifecycle:2" }));
    expect(dereg.taskDefinition!.status).toBe("INACTIVE");
    expect((await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "lifecycle" }))).taskDefinition!.revision).toBe(1);
    const e = await errorOf(ecs.send(new RunTaskCommand({ taskDefinition: "lifecycle:2" })));
    expect(e.name).toBe("InvalidParameterException");
    expect((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "lifecycle", status: "INACTIVE" }))).taskDefinitionArns).toEqual([r2.taskDefinitionArn]);
    const del = await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ["lifecycle:2", "lifecycle:1"] }));
    expect(del.taskDefinitions!.map((t) => [t.revision, t.status])).toEqual([[2, "DELETE_IN_PROGRESS"]]);
    expect(del.failures!.map((x) => x.reason)).toEqual(["The specified task definition is still in ACTIVE status. Please deregister the target and try again."]);
    const families = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: "lifecycle" }));
    expect(families.families).toEqual(["lifecycle"]);
    const sorted = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "fam", sort: "DESC" }));
    expect(sorted.taskDefinitionArns!.map((a) => a.split(":").pop())).toEqual(["2", "1"]);
  });

  it("refuses definitions ECS refuses", async () => {
    const cases: [Partial<RegisterTaskDefinitionCommandInput>, string, RegExp][] = [
      [{ containerDefinitions: [] }, "ClientException", /Container list cannot be empty/],
      [{ containerDefinitions: [{ name: "a", image: "x" }] }, "ClientException", /At least one of 'memory' or 'memoryReservation'/],
      [{ containerDefinitions: [shell("a", "true"), shell("a", "true")] }, "ClientException", /Duplicate container name/],
      [{ requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "512", memory: "256", containerDefinitions: [shell("a", "true")] }, "ClientException", /No Fargate configuration exists/],
      [{ requiresCompatibilities: ["FARGATE"], networkMode: "bridge", cpu: "256", memory: "512", containerDefinitions: [shell("a", "true")] }, "ClientException", /Fargate only supports network mode/],
      [
        {
          requiresCompatibilities: ["FARGATE"],
          networkMode: "awsvpc",
          cpu: "256",
          memory: "512",
          containerDefinitions: [shell("a", "true", { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "g", "awslogs-stream-prefix": "p" } } })],
        },
        "ClientException",
        /execution role ARN to support log driver awslogs/,
      ],
      [{ family: "bad family", containerDefinitions: [shell("a", "true")] }, "ClientException", /Family/],
      [{ networkMode: "bogus" as never, containerDefinitions: [shell("a", "true")] }, "InvalidParameterException", /networkMode/],
      [{ tags: [{ key: "aws:reserved", value: "x" }], containerDefinitions: [shell("a", "true")] }, "InvalidParameterException", /reserved/],
    ];
    for (const [input, name, message] of cases) {
      const e = await errorOf(ecs.send(new RegisterTaskDefinitionCommand({ family: "refused", containerDefinitions: [], ...input })));
      expect([e.name, e.message], JSON.stringify(input)).toEqual([name, expect.stringMatching(message)]);
    }
    // None of them left a revision behind.
    expect((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "refused" }))).taskDefinitionArns).toEqual([]);
  });
});

describe("task lifecycle on host processes", () => {
  it("goes through every status to STOPPED, with the exit code and EssentialContainerExited", async () => {
    const td = await register("exit3", [shell("main", "exit 3")]);
    const started = await run({ taskDefinition: td.taskDefinitionArn, startedBy: "tests", group: "g1" });
    expect(started).toMatchObject({ lastStatus: "PROVISIONING", desiredStatus: "RUNNING", startedBy: "tests", group: "g1", launchType: "EC2" });
    expect(started.taskArn).toMatch(/^arn:aws:ecs:us-east-1:000000000000:task\/default\/[0-9a-f]{32}$/);
    const stopped = await until(started.taskArn!, "STOPPED");
    expect(stopped).toMatchObject({ desiredStatus: "STOPPED", stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited" });
    expect(stopped.containers![0]).toMatchObject({ name: "main", lastStatus: "STOPPED", exitCode: 3 });
    for (const key of ["createdAt", "pullStartedAt", "pullStoppedAt", "startedAt", "stoppingAt", "executionStoppedAt", "stoppedAt"] as const) expect(stopped[key], key).toBeInstanceOf(Date);
    const history = f.handle.admin.task(started.taskArn!)!.history.map((h) => h.status);
    expect(history).toEqual(["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]);
  });

  it("runs the command with the task definition environment, overrides and Secrets Manager secrets", async () => {
    const sm = new SecretsManagerClient(f.config);
    const secret = await sm.send(new CreateSecretCommand({ Name: "db", SecretString: JSON.stringify({ password: "hunter2", user: "app" }) }));
    const plain = await sm.send(new CreateSecretCommand({ Name: "token", SecretString: "s3cr3t" }));
    sm.destroy();
    const td = await register("envy", [
      shell("main", 'echo "A=$A B=$B PW=$PW TOKEN=$TOKEN REGION=$AWS_REGION"; echo "$@"', {
        environment: [
          { name: "A", value: "from-td" },
          { name: "B", value: "from-td" },
        ],
        secrets: [
          { name: "PW", valueFrom: `${secret.ARN}:password::` },
          { name: "TOKEN", valueFrom: plain.ARN! },
        ],
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/envy", "awslogs-create-group": "true", "awslogs-stream-prefix": "app" } },
      }),
    ]);
    const task = await run({
      taskDefinition: td.taskDefinitionArn,
      overrides: { containerOverrides: [{ name: "main", environment: [{ name: "B", value: "from-override" }] }] },
    });
    const stopped = await until(task.taskArn!, "STOPPED");
    expect(stopped.containers![0].exitCode).toBe(0);
    const id = task.taskArn!.split("/").pop()!;
    expect(await logLines("/ecs/envy", `app/main/${id}`)).toContain("A=from-td B=from-override PW=hunter2 TOKEN=s3cr3t REGION=us-east-1");
  });

  it("lets task code reach ecs-local with the unmodified SDK through the AWS_ENDPOINT_URL it is given", async () => {
    // `node` resolves to this Node.js; the working directory (this repo) resolves the SDK package.
    const script = [
      'import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";',
      "const me = await new STSClient({}).send(new GetCallerIdentityCommand({}));",
      'console.log("account=" + me.Account + " endpoint=" + process.env.AWS_ENDPOINT_URL);',
    ].join("\n");
    const td = await register("sdk-in-task", [
      {
        name: "main",
        image: "node:20",
        command: ["node", "--no-warnings", "--input-type=module", "-e", script],
        memory: 128,
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/sdk", "awslogs-create-group": "true", "awslogs-stream-prefix": "p" } },
      },
    ]);
    const task = await run({ taskDefinition: td.taskDefinitionArn });
    const stopped = await until(task.taskArn!, "STOPPED");
    expect(stopped.containers![0].exitCode).toBe(0);
    expect(await logLines("/ecs/sdk", `p/main/${task.taskArn!.split("/").pop()}`)).toContain(`account=000000000000 endpoint=${f.handle.url}`);
  });

  it("runs the override command instead of the task definition's", async () => {
    const td = await register("cmd", [
      shell("main", "echo from-td", { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/cmd", "awslogs-create-group": "true", "awslogs-stream-prefix": "p" } } }),
    ]);
    const task = await run({ taskDefinition: "cmd", overrides: { containerOverrides: [{ name: "main", command: ["sh", "-c", "echo from-override; echo second >&2"] }] } });
    await until(task.taskArn!, "STOPPED");
    expect(td.family).toBe("cmd");
    expect(await logLines("/ecs/cmd", `p/main/${task.taskArn!.split("/").pop()}`)).toEqual(["from-override", "second"]);
  });

  it("fails to start with TaskFailedToStart when the executable or the secret or the log group is missing", async () => {
    const cases: [ContainerDefinition, RegExp][] = [
      [{ name: "main", image: "x", command: ["no-such-binary-ecs-local"], memory: 64 }, /CannotStartContainerError: .*executable file not found in \$PATH/],
      [shell("main", "true", { secrets: [{ name: "S", valueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:missing-AbCdEf" }] }), /ResourceInitializationError: unable to pull secrets/],
      [shell("main", "true", { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/does/not/exist", "awslogs-stream-prefix": "p" } } }), /The specified log group does not exist/],
      [{ name: "main", image: "x", memory: 64 }, /No command specified/],
    ];
    for (const [container, reason] of cases) {
      const td = await register("fails", [container]);
      const task = await run({ taskDefinition: td.taskDefinitionArn });
      const stopped = await until(task.taskArn!, "STOPPED");
      expect(stopped.stopCode, JSON.stringify(container)).toBe("TaskFailedToStart");
      expect(stopped.stoppedReason).toMatch(reason);
      expect(stopped.startedAt).toBeUndefined();
    }
  });

  it("stops a task on StopTask with SIGTERM, recording UserInitiated and the reason", async () => {
    const td = await register("sleeper", [shell("main", "sleep 30")]);
    const task = await run({ taskDefinition: td.taskDefinitionArn });
    await until(task.taskArn!, "RUNNING");
    const pid = f.handle.admin.task(task.taskArn!)!.containers[0].pid!;
    expect(processExists(pid)).toBe(true);
    const stopping = await ecs.send(new StopTaskCommand({ task: task.taskArn!.split("/").pop(), reason: "flow run cancelled" }));
    expect(stopping.task!.desiredStatus).toBe("STOPPED");
    const stopped = await until(task.taskArn!, "STOPPED");
    expect(stopped).toMatchObject({ stopCode: "UserInitiated", stoppedReason: "flow run cancelled" });
    expect(stopped.containers![0].exitCode).toBe(143);
    expect(processExists(pid)).toBe(false);
    // Stopping a stopped task changes nothing.
    expect((await ecs.send(new StopTaskCommand({ task: task.taskArn }))).task!.stoppedReason).toBe("flow run cancelled");
  });

  it("kills a container that ignores SIGTERM once its stopTimeout has passed", async () => {
    const td = await register("stubborn", [
      shell("main", 'trap "" TERM; echo ready; sleep 30 & wait; sleep 30', { stopTimeout: 1, logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/stubborn", "awslogs-create-group": "true" } } }),
    ]);
    const task = await run({ taskDefinition: td.taskDefinitionArn });
    // Signal only once the shell has set its trap.
    await waitForLogLine(f.config, "/ecs/stubborn", task.taskArn!.split("/").pop()!, "ready");
    await ecs.send(new StopTaskCommand({ task: task.taskArn }));
    const stopped = await until(task.taskArn!, "STOPPED");
    expect(stopped.containers![0].exitCode).toBe(137);
  });

  it("stops the other containers when the essential one exits, and keeps running when a non-essential one exits", async () => {
    // main exits only after oneshot has, so that both exits are their own, not the stop's.
    const marker = join(mkdtempSync(join(tmpdir(), "ecs-local-sidecars-")), "oneshot-done");
    const td = await register("sidecars", [
      shell("main", `until [ -f ${marker} ]; do sleep 0.05; done; exit 0`),
      shell("sidecar", "sleep 30", { essential: false }),
      shell("oneshot", `touch ${marker}; exit 5`, { essential: false }),
    ]);
    const task = await run({ taskDefinition: td.taskDefinitionArn });
    const stopped = await until(task.taskArn!, "STOPPED");
    const byName = Object.fromEntries(stopped.containers!.map((c) => [c.name, c.exitCode]));
    expect(byName).toEqual({ main: 0, sidecar: 143, oneshot: 5 });
    expect(stopped.stopCode).toBe("EssentialContainerExited");
  });

  it("runs Fargate tasks in awsvpc with an ENI in the given subnet", async () => {
    const td = await register("fg", [shell("main", "sleep 30")], { requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "256", memory: "512" });
    const task = await run({ taskDefinition: "fg", launchType: "FARGATE", networkConfiguration: { awsvpcConfiguration: { subnets: [SUBNET], securityGroups: [SG] } } });
    expect(task).toMatchObject({ launchType: "FARGATE", platformVersion: "1.4.0", cpu: "256", memory: "512", availabilityZone: "us-east-1a" });
    const running = await until(task.taskArn!, "RUNNING");
    expect(running.attachments![0]).toMatchObject({ type: "ElasticNetworkInterface", status: "ATTACHED" });
    expect(running.attachments![0].details!.find((d) => d.name === "subnetId")!.value).toBe(SUBNET);
    expect(running.containers![0].networkInterfaces![0].privateIpv4Address).toMatch(/^172\.31\./);
    expect(td.compatibilities).toEqual(["EC2", "FARGATE"]);
    await ecs.send(new StopTaskCommand({ task: task.taskArn }));
    // A capacity provider strategy places the task on Fargate too.
    const spot = await run({ taskDefinition: "fg", capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }], networkConfiguration: { awsvpcConfiguration: { subnets: [SUBNET] } } });
    expect(spot).toMatchObject({ launchType: "FARGATE", capacityProviderName: "FARGATE_SPOT" });
    await ecs.send(new StopTaskCommand({ task: spot.taskArn }));
  });
});

describe("RunTask validation", () => {
  it("answers each bad request with the error ECS answers, and starts nothing", async () => {
    await register("v-ec2", [shell("main", "true")]);
    await register("v-vpc", [shell("main", "true")], { networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512" });
    const before = f.handle.admin.counters().tasksLaunched;
    const vpc = (subnets: string[], securityGroups?: string[]) => ({ awsvpcConfiguration: { subnets, securityGroups } });
    const cases: [RunTaskCommandInput, string, RegExp][] = [
      [{ taskDefinition: "v-vpc", launchType: "FARGATE", capacityProviderStrategy: [{ capacityProvider: "FARGATE" }], networkConfiguration: vpc([SUBNET]) }, "InvalidParameterException", /both a launch type and capacity provider strategy/],
      [{ taskDefinition: "v-vpc", launchType: "FARGATE" }, "InvalidParameterException", /Network Configuration must be provided when networkMode 'awsvpc'/],
      [{ taskDefinition: "v-vpc", launchType: "FARGATE", networkConfiguration: vpc(["subnet-0123456789abcdef0"]) }, "InvalidParameterException", /The subnet ID 'subnet-0123456789abcdef0' does not exist/],
      [{ taskDefinition: "v-vpc", launchType: "FARGATE", networkConfiguration: vpc([SUBNET], ["sg-0123456789abcdef0"]) }, "InvalidParameterException", /security group 'sg-0123456789abcdef0' does not exist/],
      [{ taskDefinition: "v-vpc", launchType: "FARGATE", networkConfiguration: vpc([]) }, "InvalidParameterException", /subnets can not be empty/],
      [{ taskDefinition: "v-ec2", networkConfiguration: vpc([SUBNET]) }, "InvalidParameterException", /not valid for the given networkMode/],
      [{ taskDefinition: "v-ec2", launchType: "FARGATE" }, "InvalidParameterException", /does not support launch_type FARGATE/],
      [{ taskDefinition: "v-vpc", launchType: "FARGATE", networkConfiguration: vpc([SUBNET]), overrides: { cpu: "512", memory: "512" } }, "ClientException", /No Fargate configuration exists/],
      [{ taskDefinition: "v-ec2", count: 11 }, "InvalidParameterException", /count/],
      [{ taskDefinition: "v-ec2", count: 0 }, "InvalidParameterException", /count/],
      [{ taskDefinition: "v-ec2", overrides: { containerOverrides: [{ name: "main", environment: [{ name: "BIG", value: "x".repeat(8200) }] }] } }, "InvalidParameterException", /at most 8192/],
      [{ taskDefinition: "v-ec2", overrides: { containerOverrides: [{ name: "ghost" }] } }, "InvalidParameterException", /ghost is not a container/],
      [{ taskDefinition: "v-ec2", tags: [{ key: "bad<key>", value: "v" }] }, "InvalidParameterException", /tag keys are not valid/],
      [{ taskDefinition: "v-ec2", tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })) }, "InvalidParameterException", /Too many tags/],
      [{ taskDefinition: "v-ec2", startedBy: "x".repeat(129) }, "InvalidParameterException", /startedBy/],
      [{ taskDefinition: "v-ec2", clientToken: "t".repeat(65) }, "InvalidParameterException", /clientToken/],
      [{ taskDefinition: "v-ec2", capacityProviderStrategy: [{ capacityProvider: "MY_ASG" }] }, "InvalidParameterException", /not associated with the cluster/],
      [{ taskDefinition: "no-such-family" }, "InvalidParameterException", /TaskDefinition not found/],
      [{ taskDefinition: "v-ec2", cluster: "no-such-cluster" }, "ClusterNotFoundException", /Cluster not found/],
    ];
    for (const [input, name, message] of cases) {
      const e = await errorOf(ecs.send(new RunTaskCommand(input)));
      expect([e.name, e.status, e.message], JSON.stringify(input).slice(0, 200)).toEqual([name, 400, expect.stringMatching(message)]);
    }
    expect(f.handle.admin.counters().tasksLaunched).toBe(before);
  });

  it("answers missing members and wrong types as ECS's JSON front end does, never with a 500", async () => {
    const missing = await postJson(f.handle.url, `${ECS_TARGET}.RunTask`, { cluster: "default" });
    expect([missing.status, missing.json().__type]).toEqual([400, "InvalidParameterException"]);
    expect(missing.json().message).toMatch(/Value null at 'taskDefinition'/);
    const wrongType = await postJson(f.handle.url, `${ECS_TARGET}.RunTask`, { taskDefinition: "x", count: "two" });
    expect([wrongType.status, wrongType.json().__type]).toEqual([400, "SerializationException"]);
    const nested = await postJson(f.handle.url, `${ECS_TARGET}.RegisterTaskDefinition`, { family: "x", containerDefinitions: [{ name: "a", image: "b", environment: "A=1" }] });
    expect([nested.status, nested.json().__type]).toEqual([400, "SerializationException"]);
    const garbage = await postJson(f.handle.url, `${ECS_TARGET}.RunTask`, "{not json");
    expect([garbage.status, garbage.json().__type]).toEqual([400, "SerializationException"]);
  });

  it("never answers a 500 to random RunTask and RegisterTaskDefinition inputs", async () => {
    const allowed = new Set(["InvalidParameterException", "ClientException", "SerializationException", "ClusterNotFoundException"]);
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }));
    const runInput = fc.record(
      { taskDefinition: value, cluster: value, count: value, launchType: value, overrides: value, tags: value, networkConfiguration: value, startedBy: value, clientToken: value },
      { requiredKeys: [] },
    );
    const registerInput = fc.record({ family: value, containerDefinitions: fc.oneof(value, fc.array(fc.record({ name: value, image: value, memory: value, command: value }, { requiredKeys: [] }), { maxLength: 2 })), cpu: value, memory: value, networkMode: value }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(runInput.map((i) => ["RunTask", i] as const), registerInput.map((i) => ["RegisterTaskDefinition", i] as const)), async ([op, input]) => {
        const res = await postJson(f.handle.url, `${ECS_TARGET}.${op}`, input);
        if (res.status === 200) return; // a valid input by chance
        expect(res.status).toBe(400);
        expect(allowed.has(res.json().__type)).toBe(true);
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});

describe("idempotency, listing, tags", () => {
  it("returns the same tasks for a repeated clientToken and refuses a changed request with ConflictException", async () => {
    const td = await register("idem", [shell("main", "sleep 30")]);
    const first = await ecs.send(new RunTaskCommand({ taskDefinition: td.taskDefinitionArn, count: 2, clientToken: "flow-run-123", startedBy: "worker" }));
    const again = await ecs.send(new RunTaskCommand({ startedBy: "worker", clientToken: "flow-run-123", count: 2, taskDefinition: td.taskDefinitionArn }));
    expect(again.tasks!.map((t) => t.taskArn)).toEqual(first.tasks!.map((t) => t.taskArn));
    expect(f.handle.admin.counters().tasksByClientToken["flow-run-123"]).toBe(2);
    const conflict = await errorOf(ecs.send(new RunTaskCommand({ taskDefinition: td.taskDefinitionArn, count: 1, clientToken: "flow-run-123" })));
    expect(conflict.name).toBe("ConflictException");
    expect(conflict.error.resourceIds).toEqual(first.tasks!.map((t) => t.taskArn));
    for (const t of first.tasks!) await ecs.send(new StopTaskCommand({ task: t.taskArn }));
  });

  it("lists tasks by family, startedBy and desiredStatus, and describes unknown tasks as MISSING", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "listing" }));
    const a = await register("list-a", [shell("main", "sleep 30")]);
    const b = await register("list-b", [shell("main", "exit 0")]);
    const ta = await run({ cluster: "listing", taskDefinition: a.taskDefinitionArn, startedBy: "alice" });
    const tb = await run({ cluster: "listing", taskDefinition: b.taskDefinitionArn, startedBy: "bob" });
    await until(tb.taskArn!, "STOPPED", "listing");
    const list = async (input: object) => (await ecs.send(new ListTasksCommand({ cluster: "listing", ...input }))).taskArns;
    expect(await list({})).toEqual([ta.taskArn]);
    expect(await list({ desiredStatus: "STOPPED" })).toEqual([tb.taskArn]);
    expect(await list({ family: "list-a" })).toEqual([ta.taskArn]);
    expect(await list({ startedBy: "bob", desiredStatus: "STOPPED" })).toEqual([tb.taskArn]);
    expect(await list({ startedBy: "nobody" })).toEqual([]);
    const page = await ecs.send(new ListTasksCommand({ cluster: "listing", desiredStatus: "STOPPED", maxResults: 1 }));
    expect(page.taskArns).toHaveLength(1);
    const missingId = "0123456789abcdef0123456789abcdef";
    const described = await ecs.send(new DescribeTasksCommand({ cluster: "listing", tasks: [ta.taskArn!, missingId] }));
    expect(described.tasks!.map((t) => t.taskArn)).toEqual([ta.taskArn]);
    expect(described.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:000000000000:task/listing/${missingId}`, reason: "MISSING" }]);
    const tooMany = await errorOf(ecs.send(new DescribeTasksCommand({ cluster: "listing", tasks: Array.from({ length: 101 }, (_, i) => `t${i}`) })));
    expect(tooMany.name).toBe("InvalidParameterException");
    const unknownService = await errorOf(ecs.send(new ListTasksCommand({ cluster: "listing", serviceName: "nope" })));
    expect(unknownService.name).toBe("ServiceNotFoundException");
    await ecs.send(new StopTaskCommand({ cluster: "listing", task: ta.taskArn }));
    const stopUnknown = await errorOf(ecs.send(new StopTaskCommand({ cluster: "listing", task: missingId })));
    expect(stopUnknown.name).toBe("InvalidParameterException");
  });

  it("tags tasks from RunTask and the task definition, and tags, untags and lists tags of resources", async () => {
    const td = await register("tagged", [shell("main", "sleep 30")], { tags: [{ key: "owner", value: "td" }, { key: "env", value: "td" }] });
    const task = await run({ taskDefinition: td.taskDefinitionArn, tags: [{ key: "env", value: "run" }], propagateTags: "TASK_DEFINITION" });
    expect(task.tags).toEqual([
      { key: "env", value: "run" },
      { key: "owner", value: "td" },
    ]);
    await ecs.send(new TagResourceCommand({ resourceArn: task.taskArn, tags: [{ key: "extra", value: "1" }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: task.taskArn, tagKeys: ["owner"] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: task.taskArn }))).tags).toEqual([
      { key: "env", value: "run" },
      { key: "extra", value: "1" },
    ]);
    expect((await describe1(task.taskArn!)).tags).toHaveLength(2);
    const clusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/default";
    await ecs.send(new TagResourceCommand({ resourceArn: clusterArn, tags: [{ key: "c", value: "1" }] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: clusterArn }))).tags).toContainEqual({ key: "c", value: "1" });
    const missing = await errorOf(ecs.send(new TagResourceCommand({ resourceArn: "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef", tags: [{ key: "a", value: "b" }] })));
    expect(missing.name).toBe("ResourceNotFoundException");
    await ecs.send(new StopTaskCommand({ task: task.taskArn }));
  });
});

describe("capacity, faults and limits", () => {
  it("answers RESOURCE:CPU and RESOURCE:MEMORY failures beyond the cluster's EC2 capacity", async () => {
    f.handle.admin.setSettings({ capacity: { cpu: 1024, memory: 1024 } });
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: "small" }));
      const cpuHeavy = await register("cpu-heavy", [shell("main", "sleep 30", { cpu: 512, memory: 128 })]);
      const out = await ecs.send(new RunTaskCommand({ cluster: "small", taskDefinition: cpuHeavy.taskDefinitionArn, count: 3 }));
      expect(out.tasks).toHaveLength(2);
      expect(out.failures!.map((x) => x.reason)).toEqual(["RESOURCE:CPU"]);
      expect(out.failures![0].arn).toMatch(/:container-instance\/small\//);
      const memHeavy = await register("mem-heavy", [shell("main", "sleep 30", { memory: 2048 })]);
      for (const t of out.tasks!) await ecs.send(new StopTaskCommand({ cluster: "small", task: t.taskArn }));
      const mem = await ecs.send(new RunTaskCommand({ cluster: "small", taskDefinition: memHeavy.taskDefinitionArn }));
      expect(mem.failures!.map((x) => x.reason)).toEqual(["RESOURCE:MEMORY"]);
    } finally {
      f.handle.admin.setSettings({ capacity: null as never });
    }
  });

  it("injects CannotPullContainerError, server errors and throttling, and counts them", async () => {
    const td = await register("faulty", [shell("main", "true")]);
    f.handle.admin.setFaults([{ kind: "cannot-pull-container", count: 1 }]);
    const task = await run({ taskDefinition: td.taskDefinitionArn });
    const stopped = await until(task.taskArn!, "STOPPED");
    expect(stopped.stopCode).toBe("TaskFailedToStart");
    expect(stopped.stoppedReason).toMatch(/^CannotPullContainerError:/);
    f.handle.admin.setFaults([
      { kind: "server-error", operation: "ecs:DescribeClusters", count: 1 },
      { kind: "throttle", operation: "ListClusters", count: 2 },
    ]);
    const server = await errorOf(ecs.send(new DescribeClustersCommand({})));
    expect([server.name, server.status, server.error.$fault]).toEqual(["ServerException", 500, "server"]);
    expect((await errorOf(ecs.send(new ListClustersCommand({})))).name).toBe("ThrottlingException");
    // With retries, as the SDK does by default, a throttled call succeeds on a later attempt.
    const retrying = new ECSClient({ ...f.config, maxAttempts: 3 });
    const listed = await retrying.send(new ListClustersCommand({}));
    retrying.destroy();
    expect(listed.$metadata.attempts).toBe(2);
    const counters = f.handle.admin.counters();
    expect(counters.faultsInjected).toMatchObject({ "cannot-pull-container": 1, "server-error": 1, throttle: 2 });
    expect(counters.errors.ThrottlingException).toBeGreaterThanOrEqual(2);
    f.handle.admin.setFaults([]);
  });

  it("throttles RunTask and StopTask from one shared bucket when limits are on", async () => {
    const td = await register("limited", [shell("main", "sleep 30")]);
    f.handle.admin.setLimits({ enabled: true, buckets: { runTaskStopTask: { burst: 3, ratePerSecond: 0.001 } } });
    try {
      const results: string[] = [];
      const arns: string[] = [];
      for (let i = 0; i < 3; i++) {
        try {
          const out = await ecs.send(new RunTaskCommand({ taskDefinition: td.taskDefinitionArn }));
          arns.push(out.tasks![0].taskArn!);
          results.push("ok");
        } catch (err: any) {
          results.push(err.name);
        }
      }
      const stop = await errorOf(ecs.send(new StopTaskCommand({ task: arns[0] })));
      expect(results).toEqual(["ok", "ok", "ok"]);
      expect([stop.name, stop.status]).toEqual(["ThrottlingException", 400]);
      // DescribeTasks has its own bucket.
      expect((await describe1(arns[0])).taskArn).toBe(arns[0]);
      f.handle.admin.setLimits({ enabled: false });
      for (const arn of arns) await ecs.send(new StopTaskCommand({ task: arn }));
    } finally {
      f.handle.admin.setLimits({ enabled: false, buckets: { runTaskStopTask: { burst: 100, ratePerSecond: 40 } } });
    }
  });
});

describe("answers", () => {
  it.skipIf(!referenceAvailable)("every response and error above matches botocore's model (skipped: ../shared/reference/aws is absent)", () => {
    expect(expectAnswersMatchModels(f.exchanges).checked).toBeGreaterThan(10);
  });
});
