import { DescribeTasksCommand, ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { waitFor } from "../support/wait-for.js";
import { ecsflow, spawnEcsflow, STACK_FRAME } from "./run-ecsflow.js";

// `ecsflow up` and `ecsflow demo` as a user runs them (spawned, built CLI): the server, ecs-local
// and the worker as an ECS service all in that one process tree. What happened is read back through
// the API, ecs-local's ECS API and its admin API, and /proc for what is left running.

const AWS = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };

interface Ready {
  event: "ready";
  apiUrl: string;
  uiUrl: string;
  ecsLocalUrl: string;
  dataDir: string;
  pool: string;
  cluster: string;
  service: string;
  workerTaskArn: string;
  workerPid: number;
  runtime: "process" | "docker";
  deployments: string[];
  pid: number;
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Processes whose environment carries this data folder: `up` gives it to every task as ECSFLOW_HOME. */
function processesWithHome(dataDir: string): number[] {
  const needle = `ECSFLOW_HOME=${dataDir}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** The pid of a task's (first) container process, from ecs-local's admin API. */
async function taskPid(ecsLocalUrl: string, taskArn: string): Promise<number | undefined> {
  const res = await fetch(`${ecsLocalUrl}/_ecs-local/tasks/${encodeURIComponent(taskArn)}`);
  if (!res.ok) return undefined;
  const view = (await res.json()) as { containers: { pid?: number }[] };
  return view.containers[0]?.pid;
}

async function runningServiceTasks(ecs: ECSClient, ready: Ready): Promise<string[]> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: ready.cluster, serviceName: ready.service, desiredStatus: "RUNNING" }))).taskArns ?? [];
  if (arns.length === 0) return [];
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: ready.cluster, tasks: arns }))).tasks ?? [];
  return tasks.filter((t) => t.lastStatus === "RUNNING").map((t) => t.taskArn!);
}

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

const engineHost = inject("engineHost");
const engineSkipReason = inject("engineSkipReason");

/**
 * The user's path through `up`: ready, a run COMPLETED, the worker's process killed, the service's
 * replacement worker, a run queued meanwhile COMPLETED, then Ctrl-C and nothing left running.
 */
async function killTheWorkerScenario(runtimeArgs: string[], expectContainers: boolean): Promise<void> {
  {
    const dataDir = mkdtempSync(join(tmpdir(), "ecsflow-up-"));
    const up = spawnEcsflow(["up", "--port", "0", "--ecs-port", "0", "--data-dir", dataDir, "--json", ...runtimeArgs], { ECSFLOW_HOME: dataDir });
    cleanups.push(() => up.exitCode === null && up.kill("SIGKILL"));
    let stdout = "";
    up.stdout!.on("data", (c) => (stdout += c));
    const ready = (await waitFor(
      "`ecsflow up` to print its ready line",
      async () => {
        if (up.exitCode !== null) throw new Error(`up exited ${up.exitCode}: ${(await up.result).stderr}`);
        return jsonLines(stdout).find((l) => l.event === "ready");
      },
      // With an engine, the first `up` builds the runtime image.
      expectContainers ? 600_000 : 120_000,
    )) as unknown as Ready;
    expect(ready.runtime).toBe(expectContainers ? "docker" : "process");
    expect(ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(ready.uiUrl).toBe(ready.apiUrl.replace(/api$/, ""));
    expect(ready.deployments).toEqual(["hello/local-ecs", "etl/local-ecs", "flaky/local-ecs", "long-running/local-ecs"]);
    expect(existsSync(join(dataDir, "ecsflow.db"))).toBe(true);

    const client = new EcsflowClient({ apiUrl: ready.apiUrl });
    const ecs = new ECSClient({ endpoint: ready.ecsLocalUrl, ...AWS });
    const seenPids = new Set<number>([ready.pid]);
    try {
      // The worker is the one task of the provisioned service, and ecs-local's admin API knows its process.
      expect(await runningServiceTasks(ecs, ready)).toEqual([ready.workerTaskArn]);
      const workerPid = await taskPid(ready.ecsLocalUrl, ready.workerTaskArn);
      expect(workerPid).toBe(ready.workerPid);
      seenPids.add(workerPid!);
      const workerTask = (await ecs.send(new DescribeTasksCommand({ cluster: ready.cluster, tasks: [ready.workerTaskArn] }))).tasks![0];
      // The worker is a container of the service in an engine, a host process otherwise.
      expect(workerTask.attributes).toContainEqual({ name: "ecs-local.runtime", value: expectContainers ? "docker" : "process" });

      const hello = await client.readDeploymentByName("hello", "local-ecs");
      const runToEnd = async (runId: string) => {
        const run = await waitFor(`flow run ${runId} to end`, async () => {
          const r = await client.readFlowRun(runId);
          return ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(r.state_type ?? "") ? r : undefined;
        }, 120_000, 200);
        const [cluster, taskArn] = run.infrastructure_pid!.split("::");
        expect(cluster).toBe(ready.cluster);
        const pid = await taskPid(ready.ecsLocalUrl, taskArn);
        if (pid) seenPids.add(pid);
        return run;
      };
      const first = await client.createFlowRunFromDeployment(hello.id, { parameters: { name: "first" } });
      expect((await runToEnd(first.id)).state_type).toBe("COMPLETED");

      // Kill the worker's process; a run created now waits for the replacement.
      process.kill(workerPid!, "SIGKILL");
      const queued = await client.createFlowRunFromDeployment(hello.id, { parameters: { name: "queued" } });
      const replacement = await waitFor("the service to start a new worker task", async () => (await runningServiceTasks(ecs, ready)).find((arn) => arn !== ready.workerTaskArn), 60_000, 100);
      expect(replacement).not.toBe(ready.workerTaskArn);
      const newPid = await waitFor("the new worker's process", () => taskPid(ready.ecsLocalUrl, replacement));
      expect(newPid).not.toBe(workerPid);
      seenPids.add(newPid);
      const second = await runToEnd(queued.id);
      expect(second.state_type).toBe("COMPLETED");
      expect(second.infrastructure_pid).not.toBe(first.infrastructure_pid);
    } finally {
      ecs.destroy();
    }

    up.kill("SIGINT");
    const result = await up.result;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    for (const pid of seenPids) expect(alive(pid), `pid ${pid} still running`).toBe(false);
    expect(processesWithHome(dataDir)).toEqual([]);
  }
}

describe("ecsflow up", () => {
  it("runs the worker as an ECS service: runs complete, a killed worker is replaced, Ctrl-C leaves nothing behind", async () => {
    await killTheWorkerScenario(["--runtime", "process"], false);
  });

  it.skipIf(!engineHost)(`does the same with the worker and every run as containers of the runtime image${engineHost ? "" : ` (skipped: ${engineSkipReason})`}`, async () => {
    await killTheWorkerScenario(["--runtime", "docker", "--engine-host", engineHost!], true);
  });

  it("says what is wrong with a bad flag or a port in use, without a stack trace, and leaves nothing running", async () => {
    const bad = await ecsflow(["up", "--port", "http"], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a port number (0-65535), got "http"');
    const samePorts = await ecsflow(["up", "--port", "4999", "--ecs-port", "4999"], {});
    expect(samePorts.code).toBe(2);
    expect(samePorts.stderr).toContain("--port and --ecs-port are both 4999");

    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const busyPort = String((busy.address() as { port: number }).port);
    try {
      for (const [flag, other] of [
        ["--port", "--ecs-port"],
        ["--ecs-port", "--port"],
      ]) {
        const dataDir = mkdtempSync(join(tmpdir(), "ecsflow-up-busy-"));
        const r = await ecsflow(["up", flag, busyPort, other, "0", "--data-dir", dataDir], { ECSFLOW_HOME: dataDir });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`Port ${busyPort} on 127.0.0.1 is in use`);
        expect(r.stderr).toContain(`pick another with ${flag}`);
        expect(r.stderr).not.toMatch(STACK_FRAME);
        expect(processesWithHome(dataDir)).toEqual([]);
      }
    } finally {
      busy.close();
    }
  });
});

describe("ecsflow demo", () => {
  it("runs the hello example once, prints its timing and exits 0, removing what it made", async () => {
    const r = await ecsflow(["demo", "--json", "--runtime", "process"], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const [ready, demo] = jsonLines(r.stdout) as [Ready, Record<string, any>];
    expect(ready.event).toBe("ready");
    expect(demo).toMatchObject({ event: "demo", deployment: "hello/local-ecs", state: "COMPLETED", finished: true });
    expect(demo.taskArn).toMatch(/^arn:aws:ecs:[^:]+:\d+:task\/ecsflow-local-ecs\//);
    const steps = demo.timings as { step: string; at?: string; sinceCreatedMs?: number }[];
    expect(steps.map((s) => s.step)).toEqual(["created", "PENDING (worker claimed the run)", "ECS task created (RunTask)", "ECS task RUNNING (process started)", "flow RUNNING (its code started)", "COMPLETED"]);
    expect(steps.every((s) => s.at !== undefined && s.sinceCreatedMs! >= 0)).toBe(true);
    // Progress, states and logs went to stderr: the run's own log lines among them.
    expect(r.stderr).toContain("Hello, ecsflow!");
    expect(r.stderr).toContain("Timing of flow run");
    expect(existsSync(ready.dataDir)).toBe(false);
    expect(alive(ready.workerPid)).toBe(false);
  });
});
