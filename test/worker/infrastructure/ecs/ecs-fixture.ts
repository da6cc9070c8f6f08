// A test bed for the ECS infrastructure: ecs-local on a free port (instant provisioning, limits off
// unless asked), an EcsInfrastructure pointed at it over HTTP, an SDK client to look at what
// happened, and jobs rendered from the default ECS base job template for a fake flow run, as the
// worker renders them. Tasks are host processes: commands are small `sh -c '…'` scripts.

import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, type Task, type TaskDefinition } from "@aws-sdk/client-ecs";
import pino, { type Logger } from "pino";
import { startEcsLocal, type EcsLocalHandle, type EcsLocalOptions } from "../../../../packages/ecs-local/src/index.js";
import { ecsDefaultBaseJobTemplate, type FlowRun, type JsonRecord } from "../../../../packages/schemas/src/index.js";
import { EcsInfrastructure, type EcsInfrastructureOptions } from "../../../../packages/worker/src/infrastructure/ecs/index.js";
import type { InfrastructureJob, InfrastructureResult } from "../../../../packages/worker/src/infrastructure/infrastructure.js";
import { renderJobTemplate } from "../../../../packages/worker/src/render-job-template.js";

export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "AKIATESTWORKER", secretAccessKey: "worker-secret-access-key-0123456789" };
export const POOL = "test-pool";
export const API_KEY = "pnu_TESTAPIKEY_0123456789abcdef";

/** Collects pino's JSON lines, so tests can read what was logged. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger;
  constructor(level: pino.Level = "trace") {
    const lines = this.lines;
    this.logger = pino(
      { level },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
  }
  get text(): string {
    return this.lines.join("");
  }
}

export interface World {
  ecsLocal: EcsLocalHandle;
  ecs: ECSClient;
  clientConfig: { endpoint: string; region: string; credentials: typeof CREDENTIALS; maxAttempts: number };
  /** A new EcsInfrastructure against this ecs-local (each test may make several, e.g. to "restart"). */
  infrastructure(options?: EcsInfrastructureOptions): EcsInfrastructure;
  close(): Promise<void>;
}

export async function startWorld(options: EcsLocalOptions = {}): Promise<World> {
  const ecsLocal = await startEcsLocal({
    port: 0,
    provisioningProfile: "instant",
    timeFactor: 0.01,
    limits: false,
    hostEnv: { PATH: process.env.PATH },
    shutdownGraceMs: 2_000,
    ...options,
  });
  const clientConfig = { endpoint: ecsLocal.url, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 };
  const ecs = new ECSClient(clientConfig);
  const made: EcsInfrastructure[] = [];
  return {
    ecsLocal,
    ecs,
    clientConfig,
    infrastructure(over: EcsInfrastructureOptions = {}) {
      const infra = new EcsInfrastructure({
        region: REGION,
        endpoint: ecsLocal.url,
        credentials: CREDENTIALS,
        defaultImage: "busybox",
        checkCredentialsOnSetup: false,
        watcher: { firstCheckMs: 50, minRoundGapMs: 20, missingAfterMs: 1_000, stopWaitMs: 10_000 },
        logStreaming: { minIntervalMs: 50, maxIntervalMs: 200 },
        ...over,
      });
      made.push(infra);
      return infra;
    },
    async close() {
      for (const infra of made) await infra.teardown();
      ecs.destroy();
      await ecsLocal.close();
    },
  };
}

export function fakeFlowRun(over: Partial<FlowRun> = {}): FlowRun {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    created: now,
    updated: now,
    name: "crimson-heron",
    flow_id: randomUUID(),
    state_id: randomUUID(),
    deployment_id: randomUUID(),
    deployment_version: null,
    work_queue_id: null,
    work_queue_name: "default",
    flow_version: null,
    parameters: {},
    idempotency_key: null,
    context: {},
    empirical_policy: { max_retries: 0, retry_delay_seconds: 0, retries: null, retry_delay: null, pause_keys: null, resuming: null, retry_type: null },
    tags: [],
    labels: {},
    parent_task_run_id: null,
    state_type: "SCHEDULED",
    state_name: "Scheduled",
    run_count: 0,
    expected_start_time: now,
    next_scheduled_start_time: null,
    start_time: null,
    end_time: null,
    total_run_time: 0,
    estimated_run_time: 0,
    estimated_start_time_delta: 0,
    auto_scheduled: false,
    infrastructure_document_id: null,
    infrastructure_pid: null,
    created_by: null,
    work_pool_id: null,
    work_pool_name: POOL,
    state: null,
    job_variables: null,
    ...over,
  } as FlowRun;
}

export interface RenderOptions {
  /** The pool's base job template's job_configuration, key by key over the default's (Prefect tests' template_overrides). */
  templateOverrides?: Record<string, unknown>;
  /** Job variables (as a deployment sets them). */
  variables?: Record<string, unknown>;
  flowRun?: FlowRun;
  apiKey?: string | null;
}

/** The rendered job configuration the worker would hand to the infrastructure. */
export function render(opts: RenderOptions = {}): { configuration: Record<string, unknown>; flowRun: FlowRun } {
  const flowRun = opts.flowRun ?? fakeFlowRun();
  const base = structuredClone(ecsDefaultBaseJobTemplate) as unknown as { job_configuration: JsonRecord; variables: JsonRecord };
  for (const [k, v] of Object.entries(opts.templateOverrides ?? {})) base.job_configuration[k] = v as JsonRecord;
  const configuration = renderJobTemplate({
    baseJobTemplate: base as unknown as JsonRecord,
    deploymentJobVariables: { command: "sh -c 'echo hello from the task'", ...(opts.variables ?? {}) } as JsonRecord,
    flowRunJobVariables: flowRun.job_variables as JsonRecord | null,
    env: {},
    flowRun,
    deployment: flowRun.deployment_id ? { id: flowRun.deployment_id, name: "nightly" } : null,
    flow: { id: flowRun.flow_id, name: "etl" },
    worker: { name: "ecs-worker-1", poolName: POOL, poolType: "ecs" },
    apiUrl: "http://127.0.0.1:4200/api",
    apiKey: opts.apiKey === undefined ? null : opts.apiKey,
  });
  return { configuration: configuration as Record<string, unknown>, flowRun };
}

export interface JobRecord {
  job: InfrastructureJob;
  output: { line: string; stream: string }[];
  started: string[];
}

export function makeJob(configuration: Record<string, unknown>, flowRun: FlowRun, logger?: Logger): JobRecord {
  const output: { line: string; stream: string }[] = [];
  const started: string[] = [];
  return {
    output,
    started,
    job: {
      flowRun,
      configuration,
      logger: logger ?? pino({ level: "silent" }),
      onOutput: (line, stream) => output.push({ line, stream }),
      onStarted: (pid) => {
        started.push(pid);
      },
    },
  };
}

/** Renders and runs one job to its end. */
export async function runJob(infra: EcsInfrastructure, opts: RenderOptions & { logger?: Logger } = {}): Promise<JobRecord & { result: InfrastructureResult; taskArn: string }> {
  const { configuration, flowRun } = render(opts);
  const record = makeJob(configuration, flowRun, opts.logger);
  const result = await infra.run(record.job);
  return { ...record, result, taskArn: taskArnOf(record.started[0]) };
}

export function taskArnOf(infrastructurePid: string): string {
  return infrastructurePid.slice(infrastructurePid.indexOf("::") + 2);
}

export async function describeTask(ecs: ECSClient, taskArn: string, cluster?: string): Promise<Task> {
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn], include: ["TAGS"] }));
  return out.tasks![0];
}

export async function describeTaskDefinition(ecs: ECSClient, ref: string): Promise<TaskDefinition & { tags?: { key?: string; value?: string }[] }> {
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ["TAGS"] }));
  return { ...out.taskDefinition!, tags: out.tags };
}

export const containerOf = <T extends { name?: string }>(list: T[] | undefined, name: string): T | undefined => list?.find((c) => c.name === name);

/** Polls until `check` returns a value; throws after `timeoutMs`. Never asserts on time. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** ecs-local's count of calls to an operation (e.g. "ecs:RegisterTaskDefinition"). */
export function callsOf(world: World, operation: string): number {
  return world.ecsLocal.admin.counters().calls[operation] ?? 0;
}

/** The RunTask request the infrastructure logged (debug) for its run. */
export function runTaskRequestOf(capture: LogCapture): Record<string, any> {
  const line = capture.lines.map((l) => JSON.parse(l) as { msg?: string; request?: Record<string, any> }).find((l) => l.msg === "RunTask request");
  if (!line?.request) throw new Error("no RunTask request was logged");
  return line.request;
}
