// A restarted ECS worker adopts what its predecessor left: tasks it started (recorded or not),
// runs it claimed but never launched, and cancellations. The last test kills `ecsflow worker start
// --type ecs` with SIGKILL mid-batch and starts the command again: no run stays PENDING/RUNNING, none is
// launched twice, and the adopted tasks' ends are reported. (It runs the built CLI: `npm run build`.)

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeJob, render, taskArnOf } from "./infrastructure/ecs/ecs-fixture.js";
import { CREDENTIALS, REGION, startEcsWorkerBed, until, type EcsWorkerBed } from "./ecs-worker-fixture.js";

const BIN = resolve(import.meta.dirname, "../../packages/cli/bin/ecsflow.js");
const BUILT = existsSync(resolve(import.meta.dirname, "../../packages/cli/dist/main.js"));

let bed: EcsWorkerBed;
beforeAll(async () => {
  bed = await startEcsWorkerBed();
});
afterAll(async () => {
  await bed?.close();
});

const FINAL = ["COMPLETED", "CRASHED", "CANCELLED", "FAILED"];
const final = async (id: string) => {
  const run = await bed.readRun(id);
  return FINAL.includes(run.state_type ?? "") ? run : undefined;
};
const GONE = "default::arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef";
const tokensOf = (id: string) => bed.world.ecsLocal.admin.counters().tasksByClientToken[`${id}:0`] ?? 0;

/** Claims a run the way a worker does (PENDING), and returns it. */
async function claim(id: string) {
  expect((await bed.client.setFlowRunState(id, { type: "PENDING", name: "Pending" })).status).toBe("ACCEPT");
  return bed.readRun(id);
}

describe("a restarted ECS worker", () => {
  it("reports the end of a task its predecessor started and recorded", async () => {
    await bed.pool("adopt-recorded");
    const dep = await bed.deployment("adopt-recorded", { command: "sh -c 'sleep 60'" });
    const [id] = await bed.runs(dep, 1);
    const first = bed.worker("adopt-recorded");
    const loop = first.run();
    const pid = await until("the task id recorded", async () => (await bed.readRun(id)).infrastructure_pid ?? undefined);
    // The predecessor goes away: it stops watching, the task runs on.
    first.shutdown();
    await loop;
    // Claimed, or already shown RUNNING if the worker saw the task running before it left.
    expect(["PENDING", "RUNNING"]).toContain((await bed.readRun(id)).state_type);

    const second = bed.worker("adopt-recorded");
    const loop2 = second.run();
    await until("the run adopted", async () => second.getStatus().runningFlowRuns === 1);
    await until("the task RUNNING", async () => bed.world.ecsLocal.admin.task(taskArnOf(pid))?.lastStatus === "RUNNING");
    // The adopted run is tracked: cancelling it stops its task and ends it CANCELLED.
    expect((await bed.client.setFlowRunState(id, { type: "CANCELLING", name: "Cancelling" })).status).toBe("ACCEPT");
    const run = await until("a final state", () => final(id));
    second.shutdown();
    await loop2;
    expect(run.state_type).toBe("CANCELLED");
    expect(run.infrastructure_pid).toBe(pid);
    expect(tokensOf(id)).toBe(1);
    expect((await bed.logsOf(id)).join("\n")).toContain("adopted the run's infrastructure");
  });

  it("finds and records a task started for a claimed run whose id was never recorded, without launching another", async () => {
    await bed.pool("adopt-unrecorded");
    const dep = await bed.deployment("adopt-unrecorded", { command: "sh -c 'sleep 1; exit 3'" });
    const [id] = await bed.runs(dep, 1);
    const run = await claim(id);
    // The predecessor's RunTask went through, then it died before PATCHing infrastructure_pid.
    const { configuration } = render({ flowRun: run, variables: { command: "sh -c 'sleep 1; exit 3'" }, templateOverrides: {} });
    const predecessor = bed.infrastructure();
    const job = makeJob(configuration, { ...run, work_pool_name: "adopt-unrecorded" });
    void predecessor.run(job.job);
    const pid = await until("the predecessor's task", async () => job.started[0]);
    await predecessor.teardown();
    expect((await bed.readRun(id)).infrastructure_pid).toBeNull();

    const worker = bed.worker("adopt-unrecorded");
    const loop = worker.run();
    const ended = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    expect(ended.infrastructure_pid).toBe(pid);
    expect(ended.state_type).toBe("CRASHED");
    expect(ended.state?.message).toContain("Exit code 3");
    expect(tokensOf(id)).toBe(1);
  });

  it("submits a claimed run that was never launched, exactly once", async () => {
    await bed.pool("adopt-unlaunched");
    const dep = await bed.deployment("adopt-unlaunched", { command: "sh -c 'exit 0'" });
    const [id] = await bed.runs(dep, 1);
    await claim(id);
    const worker = bed.worker("adopt-unlaunched");
    const loop = worker.run();
    const ended = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    expect(ended.state_type).toBe("COMPLETED");
    expect(tokensOf(id)).toBe(1);
    expect((await bed.logsOf(id)).join("\n")).toContain("submitting this claimed run again after a worker restart");
  });

  it("ends a RUNNING run whose recorded task no longer exists CRASHED, saying why", async () => {
    await bed.pool("adopt-gone");
    const dep = await bed.deployment("adopt-gone", { command: "sh -c 'exit 0'" });
    const [id] = await bed.runs(dep, 1);
    await claim(id);
    expect((await bed.client.setFlowRunState(id, { type: "RUNNING", name: "Running" })).status).toBe("ACCEPT");
    await bed.client.updateFlowRun(id, { infrastructure_pid: GONE });
    const worker = bed.worker("adopt-gone");
    const loop = worker.run();
    const ended = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    expect(ended.state_type).toBe("CRASHED");
    expect(ended.state?.message).toContain("no longer exists");
    expect(tokensOf(id)).toBe(0);
  });

  it("submits again, once, a claimed (PENDING) run whose recorded task no longer exists", async () => {
    await bed.pool("adopt-gone-pending");
    const dep = await bed.deployment("adopt-gone-pending", { command: "sh -c 'exit 0'" });
    const [id] = await bed.runs(dep, 1);
    await claim(id);
    await bed.client.updateFlowRun(id, { infrastructure_pid: GONE });
    const worker = bed.worker("adopt-gone-pending");
    const loop = worker.run();
    const ended = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    expect(ended.state_type).toBe("COMPLETED");
    expect(ended.infrastructure_pid).not.toBe(GONE);
    expect(tokensOf(id)).toBe(1);
    expect((await bed.logsOf(id)).join("\n")).toContain("Submitting the claimed run again");
  });

  it("does not take the stopped task of an earlier scheduling for a claimed run's: it launches the run's own", async () => {
    await bed.pool("adopt-earlier");
    const dep = await bed.deployment("adopt-earlier", { command: "sh -c 'exit 0'" });
    const [id] = await bed.runs(dep, 1);
    // An earlier scheduling of the run ran a task that failed; then the run was claimed again with its id still recorded.
    const scheduled = await bed.readRun(id);
    const { configuration } = render({ flowRun: { ...scheduled, job_variables: { command: "sh -c 'exit 3'" } } });
    const earlier = makeJob(configuration, { ...scheduled, work_pool_name: "adopt-earlier" });
    expect((await bed.infrastructure().run(earlier.job)).exitCode).toBe(3);
    await claim(id);
    await bed.client.updateFlowRun(id, { infrastructure_pid: earlier.started[0] });
    const worker = bed.worker("adopt-earlier");
    const loop = worker.run();
    const ended = await until("a final state", () => final(id));
    worker.shutdown();
    await loop;
    expect(ended.state_type).toBe("COMPLETED");
    expect(ended.infrastructure_pid).not.toBe(earlier.started[0]);
    // The earlier scheduling's token, then the next one (run-task.ts): one task each.
    const tokens = Object.entries(bed.world.ecsLocal.admin.counters().tasksByClientToken).filter(([k]) => k.startsWith(id));
    expect(tokens).toEqual([
      [`${id}:0`, 1],
      [`${id}:0:1`, 1],
    ]);
    expect((await bed.logsOf(id)).join("\n")).toContain("belongs to an earlier scheduling");
  });
});

describe("cancellation of a run whose task is already stopped, or gone", () => {
  it("ends both CANCELLED", async () => {
    await bed.pool("cancel-ended");
    const dep = await bed.deployment("cancel-ended", { command: "sh -c 'exit 0'" });
    const [stoppedId, goneId] = await bed.runs(dep, 2);
    const stoppedRun = await claim(stoppedId);
    await claim(goneId);
    // A task that ran for this run and has stopped since.
    const { configuration } = render({ flowRun: stoppedRun, variables: { command: "sh -c 'exit 0'" } });
    const job = makeJob(configuration, { ...stoppedRun, work_pool_name: "cancel-ended" });
    await bed.infrastructure().run(job.job);
    await bed.client.updateFlowRun(stoppedId, { infrastructure_pid: job.started[0] });
    await bed.client.updateFlowRun(goneId, { infrastructure_pid: "default::arn:aws:ecs:us-east-1:000000000000:task/default/fedcba9876543210fedcba9876543210" });
    for (const id of [stoppedId, goneId]) expect((await bed.client.setFlowRunState(id, { type: "CANCELLING", name: "Cancelling" })).status).toBe("ACCEPT");
    const worker = bed.worker("cancel-ended");
    const loop = worker.run();
    const ends = await until("both final", async () => {
      const both = await Promise.all([final(stoppedId), final(goneId)]);
      return both.every(Boolean) ? both : undefined;
    });
    worker.shutdown();
    await loop;
    expect(ends.map((r) => r!.state_type)).toEqual(["CANCELLED", "CANCELLED"]);
  });
});

describe.skipIf(!BUILT)("ecsflow worker start --type ecs, SIGKILLed mid-batch and restarted", () => {
  it("leaves no run stuck in PENDING or RUNNING, launches none twice, and reports the adopted tasks' ends", async () => {
    const POOL = "sigkill-pool";
    const RUNS = 60;
    await bed.pool(POOL);
    const dep = await bed.deployment(POOL, { command: "sh -c 'sleep 2'", image: "busybox" });
    const ids = await bed.runs(dep, RUNS);
    const startWorkerProcess = () => {
      const child = spawn(
        process.execPath,
        [BIN, "worker", "start", "--type", "ecs", "--pool", POOL, "--limit", "40", "--poll-interval", "1", "--prefetch-seconds", "0", "--aws-endpoint-url", bed.world.ecsLocal.url, "--aws-region", REGION],
        {
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "/tmp",
            ECSFLOW_LOGGING_LEVEL: "warn",
            PREFECT_API_URL: bed.server.apiUrl,
            AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
          },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      const out = { stderr: "" };
      child.stderr!.on("data", (c) => (out.stderr += c));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once("exit", (code, signal) => done({ code, signal })));
      return { child, out, exited };
    };
    const first = startWorkerProcess();
    const startedRuns = async () => (await bed.client.filterFlowRuns({ flow_runs: { id: { any_: ids } }, limit: 200 })).filter((r) => r.infrastructure_pid);
    // Mid-batch: some tasks started and recorded, the batch not done (the limit holds back the rest).
    const before = await until("some tasks started", async () => ((await startedRuns()).length >= 10 ? startedRuns() : undefined), 120_000, async () => first.out.stderr);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    // Requests the worker sent just before it died may still be answered (a claim already on the
    // server's socket): the counts at the kill are the ones that stop changing.
    let atKill = await bed.stateCounts(POOL);
    for (let settled = false; !settled; ) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await bed.stateCounts(POOL);
      settled = JSON.stringify(now) === JSON.stringify(atKill);
      atKill = now;
    }
    expect((atKill.COMPLETED ?? 0) < RUNS).toBe(true);

    // The restarted worker: the same command, a new process (and, as after an ECS service restart, a new name).
    const restarted = startWorkerProcess();
    try {
      await until(
        "every run final",
        async () => {
          const c = await bed.stateCounts(POOL);
          return FINAL.reduce((n, t) => n + (c[t] ?? 0), 0) === RUNS ? c : undefined;
        },
        180_000,
        async () => ({ states: await bed.stateCounts(POOL), stderr: restarted.out.stderr }),
      );
    } finally {
      restarted.child.kill("SIGTERM");
    }
    expect((await restarted.exited).code).toBe(0);
    expect(await bed.stateCounts(POOL)).toEqual({ COMPLETED: RUNS });
    const tokens = bed.world.ecsLocal.admin.counters().tasksByClientToken;
    for (const id of ids) expect(tokens[`${id}:0`], `tasks of run ${id}`).toBe(1);
    // The tasks running at the kill were adopted, not launched again: their runs kept their task.
    for (const run of before) expect((await bed.readRun(run.id)).infrastructure_pid).toBe(run.infrastructure_pid);
    const how = { adopted: 0, submittedAgain: 0 };
    for (const id of ids) {
      const logs = (await bed.logsOf(id)).join("\n");
      if (logs.includes("adopted the run's infrastructure")) how.adopted++;
      if (logs.includes("submitting this claimed run again")) how.submittedAgain++;
    }
    // Every run claimed at the kill was picked up again by the restarted worker, one way or the other.
    // (RUNNING too: the worker shows RUNNING as soon as it sees a task running.)
    expect(how.adopted + how.submittedAgain).toBe((atKill.PENDING ?? 0) + (atKill.RUNNING ?? 0));
    console.info(JSON.stringify({ runs: RUNS, recordedAtKill: before.length, statesAtKill: atKill, ...how }));
  });
});
