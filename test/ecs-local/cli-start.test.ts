import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { afterAll, describe, expect, it } from "vitest";
import { startEcsLocal } from "../../packages/ecs-local/src/index.js";
import { eventually, processExists, waitForLogLine } from "./ecs-local-fixture.js";

const REPO = resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];

function cli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--conditions=ecsflow-source", "--import", "tsx", "test/ecs-local/fixtures/run-cli.ts", ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ECSFLOW_HOME: resolve(REPO, ".test-results/ecsflow-home"), ECSFLOW_LOGGING_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

describe("ecsflow ecs-local start", () => {
  it("explains itself with --help", async () => {
    const run = cli(["ecs-local", "start", "--help"]);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain("--state-dir <dir>");
    expect(run.stdout()).toContain("AWS_ENDPOINT_URL");
  });

  it("refuses a malformed flag with the usage exit code", async () => {
    const run = cli(["ecs-local", "start", "--port", "eighty"]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain("--port must be a valid number");
  });

  it("refuses an unknown runtime, and an engine that does not answer, naming what to do", async () => {
    const bad = cli(["ecs-local", "start", "--runtime", "kubernetes"]);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain('--runtime must be auto, docker or process, got "kubernetes"');
    const absent = cli(["ecs-local", "start", "--port", "0", "--runtime", "docker", "--engine-host", "unix:///nonexistent/ecsflow-test.sock"]);
    expect(await absent.exit).toBe(2);
    expect(absent.stderr()).toContain("No container engine answers at unix:///nonexistent/ecsflow-test.sock");
    expect(absent.stderr()).toContain("--runtime process");
    expect(absent.stderr()).not.toMatch(/\n\s+at /);
  });

  it("falls back to host processes with --runtime auto when no engine answers, and says so", async () => {
    const run = cli(["ecs-local", "start", "--port", "0", "--json", "--runtime", "auto", "--engine-host", "unix:///nonexistent/ecsflow-test.sock"]);
    const started = await eventually(() => {
      const text = run.stdout();
      return text.includes("}") ? (JSON.parse(text) as { runtime: string }) : undefined;
    }, "the endpoint on stdout");
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    // Where Docker's or Podman's default socket answers on a developer's machine, auto rightly picks it.
    const defaultEngine = ["/var/run/docker.sock", "/run/podman/podman.sock"].some((p) => existsSync(p));
    expect(defaultEngine ? ["process", "docker"] : ["process"]).toContain(started.runtime);
  });

  it("says so, with the usage exit code, when the port is taken", async () => {
    const taken = await startEcsLocal({ port: 0, limits: false });
    try {
      const run = cli(["ecs-local", "start", "--port", String(taken.port)]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(`Port ${taken.port} on 127.0.0.1 is in use`);
    } finally {
      await taken.close();
    }
  });

  it("serves AWS calls and, on SIGTERM (even twice), stops its task processes and exits 0", async () => {
    const run = cli(["ecs-local", "start", "--port", "0", "--json", "--profile", "instant", "--no-limits", "--shutdown-grace", "2000", "--runtime", "process"]);
    const { url } = await eventually(() => {
      const text = run.stdout();
      return text.includes("}") ? (JSON.parse(text) as { url: string }) : undefined;
    }, "the endpoint on stdout");
    const ecs = new ECSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "cli-start", containerDefinitions: [{ name: "main", image: "busybox", command: ["sh", "-c", 'trap "" TERM; echo ready; sleep 60 & wait; sleep 60'], memory: 64, logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/cli-start", "awslogs-create-group": "true" } } }] }));
    const task = (await ecs.send(new RunTaskCommand({ taskDefinition: "cli-start" }))).tasks![0];
    ecs.destroy();
    const pid: number = await eventually(async () => {
      const view = (await (await fetch(`${url}/_ecs-local/tasks/${task.taskArn!.split("/").pop()}`)).json()) as any;
      return view.lastStatus === "RUNNING" ? view.containers[0].pid : undefined;
    }, "the task's host process");
    expect(processExists(pid)).toBe(true);
    await waitForLogLine({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 }, "/cli-start", task.taskArn!.split("/").pop()!, "ready");
    // The task ignores SIGTERM, so stopping takes the grace period; a second signal must not cut it short.
    run.child.kill("SIGTERM");
    await eventually(() => (run.stderr().includes("Received SIGTERM") ? true : undefined), "the first signal to be seen");
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(processExists(pid)).toBe(false);
    expect(run.stderr()).toContain("Received SIGTERM again");
  });
});
