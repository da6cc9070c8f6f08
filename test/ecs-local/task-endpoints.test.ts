import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startFixture, type Fixture } from "./ecs-local-fixture.js";

// What a task reaches from inside, as on ECS, in host-process mode (the container-mode twins are in
// container-runtime.test.ts and test/image): the task metadata endpoint v4, and task-role
// credentials that the AWS SDK's default chain finds with nothing but the agent's variables.

const GROUP = "/ecs/endpoints";

describe("task metadata and credentials endpoints", () => {
  let fx: Fixture;
  let ecs: ECSClient;
  let logs: CloudWatchLogsClient;
  let n = 0;

  beforeAll(async () => {
    fx = await startFixture();
    ecs = new ECSClient(fx.config);
    logs = new CloudWatchLogsClient(fx.config);
  });
  afterAll(async () => {
    ecs?.destroy();
    logs?.destroy();
    await fx?.handle.close();
  });

  async function runNode(script: string, extra: Record<string, unknown> = {}): Promise<{ task: Task; lines: string[] }> {
    const family = `endpoints-${++n}`;
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: "app",
            image: "node",
            memory: 128,
            command: ["node", "-e", script],
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": GROUP, "awslogs-create-group": "true", "awslogs-stream-prefix": "e", "awslogs-region": "us-east-1" } },
          },
        ],
        ...extra,
      }),
    );
    const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: family }))).tasks![0].taskArn!;
    const task = await eventually(async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0];
      return t.lastStatus === "STOPPED" ? t : undefined;
    }, `${arn} STOPPED`);
    const id = arn.slice(arn.lastIndexOf("/") + 1);
    const out = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: `e/app/${id}`, startFromHead: true }));
    return { task, lines: out.events!.map((e) => e.message!) };
  }

  it("answers ECS_CONTAINER_METADATA_URI_V4 and /task with the task's own facts", async () => {
    const script = `(async () => {
      const base = process.env.ECS_CONTAINER_METADATA_URI_V4;
      const c = await (await fetch(base)).json();
      const t = await (await fetch(base + "/task")).json();
      const stats = (await fetch(base + "/task/stats")).status;
      console.log(JSON.stringify({ same: process.env.ECS_CONTAINER_METADATA_URI === base, name: c.Name, arn: c.ContainerARN, dockerId: c.DockerId, task: t.TaskARN, family: t.Family, revision: t.Revision, launchType: t.LaunchType, known: t.KnownStatus, containers: t.Containers.length, stats }));
    })()`;
    const { task, lines } = await runNode(script);
    expect(task.containers![0].exitCode).toBe(0);
    const seen = JSON.parse(lines.find((l) => l.startsWith("{"))!);
    expect(seen).toEqual({
      same: true,
      name: "app",
      arn: task.containers![0].containerArn,
      dockerId: task.containers![0].runtimeId,
      task: task.taskArn,
      family: task.taskDefinitionArn!.split("/").pop()!.split(":")[0],
      revision: "1",
      launchType: task.launchType,
      known: "RUNNING",
      containers: 1,
      stats: 200,
    });
  });

  it("gives the AWS SDK the task role's credentials, and no static keys, when the task has a role", async () => {
    const script = `
      const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
      const sts = new STSClient({});
      (async () => {
        const creds = await sts.config.credentials();
        await sts.send(new GetCallerIdentityCommand({}));
        console.log("static=" + (process.env.AWS_ACCESS_KEY_ID !== undefined) + " prefix=" + creds.accessKeyId.slice(0, 4) + " token=" + Boolean(creds.sessionToken) + " expires=" + (creds.expiration > new Date()));
        // The same URI without the authorization token is refused.
        const bare = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
        const guessed = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI.replace(/[^/]+$/, "00000000-0000-0000-0000-000000000000"), { headers: { authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } });
        console.log("bare=" + bare.status + " guessed=" + guessed.status);
      })().catch((e) => { console.log("failed " + e.message); process.exit(1); });`;
    const { task, lines } = await runNode(script, { taskRoleArn: "arn:aws:iam::000000000000:role/app-role" });
    expect(lines).toEqual(expect.arrayContaining(["static=false prefix=ASIA token=true expires=true", "bare=401 guessed=401"]));
    expect(task.containers![0].exitCode).toBe(0);
  });

  it("keeps placeholder keys for a task without a role, and forgets a stopped task's tokens", async () => {
    const script = `console.log("uri=" + process.env.ECS_CONTAINER_METADATA_URI_V4 + " creds=" + (process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "none") + " static=" + (process.env.AWS_ACCESS_KEY_ID !== undefined))`;
    const { lines } = await runNode(script);
    const line = lines.find((l) => l.startsWith("uri="))!;
    expect(line).toMatch(/ creds=none static=true$/);
    const uri = /^uri=(\S+)/.exec(line)![1];
    expect(uri.startsWith(fx.handle.url)).toBe(true);
    expect((await fetch(uri)).status).toBe(404);
  });
});
