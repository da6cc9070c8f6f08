// Worker-level ECS test bed: a real server (HTTP), ecs-local over HTTP, and real Workers with the
// ECS infrastructure pointed at it. No SDK stubs: everything the worker does to "AWS" goes through
// ecs-local's wire protocol, and what happened is read back from ecs-local's counters and the API.
// The worker only speaks HTTP to the server, so SQLite is enough (storage suites cover both engines).

import { pino } from "pino";
import { EcsflowClient } from "../../packages/client/src/index.js";
import type { FlowRun } from "../../packages/schemas/src/index.js";
import { Worker, type EcsInfrastructure, type WorkerOptions } from "../../packages/worker/src/index.js";
import type { EcsInfrastructureOptions } from "../../packages/worker/src/infrastructure/ecs/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { CREDENTIALS, REGION, startWorld, type World } from "./infrastructure/ecs/ecs-fixture.js";

export { CREDENTIALS, REGION };
export const silent = pino({ level: "silent" });

export interface EcsWorkerBed {
  server: TestServer;
  client: EcsflowClient;
  world: World;
  flowId: string;
  /** An ECS pool with the default template; its deployment's job variables; its runs. */
  pool(name: string): Promise<void>;
  deployment(pool: string, jobVariables: Record<string, unknown>): Promise<string>;
  runs(deploymentId: string, count: number, body?: Record<string, unknown>): Promise<string[]>;
  infrastructure(over?: EcsInfrastructureOptions): EcsInfrastructure;
  worker(pool: string, over?: Partial<WorkerOptions>, infra?: EcsInfrastructure): Worker;
  readRun(id: string): Promise<FlowRun>;
  /** How many of the pool's runs are in each state type. */
  stateCounts(pool: string): Promise<Record<string, number>>;
  logsOf(runId: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startEcsWorkerBed(ecsLocalOptions: Parameters<typeof startWorld>[0] = {}): Promise<EcsWorkerBed> {
  const server = await startTestServer("sqlite");
  const world = await startWorld(ecsLocalOptions);
  const client = new EcsflowClient({ apiUrl: server.apiUrl, retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 } });
  const flowId = (await server.request("POST", "/flows/", { name: "ecs-flow" })).body.id as string;
  const must = <T>(r: { status: number; body: T }, what: string): T => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let deployments = 0;
  return {
    server,
    client,
    world,
    flowId,
    async pool(name) {
      must(await server.request("POST", "/work_pools/", { name, type: "ecs" }), "create pool");
    },
    async deployment(pool, jobVariables) {
      return must(await server.request<{ id: string }>("POST", "/deployments/", { name: `d${++deployments}`, flow_id: flowId, work_pool_name: pool, job_variables: jobVariables }), "create deployment").id;
    },
    async runs(deploymentId, count, body = {}) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(must(await server.request<{ id: string }>("POST", `/deployments/${deploymentId}/create_flow_run`, body), "create run").id);
      return ids;
    },
    infrastructure: (over = {}) => world.infrastructure({ logger: silent, ...over }),
    worker(pool, over = {}, infra) {
      return Worker.create({
        client,
        infrastructure: infra ?? world.infrastructure({ logger: silent }),
        logger: silent,
        workPoolName: pool,
        hostEnv: {},
        pollIntervalSeconds: 0.2,
        cancellationPollSeconds: 0.5,
        prefetchSeconds: 0,
        killGraceSeconds: 2,
        ...over,
      });
    },
    readRun: (id) => client.readFlowRun(id),
    async stateCounts(pool) {
      const counts: Record<string, number> = {};
      for (const type of ["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "CANCELLING"]) {
        const n = must(await server.request<number>("POST", "/flow_runs/count", { flow_runs: { state: { type: { any_: [type] } } }, work_pools: { name: { any_: [pool] } } }), "count");
        if (n > 0) counts[type] = n;
      }
      return counts;
    },
    async logsOf(runId) {
      const r = must(await server.request<{ message: string }[]>("POST", "/logs/filter", { logs: { flow_run_id: { any_: [runId] } }, limit: 200 }), "logs");
      return r.map((l) => l.message);
    },
    async close() {
      await world.close();
      await server.close();
    },
  };
}

/** Polls until `check` returns a value; throws after `timeoutMs` with the last value seen. Never asserts on time. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, lastSeen?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastSeen ? `: ${JSON.stringify(await lastSeen())}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
