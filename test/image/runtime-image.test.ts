import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from "@aws-sdk/client-ecs";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseEngineAddress } from "../../packages/ecs-local/src/runtime/detect-engine.js";
import { emptyHome, spawnEcsflow } from "../cli/run-ecsflow.js";
import { eventually } from "../ecs-local/ecs-local-fixture.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "../worker/ecs-worker-fixture.js";

// The runtime image, built as a user builds it (`ecsflow image build`, spawned), then used as
// ECS would use it: tasks in real containers through ecs-local --runtime docker, the AWS SDK inside
// getting task-role credentials from the credentials endpoint, and an ECS worker running a
// TypeScript flow in it to COMPLETED.

const engineHost = inject("engineHost");
const skipReason = inject("engineSkipReason");
const TAG = "localhost/ecsflow:test";
const SDK_TAG = "localhost/ecsflow-flow:test";
const GROUP = "/ecs/runtime-image";

describe.skipIf(!engineHost)(`the ecsflow runtime image${engineHost ? "" : ` (skipped: ${skipReason})`}`, () => {
  let bed: EcsWorkerBed;
  let built: { tag: string; base: string; sizeBytes: number; productionPackages: number };
  let sdkBuilt: { tag: string; sizeBytes: number; productionPackages: number };
  let docker: Docker;

  beforeAll(async () => {
    const run = spawnEcsflow(["image", "build", "--tag", TAG, "--engine-host", engineHost!, "--json"], { ECSFLOW_HOME: emptyHome() });
    const result = await run.result;
    if (result.code !== 0) throw new Error(`ecsflow image build exited ${result.code}: ${result.stderr.slice(-2000)}`);
    built = JSON.parse(result.stdout);
    const sdkRun = await spawnEcsflow(["image", "build", "--sdk-only", "--tag", SDK_TAG, "--engine-host", engineHost!, "--json"], { ECSFLOW_HOME: emptyHome() }).result;
    if (sdkRun.code !== 0) throw new Error(`ecsflow image build --sdk-only exited ${sdkRun.code}: ${sdkRun.stderr.slice(-2000)}`);
    sdkBuilt = JSON.parse(sdkRun.stdout);
    docker = new Docker({ socketPath: parseEngineAddress(engineHost!)!.socketPath });
    bed = await startEcsWorkerBed({ runtime: "docker", engineHost: engineHost! });
  }, 900_000);
  afterAll(async () => bed?.close());

  it("is built with production dependencies only and runs as a non-root user", async () => {
    expect(built.tag).toBe(TAG);
    expect(built.productionPackages).toBeGreaterThan(50);
    const info = await docker.getImage(TAG).inspect();
    expect(info.Config.User).toBe("10001:10001");
    expect(info.Config.WorkingDir).toBe("/app");
    // Dev-only packages (the test runner, the type checker) are not in it.
    const probe = "const fs = require('node:fs'); console.log(['vitest', 'typescript', '@aws-sdk/client-ecs', 'fastify'].map(p => p + '=' + fs.existsSync('/app/node_modules/' + p)).join(' '))";
    const task = await runTask({ command: ["node", "-e", probe] });
    expect(task.containers![0].exitCode).toBe(0);
    expect(await logLines(task)).toContain("vitest=false typescript=false @aws-sdk/client-ecs=true fastify=true");
  });

  it("gives the AWS SDK inside the task its task role's credentials through the credentials endpoint", async () => {
    const script = [
      "const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');",
      "const sts = new STSClient({});",
      "(async () => {",
      "  const creds = await sts.config.credentials();",
      "  const who = await sts.send(new GetCallerIdentityCommand({}));",
      "  console.log('env-keys=' + (process.env.AWS_ACCESS_KEY_ID !== undefined) + ' key=' + creds.accessKeyId.slice(0, 4) + ' session=' + Boolean(creds.sessionToken) + ' account=' + who.Account);",
      "})().catch((e) => { console.log('failed ' + e.message); process.exit(1); });",
    ].join("\n");
    const task = await runTask({ command: ["node", "-e", script] }, { taskRoleArn: "arn:aws:iam::000000000000:role/ecsflow-test-task-role" });
    expect(await logLines(task)).toContain("env-keys=false key=ASIA session=true account=000000000000");
    expect(task.containers![0].exitCode).toBe(0);
  });

  it("runs a TypeScript flow from a deployment to COMPLETED, started by the ECS worker in a real container", async () => {
    const { done, logs } = await runHelloIn(TAG, "image-pool", "container");
    expect(done.state_type).toBe("COMPLETED");
    expect(logs).toEqual(expect.arrayContaining(["Hello, container!"]));
    // It ran in the engine: the run's task has an engine container ID.
    const [cluster, taskArn] = done.infrastructure_pid!.split("::");
    const task = (await bed.world.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks![0];
    expect(task.containers![0].runtimeId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("builds an SDK-only flow image without the CLI, server, worker or AWS SDK, and runs a deployment's flow in it", async () => {
    expect(sdkBuilt.tag).toBe(SDK_TAG);
    expect(sdkBuilt.sizeBytes).toBeLessThan(built.sizeBytes);
    expect(sdkBuilt.productionPackages).toBeLessThan(built.productionPackages);
    const probe = "const fs = require('node:fs'); console.log(['@ecsflow/sdk', '@ecsflow/client', 'ecsflow', '@ecsflow/server', '@ecsflow/worker', 'fastify', '@aws-sdk/client-ecs', 'better-sqlite3'].map(p => p + '=' + fs.existsSync('/app/node_modules/' + p)).join(' '))";
    const task = await runTask({ image: SDK_TAG, command: ["node", "-e", probe] });
    expect(await logLines(task)).toContain("@ecsflow/sdk=true @ecsflow/client=true ecsflow=false @ecsflow/server=false @ecsflow/worker=false fastify=false @aws-sdk/client-ecs=false better-sqlite3=false");
    // Its `ecsflow` runs flow runs and says what it is for anything else.
    const other = await runTask({ image: SDK_TAG, command: ["ecsflow", "server", "start"] });
    expect(other.containers![0].exitCode).toBe(2);
    expect((await logLines(other)).join("\n")).toContain("only ecsflow's SDK");

    const { done, logs } = await runHelloIn(SDK_TAG, "sdk-image-pool", "sdk image");
    expect(done.state_type).toBe("COMPLETED");
    expect(logs).toEqual(expect.arrayContaining(["Hello, sdk image!"]));
  });

  /** The hello example deployed to a new pool with `image`, one run of it by the ECS worker, to its end. */
  async function runHelloIn(image: string, pool: string, name: string) {
    await bed.pool(pool);
    const flow = (await bed.server.request<{ id: string }>("POST", "/flows/", { name: "hello" })).body;
    const dep = await bed.server.request<{ id: string }>("POST", "/deployments/", {
      name: `hello-in-${pool}`,
      flow_id: flow.id,
      work_pool_name: pool,
      entrypoint: "examples/hello.ts:hello",
      path: "/app",
      parameters: { name, times: 1 },
      job_variables: { image, launch_type: "EC2", network_configuration: {} },
    });
    expect(dep.status).toBeLessThan(300);
    const [runId] = await bed.runs(dep.body.id, 1);
    const worker = bed.worker(pool);
    const running = worker.run();
    try {
      const done = await until("the run to finish", async () => {
        const r = await bed.readRun(runId);
        return ["COMPLETED", "FAILED", "CRASHED"].includes(r.state_type ?? "") ? r : undefined;
      }, 300_000, async () => (await bed.readRun(runId)).state);
      return { done, logs: await bed.logsOf(runId) };
    } finally {
      worker.shutdown();
      await running;
    }
  }

  let families = 0;
  async function runTask(container: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Task> {
    const family = `image-${++families}`;
    await bed.world.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: "main",
            image: (container.image as string | undefined) ?? TAG,
            memory: 512,
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": GROUP, "awslogs-create-group": "true", "awslogs-stream-prefix": "t", "awslogs-region": "us-east-1" } },
            ...container,
          } as never,
        ],
        ...extra,
      }),
    );
    const arn = (await bed.world.ecs.send(new RunTaskCommand({ taskDefinition: family }))).tasks![0].taskArn!;
    return eventually(async () => {
      const t = (await bed.world.ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0];
      return t.lastStatus === "STOPPED" ? t : undefined;
    }, `task ${arn} STOPPED`, 180_000, 100);
  }

  async function logLines(task: Task): Promise<string[]> {
    const logs = new CloudWatchLogsClient(bed.world.clientConfig);
    try {
      const id = task.taskArn!.slice(task.taskArn!.lastIndexOf("/") + 1);
      const out = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: `t/main/${id}`, startFromHead: true }));
      return out.events!.map((e) => e.message!);
    } finally {
      logs.destroy();
    }
  }
});
