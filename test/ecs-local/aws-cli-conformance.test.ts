import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_CLI, awsCliAvailable, eventually, expectAnswersMatchModels, processExists, referenceAvailable, startFixture, type Fixture } from "./ecs-local-fixture.js";

/**
 * The real AWS CLI v2 (Debian's `awscli`, botocore's models and waiters) against ecs-local, with
 * only --endpoint-url changed. The server runs in this process, so the CLI is always run
 * asynchronously.
 */
let f: Fixture;
let dir: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

function aws(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ["--endpoint-url", f.handle.url, "--output", "json", ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_PAGER: "",
          AWS_CONFIG_FILE: join(dir, "no-config"),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
        },
        timeout: 120_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
      },
    );
  });
}

async function ok(...args: string[]): Promise<any> {
  const r = await aws(...args);
  if (r.code !== 0) throw new Error(`aws ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim() === "" ? {} : r.json();
}

beforeAll(async () => {
  if (!awsCliAvailable) return;
  f = await startFixture();
  dir = mkdtempSync(join(tmpdir(), "ecs-local-cli-"));
  writeFileSync(
    join(dir, "taskdef.json"),
    JSON.stringify({
      family: "cli-td",
      containerDefinitions: [
        {
          name: "main",
          image: "busybox",
          essential: true,
          memory: 64,
          command: ["sh", "-c", "echo hello from the cli task; sleep 60"],
          logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/cli", "awslogs-create-group": "true", "awslogs-stream-prefix": "cli", "awslogs-region": "us-east-1" } },
        },
      ],
    }),
  );
  writeFileSync(join(dir, "trust.json"), JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }));
});

afterAll(async () => {
  await f?.handle.close();
});

// The scenarios are independent, so they run concurrently: each CLI call costs a Python start.
describe.skipIf(!awsCliAvailable)("AWS CLI v2 against ecs-local (skipped: /usr/bin/aws is absent; install it with apt-get install -y awscli)", { concurrent: true, timeout: 180_000 }, () => {
  it("registers a task definition from a JSON file, runs a task, waits for it RUNNING and STOPPED, and reads its logs", async () => {
    const registered = await ok("ecs", "register-task-definition", "--cli-input-json", `file://${join(dir, "taskdef.json")}`);
    expect(registered.taskDefinition).toMatchObject({ family: "cli-td", revision: 1, status: "ACTIVE" });
    const run = await ok("ecs", "run-task", "--task-definition", "cli-td", "--started-by", "cli-test");
    const taskArn: string = run.tasks[0].taskArn;
    expect(run.failures).toEqual([]);
    await ok("ecs", "wait", "tasks-running", "--tasks", taskArn);
    const running = await ok("ecs", "describe-tasks", "--tasks", taskArn);
    expect(running.tasks[0]).toMatchObject({ lastStatus: "RUNNING", startedBy: "cli-test" });
    const stopping = await ok("ecs", "stop-task", "--task", taskArn, "--reason", "stopped from the cli");
    expect(stopping.task.desiredStatus).toBe("STOPPED");
    await ok("ecs", "wait", "tasks-stopped", "--tasks", taskArn);
    const stopped = await ok("ecs", "describe-tasks", "--tasks", taskArn);
    expect(stopped.tasks[0]).toMatchObject({ lastStatus: "STOPPED", stopCode: "UserInitiated", stoppedReason: "stopped from the cli" });
    expect(stopped.tasks[0].containers[0].exitCode).toBe(143);
    const events = await ok("logs", "get-log-events", "--log-group-name", "/cli", "--log-stream-name", `cli/main/${taskArn.split("/").pop()}`, "--start-from-head");
    expect(events.events.map((e: { message: string }) => e.message)).toEqual(["hello from the cli task"]);
  });

  it("creates a service and watches it replace a killed task", async () => {
    // The same JSON file, registered under another family: flags override --cli-input-json.
    await ok("ecs", "register-task-definition", "--cli-input-json", `file://${join(dir, "taskdef.json")}`, "--family", "cli-svc-td");
    const created = await ok("ecs", "create-service", "--service-name", "cli-svc", "--task-definition", "cli-svc-td", "--desired-count", "1");
    expect(created.service).toMatchObject({ serviceName: "cli-svc", desiredCount: 1, status: "ACTIVE" });
    const first: string = await eventually(async () => (await ok("ecs", "list-tasks", "--service-name", "cli-svc")).taskArns[0], "the service's first task");
    await ok("ecs", "wait", "tasks-running", "--tasks", first);
    const pid = f.handle.admin.task(first)!.containers[0].pid!;
    process.kill(pid, "SIGKILL");
    const replacement: string = await eventually(async () => (await ok("ecs", "list-tasks", "--service-name", "cli-svc")).taskArns.find((a: string) => a !== first), "a replacement task");
    await ok("ecs", "wait", "tasks-running", "--tasks", replacement);
    const killed = await ok("ecs", "describe-tasks", "--tasks", first);
    expect(killed.tasks[0]).toMatchObject({ lastStatus: "STOPPED", stopCode: "EssentialContainerExited" });
    expect(killed.tasks[0].containers[0].exitCode).toBe(137);
    expect(processExists(pid)).toBe(false);
    const service = await ok("ecs", "describe-services", "--services", "cli-svc");
    expect(service.services[0].events.map((e: { message: string }) => e.message)).toContain(`(service cli-svc) has started 1 tasks: (task ${replacement.split("/").pop()}).`);
    await ok("ecs", "delete-service", "--service", "cli-svc", "--force");
  });

  it("describes subnets, reads a secret, creates a role and says who the caller is", async () => {
    const [subnets, , role, me] = await Promise.all([
      ok("ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=vpc-0e5c10ca1de5a0001"),
      ok("secretsmanager", "create-secret", "--name", "cli/secret", "--secret-string", "s3cr3t"),
      ok("iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", `file://${join(dir, "trust.json")}`),
      ok("sts", "get-caller-identity"),
    ]);
    expect(subnets.Subnets.map((s: { SubnetId: string }) => s.SubnetId)).toEqual(["subnet-0e5c10ca1de5a000a", "subnet-0e5c10ca1de5a000b", "subnet-0e5c10ca1de5a000c"]);
    expect(role.Role).toMatchObject({ RoleName: "cli-role", Arn: "arn:aws:iam::000000000000:role/cli-role" });
    expect(role.Role.AssumeRolePolicyDocument.Statement[0].Principal.Service).toBe("ecs-tasks.amazonaws.com");
    expect(me.Account).toBe("000000000000");
    const secret = await ok("secretsmanager", "get-secret-value", "--secret-id", "cli/secret");
    expect(secret.SecretString).toBe("s3cr3t");
  });

  it("puts an EventBridge rule for ECS task state changes with an SQS target, and reads it back", async () => {
    const pattern = JSON.stringify({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"] });
    const rule = await ok("events", "put-rule", "--name", "cli-tasks", "--event-pattern", pattern);
    expect(rule.RuleArn).toBe("arn:aws:events:us-east-1:000000000000:rule/cli-tasks");
    const targets = await ok("events", "put-targets", "--rule", "cli-tasks", "--targets", "Id=q,Arn=arn:aws:sqs:us-east-1:000000000000:cli-q");
    expect(targets.FailedEntryCount).toBe(0);
    expect((await ok("events", "list-targets-by-rule", "--rule", "cli-tasks")).Targets).toEqual([{ Id: "q", Arn: "arn:aws:sqs:us-east-1:000000000000:cli-q" }]);
    expect(await ok("events", "describe-rule", "--name", "cli-tasks")).toMatchObject({ Name: "cli-tasks", State: "ENABLED", EventPattern: pattern });
  });

  it("exits non-zero naming AWS's error code for bad requests", async () => {
    const results = await Promise.all([
      aws("ecs", "describe-tasks", "--cluster", "nope", "--tasks", "x"),
      aws("ecs", "run-task", "--task-definition", "no-such-family"),
      aws("iam", "get-role", "--role-name", "nobody"),
      aws("ec2", "describe-subnets", "--subnet-ids", "subnet-0123456789abcdef0"),
      aws("secretsmanager", "get-secret-value", "--secret-id", "missing"),
      aws("logs", "get-log-events", "--log-group-name", "/nope", "--log-stream-name", "s"),
    ]);
    expect(results.map((r) => [r.code, /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1]])).toEqual([
      [254, "ClusterNotFoundException"],
      [254, "InvalidParameterException"],
      [254, "NoSuchEntity"],
      [254, "InvalidSubnetID.NotFound"],
      [254, "ResourceNotFoundException"],
      [254, "ResourceNotFoundException"],
    ]);
  });

});

describe.skipIf(!awsCliAvailable)("AWS CLI answers", () => {
  it.skipIf(!referenceAvailable)("match botocore's models (skipped without ../shared/reference/aws)", () => {
    expect(expectAnswersMatchModels(f.exchanges).checked).toBeGreaterThan(20);
  });
});
