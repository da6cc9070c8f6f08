import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseEngineAddress } from "../../packages/ecs-local/src/runtime/detect-engine.js";
import { prepareBaseImage } from "../../packages/image/src/index.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyHome, spawnEcsflow } from "../cli/run-ecsflow.js";
import { eventually, startFixture, waitForLogLine, type Fixture } from "./ecs-local-fixture.js";

// ecs-local with --runtime docker against a real engine (Podman's Docker-compatible service in CI):
// tasks run from a locally made image, with AWS's words for what happened to them.

const engineHost = inject("engineHost");
const skipReason = inject("engineSkipReason");
const GROUP = "/ecs/containers";

describe.skipIf(!engineHost)(`ecs-local --runtime docker${engineHost ? "" : ` (skipped: ${skipReason})`}`, () => {
  let fx: Fixture;
  let ecs: ECSClient;
  let logs: CloudWatchLogsClient;
  let image: string;
  let docker: Docker;
  let family = 0;

  beforeAll(async () => {
    // A base made from this machine's Node.js: node, sh and env, no registry needed.
    image = await prepareBaseImage({ engineHost: engineHost!, base: "host" });
    fx = await startFixture({ runtime: "docker", engineHost: engineHost! });
    ecs = new ECSClient(fx.config);
    logs = new CloudWatchLogsClient(fx.config);
    const a = parseEngineAddress(engineHost!)!;
    docker = new Docker({ socketPath: a.socketPath });
  }, 300_000);
  afterAll(async () => {
    ecs?.destroy();
    logs?.destroy();
    await fx?.handle.close();
  });

  async function run(container: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    const name = `c${++family}`;
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `containers-${name}`,
        containerDefinitions: [
          {
            name: "main",
            image,
            essential: true,
            memory: 256,
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": GROUP, "awslogs-create-group": "true", "awslogs-stream-prefix": "t", "awslogs-region": "us-east-1" } },
            ...container,
          } as never,
        ],
        ...extra,
      }),
    );
    const out = await ecs.send(new RunTaskCommand({ taskDefinition: `containers-${name}` }));
    expect(out.failures).toEqual([]);
    return out.tasks![0].taskArn!;
  }

  async function stopped(taskArn: string): Promise<Task> {
    return eventually(async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0];
      return t.lastStatus === "STOPPED" ? t : undefined;
    }, `task ${taskArn} STOPPED`, 120_000, 100);
  }

  async function logLines(taskArn: string): Promise<string[]> {
    const id = taskArn.slice(taskArn.lastIndexOf("/") + 1);
    const out = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: `t/main/${id}`, startFromHead: true }));
    return out.events!.map((e) => e.message!);
  }

  it("says which runtime it chose", () => {
    expect(fx.handle.runtime).toEqual({ kind: "docker", engine: engineHost });
  });

  it("runs a task from a local image: exit code, stopCode, awslogs output and the engine container", async () => {
    const arn = await run({ command: ["sh", "-c", "echo hello from a container; echo to stderr >&2; exit 3"] });
    const task = await stopped(arn);
    expect(task.stopCode).toBe("EssentialContainerExited");
    expect(task.stoppedReason).toBe("Essential container in task exited");
    expect(task.containers![0].exitCode).toBe(3);
    // runtimeId is the engine's container ID, and the container carries ECS's labels.
    const runtimeId = task.containers![0].runtimeId!;
    expect(runtimeId).toMatch(/^[0-9a-f]{64}$/);
    const inspected = await docker.getContainer(runtimeId).inspect();
    expect(inspected.Config.Labels["com.amazonaws.ecs.task-arn"]).toBe(arn);
    expect(inspected.Config.Labels["com.amazonaws.ecs.container-name"]).toBe("main");
    expect(task.attributes).toEqual(expect.arrayContaining([{ name: "ecs-local.runtime", value: "docker" }]));
    expect(await logLines(arn)).toEqual(expect.arrayContaining(["hello from a container", "to stderr"]));
  });

  it("passes environment, working directory and user into the container", async () => {
    const arn = await run({
      command: ["sh", "-c", 'echo "v=$GREETING cwd=$(pwd) uid=$(node -e "process.stdout.write(String(process.getuid()))") region=$AWS_REGION"'],
      environment: [{ name: "GREETING", value: "hi" }],
      workingDirectory: "/tmp",
      user: "10001",
    });
    const task = await stopped(arn);
    expect(task.containers![0].exitCode).toBe(0);
    expect(await logLines(arn)).toContain("v=hi cwd=/tmp uid=10001 region=us-east-1");
  });

  it("ends a task whose image cannot be pulled with CannotPullContainerError", async () => {
    const arn = await run({ image: "localhost/ecsflow-no-such-image:never", command: ["true"] });
    const task = await stopped(arn);
    expect(task.stopCode).toBe("TaskFailedToStart");
    expect(task.stoppedReason).toMatch(/^CannotPullContainerError: /);
  });

  it("StopTask sends SIGTERM, then SIGKILL after the container's stopTimeout", async () => {
    const stubborn = await run({ command: ["node", "-e", "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000)"], stopTimeout: 2 });
    const polite = await run({ command: ["node", "-e", "process.on('SIGTERM', () => { console.log('bye'); process.exit(0) }); console.log('ready'); setInterval(() => {}, 1000)"], stopTimeout: 30 });
    for (const arn of [stubborn, polite]) await waitForLogLine(fx.config, GROUP, `t/main/${arn.slice(arn.lastIndexOf("/") + 1)}`, "ready");
    await ecs.send(new StopTaskCommand({ task: stubborn, reason: "test" }));
    await ecs.send(new StopTaskCommand({ task: polite, reason: "test" }));
    const [a, b] = await Promise.all([stopped(stubborn), stopped(polite)]);
    expect(a.stopCode).toBe("UserInitiated");
    expect(a.containers![0].exitCode).toBe(137);
    expect(a.containers![0].reason).toBeUndefined();
    expect(await logLines(stubborn)).toContain("ignoring SIGTERM");
    expect(b.containers![0].exitCode).toBe(0);
    expect(await logLines(polite)).toContain("bye");
  });

  it("reports OOM for a container that outgrows its memory limit", async () => {
    const arn = await run({ command: ["node", "-e", "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"], memory: 48 });
    const task = await stopped(arn);
    expect(task.stopCode).toBe("EssentialContainerExited");
    expect(task.containers![0].exitCode).toBe(137);
    expect(task.containers![0].reason).toBe("OutOfMemoryError: Container killed due to memory usage");
  });

  it("serves the task metadata endpoint v4 inside the container", async () => {
    const script = "fetch(process.env.ECS_CONTAINER_METADATA_URI_V4 + '/task').then(r => r.json()).then(t => console.log('meta ' + t.TaskARN + ' ' + t.Containers[0].Name + ' ' + t.Containers[0].DockerId))";
    const arn = await run({ command: ["node", "-e", script] });
    const task = await stopped(arn);
    expect(task.containers![0].exitCode).toBe(0);
    expect(await logLines(arn)).toContain(`meta ${arn} main ${task.containers![0].runtimeId}`);
  });

  it("removes its containers when it closes", async () => {
    const arn = await run({ command: ["node", "-e", "setTimeout(() => {}, 60000)"] });
    const task = await eventually(async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0];
      return t.lastStatus === "RUNNING" ? t : undefined;
    }, "RUNNING");
    const listed = await docker.listContainers({ all: true, filters: { label: [`com.amazonaws.ecs.task-arn=${arn}`] } });
    expect(listed.map((c) => c.Id)).toEqual([task.containers![0].runtimeId]);
    const before = await docker.listContainers({ all: true, filters: { label: ["com.amazonaws.ecs.cluster"] } });
    expect(before.length).toBeGreaterThan(0);
    await fx.handle.close();
    const after = await docker.listContainers({ all: true, filters: { label: [`com.amazonaws.ecs.task-arn=${arn}`] } });
    expect(after).toEqual([]);
  });

  it("cleans up the containers a killed ecs-local left behind when it restarts with the same state folder", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "ecs-local-state-"));
    const start = () => spawnEcsflow(["ecs-local", "start", "--port", "0", "--json", "--profile", "instant", "--no-limits", "--runtime", "docker", "--engine-host", engineHost!, "--state-dir", stateDir], { ECSFLOW_HOME: emptyHome() });
    const endpointOf = async (child: ReturnType<typeof start>) => {
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      return eventually(() => (out.includes("}") ? (JSON.parse(out) as { url: string }).url : undefined), "the endpoint on stdout");
    };
    const first = start();
    const url = await endpointOf(first);
    const client = new ECSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
    await client.send(new RegisterTaskDefinitionCommand({ family: "left-behind", containerDefinitions: [{ name: "main", image, memory: 64, command: ["node", "-e", "setTimeout(() => {}, 300000)"] }] }));
    const arn = (await client.send(new RunTaskCommand({ taskDefinition: "left-behind" }))).tasks![0].taskArn!;
    await eventually(async () => ((await client.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0].lastStatus === "RUNNING" ? true : undefined), "RUNNING");
    client.destroy();
    await new Promise((r) => setTimeout(r, 1_200)); // the state file is written at most every second
    first.kill("SIGKILL");
    await first.result;
    const labelled = { all: true, filters: { label: [`com.amazonaws.ecs.task-arn=${arn}`] } };
    expect((await docker.listContainers(labelled)).length).toBe(1);

    const second = start();
    const url2 = await endpointOf(second);
    try {
      expect(await docker.listContainers(labelled)).toEqual([]);
      const again = new ECSClient({ endpoint: url2, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
      const task = (await again.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0];
      again.destroy();
      expect(task.lastStatus).toBe("STOPPED");
      expect(task.stoppedReason).toContain("ecs-local was restarted");
    } finally {
      second.kill("SIGTERM");
      expect((await second.result).code).toBe(0);
    }
  });
});
