// `npm run bench -- ecs [--quick]`: the ECS infrastructure driven directly (no server), against
// ecs-local with AWS's rate limits on (Fargate launches 100 burst / 20 per s, RunTask+StopTask
// 100/40, DescribeTasks 100/20, RegisterTaskDefinition 20/1, GetLogEvents 25/10).
//
// 1. A burst: 1,000 runs (160 with --quick) of one deployment, all due at once. Measured:
//    - achieved Fargate launches per second ÷ 20, past the first 150 launches (110 with --quick),
//      after AWS's burst of 100 (goal ≥ 0.95), and the overall rate (burst included);
//    - p50/p99 from the run being due (submitted) to RunTask's answer (bounded below by the limit:
//      the last of N runs cannot start before (N − 100) / 20 s);
//    - DescribeTasks calls per task-minute watched;
//    - RegisterTaskDefinition calls for all the runs of the one deployment (goal 1);
//    - throttled answers and runs lost (goal 0).
// 2. A steady stream below the limit: runs arriving at 15/s (300, 30 with --quick); p50/p99 from
//    due to RunTask is then the worker's own dispatch delay.

import { randomUUID } from "node:crypto";
import pino from "pino";
import { startEcsLocal } from "../packages/ecs-local/src/index.js";
import { ecsDefaultBaseJobTemplate, type FlowRun, type JsonRecord } from "../packages/schemas/src/index.js";
import { EcsInfrastructure } from "../packages/worker/src/infrastructure/ecs/index.js";
import type { InfrastructureResult } from "../packages/worker/src/infrastructure/infrastructure.js";
import { renderJobTemplate } from "../packages/worker/src/render-job-template.js";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";

const quick = isQuick();
const rows: BenchRow[] = [];
const silent = pino({ level: "silent" });

function flowRun(deploymentId: string, flowId: string): FlowRun {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    name: "bench-run",
    flow_id: flowId,
    deployment_id: deploymentId,
    run_count: 0,
    work_pool_name: "bench-pool",
    state: { timestamp: now },
    job_variables: null,
  } as unknown as FlowRun;
}

function configurationFor(run: FlowRun, command: string): Record<string, unknown> {
  return renderJobTemplate({
    baseJobTemplate: ecsDefaultBaseJobTemplate as unknown as JsonRecord,
    deploymentJobVariables: { command, image: "busybox", cpu: 256, memory: 512, task_watch_poll_interval: 5 },
    env: {},
    flowRun: run,
    deployment: { id: run.deployment_id!, name: "bench" },
    flow: { id: run.flow_id, name: "bench-flow" },
    worker: { name: "bench-worker", poolName: "bench-pool", poolType: "ecs" },
    apiUrl: "http://127.0.0.1:4200/api",
  }) as Record<string, unknown>;
}

interface Measured {
  dueAt: number;
  startedAt?: number;
  taskArn?: string;
  /** When ecs-local created the task (its clock: ms since epoch). */
  createdAt?: number;
  result?: InfrastructureResult;
  error?: unknown;
}

async function scenario(name: string, runs: number, arrivalsPerSecond: number | undefined, command: string) {
  const ecsLocal = await startEcsLocal({ port: 0, provisioningProfile: "default", limits: { enabled: true }, hostEnv: { PATH: process.env.PATH }, shutdownGraceMs: 2_000 });
  const infra = new EcsInfrastructure({
    region: "us-east-1",
    endpoint: ecsLocal.url,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    logger: silent,
    checkCredentialsOnSetup: false,
  });
  const deploymentId = randomUUID();
  const flowId = randomUUID();
  const measured: Measured[] = [];
  const all: Promise<void>[] = [];
  // Rendering is the worker's work, before run(): render every run's configuration up front.
  const prepared = Array.from({ length: runs }, () => {
    const run = flowRun(deploymentId, flowId);
    return { run, configuration: configurationFor(run, command) };
  });
  const t0 = performance.now();
  try {
    for (let i = 0; i < runs; i++) {
      if (arrivalsPerSecond) {
        const dueAt = t0 + (i * 1000) / arrivalsPerSecond;
        const wait = dueAt - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const { run, configuration } = prepared[i];
      const m: Measured = { dueAt: performance.now() };
      measured.push(m);
      all.push(
        infra
          .run({
            flowRun: run,
            configuration,
            logger: silent,
            onOutput: () => {},
            onStarted: (pid) => {
              m.startedAt = performance.now();
              m.taskArn = pid.slice(pid.indexOf("::") + 2);
            },
          })
          .then(
            (r) => void (m.result = r),
            (err) => void (m.error = err),
          ),
      );
    }
    await Promise.all(all);
    for (const m of measured) if (m.taskArn) m.createdAt = ecsLocal.admin.task(m.taskArn)?.history[0]?.at;
  } finally {
    await infra.teardown();
    await ecsLocal.close();
  }
  const metrics = infra.metrics();
  const counters = ecsLocal.admin.counters();
  const started = measured.filter((m) => m.startedAt !== undefined);
  const latencies = started.map((m) => m.startedAt! - m.dueAt).sort((a, b) => a - b);
  // Launch times as ECS (ecs-local) recorded them: the client's clock would add response latency.
  const startTimes = measured.filter((m) => m.createdAt !== undefined).map((m) => m.createdAt!).sort((a, b) => a - b);
  const lost = measured.filter((m) => m.error !== undefined || m.result?.exitCode !== 0).length;
  const variant = `${runs} runs${arrivalsPerSecond ? `, arriving ${arrivalsPerSecond}/s` : ", all due at once"}`;
  if (!arrivalsPerSecond) {
    // Once AWS's burst of 100 is spent, launches can be at most 20/s. The rate is the slope of launch
    // count over ECS's launch times, fitted (least squares) past the first 150 launches (past 110
    // for a shorter burst, still clear of the 100 the burst allows): robust to answers that arrive bunched.
    const from = Math.min(150, Math.max(110, Math.floor(startTimes.length / 2)));
    const xs = startTimes.slice(from).map((t) => t / 1000);
    const ys = xs.map((_, i) => i);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sustained = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    rows.push({ metric: `sustained Fargate launches/s ÷ 20 (past launch ${from})`, variant, value: sustained / 20, unit: "ratio", ...goal(sustained / 20, ">=", 0.95) });
    rows.push({ metric: "Fargate launches/s overall (burst included)", variant, value: (startTimes.length - 1) / ((startTimes[startTimes.length - 1] - startTimes[0]) / 1000), unit: "launches/s" });
  }
  rows.push({ metric: "due → RunTask p50", variant, value: percentile(latencies, 50), unit: "ms" });
  if (!arrivalsPerSecond) {
    // What AWS's limit alone allows: the i-th run cannot launch before (i − 100) / 20 s.
    rows.push({ metric: "due → RunTask p50, floor set by the limit", variant, value: Math.max(0, ((runs / 2 - 100) / 20) * 1000), unit: "ms" });
  }
  rows.push({ metric: "due → RunTask p99", variant, value: percentile(latencies, 99), unit: "ms" });
  const taskMinutes = metrics.watcher.taskMs / 60_000;
  rows.push({ metric: "DescribeTasks calls per task-minute", variant, value: metrics.watcher.calls / taskMinutes, unit: "calls" });
  const registerCalls = counters.calls["ecs:RegisterTaskDefinition"] ?? 0;
  // One deployment: one definition, whatever the number of runs.
  rows.push({ metric: "RegisterTaskDefinition calls (all runs, one deployment)", variant, value: registerCalls, unit: "calls", ...goal(registerCalls, "<=", 1) });
  rows.push({ metric: "RegisterTaskDefinition calls per 1,000 runs", variant, value: (registerCalls * 1000) / runs, unit: "calls" });
  rows.push({ metric: "throttled answers", variant, value: counters.throttled, unit: "answers" });
  rows.push({ metric: "runs lost (not launched or not exit 0)", variant, value: lost, unit: "runs", ...goal(lost, "<=", 0) });
  rows.push({ metric: "tasks launched per run", variant, value: counters.tasksLaunched / runs, unit: "tasks", ...goal(counters.tasksLaunched / runs, "<=", 1) });
  console.log(`${name}: ${JSON.stringify({ calls: metrics.calls, throttles: metrics.throttles, watcher: metrics.watcher })}`);
}

// Tasks that live 2 s (1 s with --quick: enough to be watched while RUNNING).
const command = quick ? "sh -c 'sleep 1'" : "sh -c 'sleep 2'";
await scenario("burst", quick ? 160 : 1000, undefined, command);
if (!process.argv.includes("--burst-only")) await scenario("steady", quick ? 30 : 300, 15, command);

report("ecs", rows, { quick, node: process.version });
