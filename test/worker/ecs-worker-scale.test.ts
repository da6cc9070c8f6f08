// Three ECS workers on one pool against ecs-local with AWS's rate limits on (RunTask 100/40 per s,
// Fargate launches 100/20 per s, DescribeTasks 100/20 per s, RegisterTaskDefinition 20/1 per s):
// every run is launched exactly once (one task per RunTask clientToken, counted by ecs-local) and
// ends COMPLETED, with no run lost to throttling.

import { afterAll, beforeAll, expect, it } from "vitest";
import type { EcsInfrastructure } from "../../packages/worker/src/index.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "./ecs-worker-fixture.js";

const RUNS = Number(process.env.ECSFLOW_TEST_ECS_SCALE_RUNS ?? 500);
const POOL = "scale-pool";

let bed: EcsWorkerBed;
beforeAll(async () => {
  bed = await startEcsWorkerBed({ limits: { enabled: true } });
});
afterAll(async () => {
  await bed?.close();
});

it(`3 workers × ${RUNS} runs with AWS's rate limits on: each launched exactly once, all COMPLETED`, async () => {
  await bed.pool(POOL);
  const dep = await bed.deployment(POOL, { command: "sh -c 'exit 0'" });
  const ids = await bed.runs(dep, RUNS);
  bed.world.ecsLocal.admin.resetCounters();
  const infras: EcsInfrastructure[] = [bed.infrastructure(), bed.infrastructure(), bed.infrastructure()];
  // A concurrency limit per worker, so the three share the load instead of the first poll taking it all.
  const workers = infras.map((infra, i) => bed.worker(POOL, { name: `scale-w${i + 1}`, limit: 50 }, infra));
  const cpuBefore = process.cpuUsage();
  const loops = workers.map((w) => w.run());
  try {
    await until(
      `all ${RUNS} runs final`,
      async () => {
        const c = await bed.stateCounts(POOL);
        return (c.COMPLETED ?? 0) + (c.CRASHED ?? 0) + (c.FAILED ?? 0) === RUNS ? c : undefined;
      },
      600_000,
      () => bed.stateCounts(POOL),
    );
  } finally {
    workers.forEach((w) => w.shutdown());
    await Promise.all(loops);
  }
  const cpu = process.cpuUsage(cpuBefore);
  expect(await bed.stateCounts(POOL)).toEqual({ COMPLETED: RUNS });

  const counters = bed.world.ecsLocal.admin.counters();
  // One task per run, and each run's RunTask token (flow run id : attempt 0) launched exactly one.
  expect(counters.tasksLaunched).toBe(RUNS);
  expect(Object.keys(counters.tasksByClientToken).sort()).toEqual(ids.map((id) => `${id}:0`).sort());
  expect(Object.values(counters.tasksByClientToken).every((n) => n === 1)).toBe(true);
  // Every run recorded its own task.
  const pids = new Set<string>();
  for (const id of ids) pids.add((await bed.readRun(id)).infrastructure_pid ?? "");
  expect(pids.size).toBe(RUNS);
  expect(pids.has("")).toBe(false);

  const metrics = infras.map((i) => i.metrics());
  const sum = (f: (m: ReturnType<EcsInfrastructure["metrics"]>) => number) => metrics.reduce((a, m) => a + f(m), 0);
  // At most one registration per hash per worker (the three may race for the first one).
  expect(sum((m) => m.registrations)).toBeLessThanOrEqual(3);
  console.info(
    JSON.stringify({
      runs: RUNS,
      processCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      ecsLocalCalls: counters.calls,
      ecsLocalThrottled: counters.throttled,
      ecsLocalErrors: counters.errors,
      workerCalls: metrics.map((m) => m.calls),
      workerThrottles: metrics.map((m) => m.throttles),
      describeTasksCalls: sum((m) => m.watcher.calls),
      registrations: sum((m) => m.registrations),
      runTaskCallsPerWorker: metrics.map((m) => m.calls.RunTaskCommand ?? 0),
    }),
  );
});
