import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { EcsLocalStateError, startEcsLocal } from "../../packages/ecs-local/src/index.js";
import { eventually, processExists, startFixture, waitForLogLine } from "./ecs-local-fixture.js";

const shell = (script: string, extra: object = {}) => ({ name: "main", image: "busybox", command: ["sh", "-c", script], memory: 64, ...extra });

describe("shutdown and --state-dir", () => {
  it("kills every task process on close and keeps clusters, tasks, services, secrets and logs for the next start", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "ecs-local-state-"));
    const first = await startFixture({ stateDir, shutdownGraceMs: 300 });
    const ecs = new ECSClient(first.config);
    const sm = new SecretsManagerClient(first.config);
    await sm.send(new CreateSecretCommand({ Name: "kept", SecretString: "still here" }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "polite", containerDefinitions: [shell("sleep 60")] }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "stubborn", containerDefinitions: [shell('trap "" TERM; echo ready; sleep 60 & wait; sleep 60', { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/kept", "awslogs-create-group": "true" } } })] }));
    const polite = (await ecs.send(new RunTaskCommand({ taskDefinition: "polite" }))).tasks![0].taskArn!;
    const stubborn = (await ecs.send(new RunTaskCommand({ taskDefinition: "stubborn" }))).tasks![0].taskArn!;
    await ecs.send(new CreateServiceCommand({ serviceName: "svc", taskDefinition: "polite", desiredCount: 1 }));
    const pids = await eventually(() => {
      const a = first.handle.admin.task(polite)!.containers[0].pid;
      const b = first.handle.admin.task(stubborn)!.containers[0].pid;
      return a && b ? [a, b] : undefined;
    }, "both tasks running");
    const serviceTask = await eventually(async () => (await ecs.send(new ListTasksCommand({ serviceName: "svc" }))).taskArns![0], "the service task");
    // The stubborn shell must have set its trap before close() signals it.
    await waitForLogLine(first.config, "/kept", stubborn.split("/").pop()!, "ready");
    ecs.destroy();
    sm.destroy();

    await first.handle.close();
    expect(pids.map(processExists)).toEqual([false, false]);
    expect(first.handle.admin.liveTasks()).toBe(0);
    expect(statSync(join(stateDir, "ecs-local-state.json")).mode & 0o777).toBe(0o600);

    const second = await startFixture({ stateDir });
    const ecs2 = new ECSClient(second.config);
    try {
      const tasks = (await ecs2.send(new DescribeTasksCommand({ tasks: [polite, stubborn, serviceTask] }))).tasks!;
      expect(tasks.map((t) => [t.lastStatus, t.stopCode, t.stoppedReason, t.containers![0].exitCode])).toEqual([
        ["STOPPED", "UserInitiated", "ecs-local was shut down", 143],
        ["STOPPED", "UserInitiated", "ecs-local was shut down", 137],
        ["STOPPED", "UserInitiated", "ecs-local was shut down", 143],
      ]);
      const secret = await new SecretsManagerClient(second.config).send(new GetSecretValueCommand({ SecretId: "kept" }));
      expect(secret.SecretString).toBe("still here");
      const groups = await new CloudWatchLogsClient(second.config).send(new DescribeLogGroupsCommand({}));
      expect(groups.logGroups!.map((g) => g.logGroupName)).toEqual(["/kept"]);
      // The service is still there and starts a task again.
      const replacement = await eventually(async () => {
        const arns = (await ecs2.send(new ListTasksCommand({ serviceName: "svc" }))).taskArns!;
        return arns.find((a) => a !== serviceTask);
      }, "the service's new task");
      expect(replacement).toBeDefined();
      expect((await ecs2.send(new DescribeServicesCommand({ services: ["svc"] }))).services![0].status).toBe("ACTIVE");
    } finally {
      ecs2.destroy();
      await second.handle.close();
    }
  });

  it("refuses to start on a corrupt state file rather than losing it", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "ecs-local-state-"));
    writeFileSync(join(stateDir, "ecs-local-state.json"), "{ half written");
    await expect(startEcsLocal({ port: 0, stateDir })).rejects.toBeInstanceOf(EcsLocalStateError);
    expect(readFileSync(join(stateDir, "ecs-local-state.json"), "utf8")).toBe("{ half written");
  });

  it("never writes secret values to its logs, even at trace level", async () => {
    let logged = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += chunk;
        done();
      },
    });
    const f = await startFixture({ logger: pino({ level: "trace" }, sink) });
    const sm = new SecretsManagerClient(f.config);
    const ecs = new ECSClient(f.config);
    try {
      const secret = await sm.send(new CreateSecretCommand({ Name: "pw", SecretString: "correct-horse-battery-staple" }));
      await sm.send(new GetSecretValueCommand({ SecretId: "pw" }));
      await ecs.send(new RegisterTaskDefinitionCommand({ family: "uses-secret", containerDefinitions: [shell('test "$PW" = correct-horse-battery-staple', { secrets: [{ name: "PW", valueFrom: secret.ARN }] })] }));
      const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: "uses-secret" }))).tasks![0].taskArn!;
      const stopped = await eventually(async () => {
        const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0];
        return t.lastStatus === "STOPPED" ? t : undefined;
      }, "the task to stop");
      // The process saw the secret (exit 0 means the comparison held)…
      expect(stopped.containers![0].exitCode).toBe(0);
      // …and the logs, which did record the calls, never did.
      expect(logged).toContain("task stopped");
      expect(logged).not.toContain("correct-horse-battery-staple");
    } finally {
      sm.destroy();
      ecs.destroy();
      await f.handle.close();
    }
  });
});

describe("stopped task retention", () => {
  it("forgets STOPPED tasks once the retention has passed (an hour by default)", async () => {
    const f = await startFixture({ stoppedTaskRetentionMs: 0 });
    const ecs = new ECSClient(f.config);
    try {
      await ecs.send(new RegisterTaskDefinitionCommand({ family: "brief", containerDefinitions: [shell("true")] }));
      const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: "brief" }))).tasks![0].taskArn!;
      await eventually(() => (f.handle.admin.task(arn)?.lastStatus === "STOPPED" ? true : undefined), "the task to stop");
      const described = await ecs.send(new DescribeTasksCommand({ tasks: [arn] }));
      expect(described.tasks).toEqual([]);
      expect(described.failures).toEqual([{ arn, reason: "MISSING" }]);
    } finally {
      ecs.destroy();
      await f.handle.close();
    }
  });
});
