import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTaskDefinitionsCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { waitFor } from "../support/wait-for.js";
import { ecsflow, spawnEcsflow, STACK_FRAME } from "./run-ecsflow.js";

// `ecsflow up --generate-api-key` as a user runs it: the server requires the key, the worker (an ECS
// service task in ecs-local) and its flow runs get it from Secrets Manager, and the key's value is
// in no task definition, no task, no log line, no error: only once, in the ready line.

const PLACEHOLDER = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

describe("ecsflow up with an API key", () => {
  it("runs a flow with the key from Secrets Manager, and the key is in no task definition, task or log", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ecsflow-up-auth-"));
    const up = spawnEcsflow(["up", "--port", "0", "--ecs-port", "0", "--data-dir", dataDir, "--json", "--runtime", "process", "--generate-api-key"], { ECSFLOW_HOME: dataDir, ECSFLOW_LOGGING_LEVEL: "info" });
    cleanups.push(() => up.exitCode === null && up.kill("SIGKILL"));
    let stdout = "";
    up.stdout!.on("data", (c) => (stdout += c));
    const ready = await waitFor(
      "`ecsflow up` to print its ready line",
      async () => {
        if (up.exitCode !== null) throw new Error(`up exited ${up.exitCode}: ${(await up.result).stderr}`);
        const line = stdout.split("\n").find((l) => l.startsWith('{"event":"ready"'));
        return line ? (JSON.parse(line) as { apiUrl: string; ecsLocalUrl: string; cluster: string; apiKey: string; auth: string; ecsLocalCredentials: { accessKeyId: string; secretAccessKey: string; adminToken: string } }) : undefined;
      },
      120_000,
    );
    const key = ready.apiKey;
    expect(ready.auth).toBe("api-key");
    expect(key).toMatch(/^pnu_[A-Za-z0-9_-]{32}$/);

    const { adminToken, ...credentials } = ready.ecsLocalCredentials;
    const AWS = { region: "us-east-1", credentials };
    const ecs = new ECSClient({ endpoint: ready.ecsLocalUrl, ...AWS });
    const logs = new CloudWatchLogsClient({ endpoint: ready.ecsLocalUrl, ...AWS });
    try {
      // ecs-local holds the key in its Secrets Manager: it takes only this run's credentials now.
      const stranger = new SecretsManagerClient({ endpoint: ready.ecsLocalUrl, ...PLACEHOLDER });
      const denied = await stranger.send(new GetSecretValueCommand({ SecretId: "ecsflow/local-ecs/api-key" })).then(
        () => "ok",
        (err: Error) => err.name,
      );
      stranger.destroy();
      expect(denied).toBe("UnrecognizedClientException");
      expect((await fetch(`${ready.ecsLocalUrl}/_ecs-local/counters`)).status).toBe(401);
      expect((await fetch(`${ready.ecsLocalUrl}/_ecs-local/counters`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(200);
      const sm = new SecretsManagerClient({ endpoint: ready.ecsLocalUrl, ...AWS });
      expect((await sm.send(new GetSecretValueCommand({ SecretId: "ecsflow/local-ecs/api-key" }))).SecretString).toBe(key);
      sm.destroy();

      // The API needs the key; the client that has it gets through.
      expect((await fetch(`${ready.apiUrl}/flows/filter`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
      const noKey = new EcsflowClient({ apiUrl: ready.apiUrl, retry: { maxAttempts: 1 } });
      const refused = await noKey.readDeploymentByName("hello", "local-ecs").then(
        () => "ok",
        (err: Error) => err.message,
      );
      expect(refused).not.toBe("ok");
      expect(refused).not.toContain(key);
      const client = new EcsflowClient({ apiUrl: ready.apiUrl, apiKey: key });

      // A run COMPLETED: the worker reached the API with the key, and so did the flow run's task.
      const hello = await client.readDeploymentByName("hello", "local-ecs");
      const created = await client.createFlowRunFromDeployment(hello.id, { parameters: { name: "secret-keeper" } });
      const run = await waitFor(
        "the flow run to end",
        async () => {
          const r = await client.readFlowRun(created.id);
          return ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(r.state_type ?? "") ? r : undefined;
        },
        120_000,
        200,
      );
      expect(run.state_type).toBe("COMPLETED");

      // Every task definition ecs-local registered: the worker's names the secret, none holds the value.
      const arns = (await ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns ?? [];
      expect(arns.length).toBeGreaterThanOrEqual(2);
      const definitions = await Promise.all(arns.map(async (arn) => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] })))));
      for (const d of definitions) expect(JSON.stringify(d), d.taskDefinition?.taskDefinitionArn).not.toContain(key);
      const secretsNamed = definitions.flatMap((d) => d.taskDefinition?.containerDefinitions?.flatMap((c) => c.secrets ?? []) ?? []);
      expect(secretsNamed.map((s) => s.name).sort()).toEqual(expect.arrayContaining(["ECSFLOW_API_KEY", "PREFECT_API_KEY"]));
      for (const d of definitions) for (const c of d.taskDefinition?.containerDefinitions ?? []) expect((c.environment ?? []).map((e) => e.name)).not.toContain("PREFECT_API_KEY");

      // Every task (the worker, the flow run), with its overrides.
      const taskArns = [...((await ecs.send(new ListTasksCommand({ cluster: ready.cluster }))).taskArns ?? []), ...((await ecs.send(new ListTasksCommand({ cluster: ready.cluster, desiredStatus: "STOPPED" }))).taskArns ?? [])];
      expect(taskArns.length).toBeGreaterThanOrEqual(2);
      const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: ready.cluster, tasks: taskArns }))).tasks ?? [];
      expect(tasks).toHaveLength(taskArns.length);
      expect(JSON.stringify(tasks)).not.toContain(key);

      // Every log line: the run's in the API, every stream in CloudWatch Logs.
      const runLogs = await client.filterLogs({ logs: { flow_run_id: { any_: [run.id] } } });
      expect(runLogs.length).toBeGreaterThan(0);
      expect(JSON.stringify(runLogs)).not.toContain(key);
      const groups = (await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
      let events = 0;
      for (const g of groups) {
        const found = (await logs.send(new FilterLogEventsCommand({ logGroupName: g.logGroupName }))).events ?? [];
        events += found.length;
        expect(JSON.stringify(found)).not.toContain(key);
      }
      expect(events).toBeGreaterThan(0);
    } finally {
      ecs.destroy();
      logs.destroy();
    }

    up.kill("SIGINT");
    const result = await up.result;
    expect(result.code, result.stderr).toBe(0);
    // Shown once, in the ready line; in none of the progress, log or error lines on stderr.
    expect(result.stdout.split(key).length - 1).toBe(1);
    expect(result.stderr).not.toContain(key);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it("refuses --api-key with --generate-api-key, and a short key, without echoing it", async () => {
    const both = await ecsflow(["up", "--api-key", "pnu_given_key_0123456789", "--generate-api-key"], {});
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("Pass --api-key or --generate-api-key, not both.");
    const short = await ecsflow(["up", "--api-key", "shortkey"], {});
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("--api-key must be at least 16 printable characters");
    expect(short.stderr + short.stdout).not.toContain("shortkey");
  });
});
