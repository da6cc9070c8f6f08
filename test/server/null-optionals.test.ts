import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiAvailable, openApiFile } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Prefect's pydantic clients send every unset optional field as null. For each operation we
// implement that takes a body, a valid body is sent twice: as written, and with every field the
// OpenAPI request schema leaves out of `required` (recursively) set to null where the body omits
// it. Both must answer alike.

type Schema = Record<string, any>;
interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}
const doc: OpenApi | undefined = openApiFile ? JSON.parse(readFileSync(openApiFile, "utf8")) : undefined;

function resolve(schema: Schema | undefined): Schema | undefined {
  if (!schema || !doc) return schema;
  if (typeof schema.$ref === "string") return resolve(doc.components.schemas[schema.$ref.split("/").pop()!]);
  return schema;
}

/** The branch of a schema that describes an object or a list (`anyOf: [X, null]` → X). */
function structural(schema: Schema | undefined): Schema | undefined {
  const s = resolve(schema);
  if (!s) return undefined;
  for (const branch of s.anyOf ?? s.oneOf ?? []) {
    const b = resolve(branch);
    if (b && (b.properties || b.items)) return b;
  }
  return s;
}

/** A copy of `value` with every optional key of its schema that `value` omits set to null. */
export function withNullOptionals(value: unknown, schema: Schema | undefined): unknown {
  const s = structural(schema);
  if (!s) return value;
  if (Array.isArray(value)) return value.map((v) => withNullOptionals(v, s.items));
  if (value === null || typeof value !== "object" || !s.properties) return value;
  const required = new Set<string>(s.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(s.properties as Record<string, Schema>)) {
    if (key in value) out[key] = withNullOptionals((value as Record<string, unknown>)[key], child);
    else if (!required.has(key)) out[key] = null;
  }
  for (const [key, v] of Object.entries(value)) if (!(key in out)) out[key] = v;
  return out;
}

interface Fixture {
  flowId: string;
  deploymentId: string;
  runId: string;
  taskRunId: string;
  scheduleId: string;
}
type Case = (f: Fixture, n: number) => { path: string; body: unknown };

const hour = 3_600_000;
// The second send moves the run on, so both are real transitions (a repeated state would be a no-op 200).
const stateBody = (n: number) => ({ state: { type: n === 1 ? "PENDING" : "RUNNING" } });
const flowRunsFilter = { flow_runs: { state: { type: { any_: ["SCHEDULED", "PENDING"] } }, tags: { all_: ["n"] } }, flows: { name: { any_: ["nflow"] } } };

/** One valid body per implemented operation (keyed as the OpenAPI file spells it); `n` tells the two sends apart where names must differ. */
const CASES: Record<string, Case> = {
  "POST /flows/": (_f, n) => ({ path: "/flows/", body: { name: `nflow-${n}` } }),
  "PATCH /flows/{id}": (f) => ({ path: `/flows/${f.flowId}`, body: { tags: ["n"] } }),
  "POST /flows/count": () => ({ path: "/flows/count", body: { flows: { name: { any_: ["nflow"] } } } }),
  "POST /flows/filter": () => ({ path: "/flows/filter", body: { flows: { name: { like_: "nflow" } }, limit: 10 } }),
  "POST /flow_runs/": (f, n) => ({ path: "/flow_runs/", body: { flow_id: f.flowId, name: `nrun-${n}`, state: { type: "SCHEDULED" }, tags: ["n"] } }),
  "PATCH /flow_runs/{id}": (f) => ({ path: `/flow_runs/${f.runId}`, body: { name: "renamed" } }),
  "POST /flow_runs/count": () => ({ path: "/flow_runs/count", body: flowRunsFilter }),
  "POST /flow_runs/filter": () => ({ path: "/flow_runs/filter", body: { ...flowRunsFilter, limit: 10 } }),
  "POST /flow_runs/history": () => ({
    path: "/flow_runs/history",
    body: { history_start: new Date(Date.now() - hour).toISOString(), history_end: new Date(Date.now() + hour).toISOString(), history_interval_seconds: 900 },
  }),
  "POST /flow_runs/{id}/set_state": (f, n) => ({ path: `/flow_runs/${f.runId}/set_state`, body: stateBody(n) }),
  "PATCH /flow_runs/{id}/labels": (f) => ({ path: `/flow_runs/${f.runId}/labels`, body: { team: "n" } }),
  "POST /task_runs/": (f, n) => ({ path: "/task_runs/", body: { flow_run_id: f.runId, task_key: "nk", dynamic_key: String(n), name: `nk-${n}` } }),
  "POST /task_runs/count": (f) => ({ path: "/task_runs/count", body: { flow_runs: { id: { any_: [f.runId] } } } }),
  "POST /task_runs/filter": (f) => ({ path: "/task_runs/filter", body: { task_runs: { flow_run_id: { any_: [f.runId] } }, limit: 10 } }),
  "POST /task_runs/{id}/set_state": (f, n) => ({ path: `/task_runs/${f.taskRunId}/set_state`, body: stateBody(n) }),
  "POST /deployments/": (f, n) => ({ path: "/deployments/", body: { name: `ndep-${n}`, flow_id: f.flowId, work_pool_name: "npool" } }),
  "PATCH /deployments/{id}": (f) => ({ path: `/deployments/${f.deploymentId}`, body: { description: "changed" } }),
  "POST /deployments/filter": () => ({ path: "/deployments/filter", body: { deployments: { name: { like_: "ndep" } } } }),
  "POST /deployments/count": () => ({ path: "/deployments/count", body: { deployments: { name: { like_: "ndep" } } } }),
  "POST /deployments/{id}/create_flow_run": (f, n) => ({ path: `/deployments/${f.deploymentId}/create_flow_run`, body: { name: `from-dep-${n}` } }),
  "POST /deployments/{id}/schedules": (f) => ({ path: `/deployments/${f.deploymentId}/schedules`, body: [{ schedule: { interval: 3600 }, active: false }] }),
  "PATCH /deployments/{id}/schedules/{schedule_id}": (f) => ({ path: `/deployments/${f.deploymentId}/schedules/${f.scheduleId}`, body: { active: false } }),
  "POST /logs/": (f, n) => ({ path: "/logs/", body: [{ name: "n", level: 20, message: `m${n}`, timestamp: new Date().toISOString(), flow_run_id: f.runId }] }),
  "POST /logs/filter": (f) => ({ path: "/logs/filter", body: { logs: { flow_run_id: { any_: [f.runId] } } } }),
  "POST /work_pools/": (_f, n) => ({ path: "/work_pools/", body: { name: `npool-${n}`, type: "process" } }),
  "PATCH /work_pools/{name}": () => ({ path: "/work_pools/npool", body: { description: "changed" } }),
  "POST /work_pools/filter": () => ({ path: "/work_pools/filter", body: { work_pools: { name: { any_: ["npool"] } } } }),
  "POST /work_pools/count": () => ({ path: "/work_pools/count", body: { work_pools: { name: { any_: ["npool"] } } } }),
  "POST /work_pools/{name}/get_scheduled_flow_runs": () => ({ path: "/work_pools/npool/get_scheduled_flow_runs", body: { work_queue_names: ["default"] } }),
  "POST /work_pools/{work_pool_name}/queues": (_f, n) => ({ path: "/work_pools/npool/queues", body: { name: `nq-${n}` } }),
  "PATCH /work_pools/{work_pool_name}/queues/{name}": () => ({ path: "/work_pools/npool/queues/default", body: { priority: 1 } }),
  "POST /work_pools/{work_pool_name}/queues/filter": () => ({ path: "/work_pools/npool/queues/filter", body: { limit: 10 } }),
  "POST /work_pools/{work_pool_name}/workers/heartbeat": () => ({ path: "/work_pools/npool/workers/heartbeat", body: { name: "nworker" } }),
  "POST /work_pools/{work_pool_name}/workers/filter": () => ({ path: "/work_pools/npool/workers/filter", body: { limit: 10 } }),
  "POST /flow_runs/{id}/input": (f, n) => ({ path: `/flow_runs/${f.runId}/input`, body: { key: `nkey-${n}`, value: "v" } }),
  "POST /flow_runs/{id}/input/filter": (f) => ({ path: `/flow_runs/${f.runId}/input/filter`, body: { prefix: "nkey" } }),
  "POST /v2/concurrency_limits/increment-with-lease": () => ({ path: "/v2/concurrency_limits/increment-with-lease", body: { names: ["nlimit-missing"], slots: 1 } }),
  "POST /v2/concurrency_limits/decrement-with-lease": () => ({ path: "/v2/concurrency_limits/decrement-with-lease", body: { lease_id: "0190a0a0-0000-7000-8000-000000000001" } }),
};

/** What must match between the two answers: the status, the keys of an object, the ids of a list read (the keys of a list created). */
function shape(status: number, body: any, reads: boolean): unknown {
  if (Array.isArray(body)) return { status, items: body.map((item) => (item && typeof item === "object" ? (reads ? item.id : Object.keys(item).sort().join()) : item)) };
  if (body && typeof body === "object") return { status, keys: Object.keys(body).sort() };
  return { status, body: typeof body === "number" ? body : typeof body };
}

/** Implemented operations without a null case yet (see the coverage test). */
const NOT_YET_COVERED = new Set<string>([
  "PATCH /artifacts/{id}",
  "PATCH /block_documents/{id}",
  "PATCH /block_types/{id}",
  "PATCH /v2/concurrency_limits/{id_or_name}",
  "PATCH /variables/name/{name}",
  "PATCH /variables/{id}",
  "PATCH /work_queues/{id}",
  "POST /artifacts/",
  "POST /artifacts/count",
  "POST /artifacts/filter",
  "POST /artifacts/latest/count",
  "POST /artifacts/latest/filter",
  "POST /block_documents/",
  "POST /block_documents/count",
  "POST /block_documents/filter",
  "POST /block_schemas/",
  "POST /block_schemas/filter",
  "POST /block_types/",
  "POST /block_types/filter",
  "POST /concurrency_limits/",
  "POST /concurrency_limits/decrement",
  "POST /concurrency_limits/filter",
  "POST /concurrency_limits/increment",
  "POST /concurrency_limits/tag/{tag}/reset",
  "POST /flow_runs/{id}/resume",
  "POST /v2/concurrency_limits/",
  "POST /v2/concurrency_limits/decrement",
  "POST /v2/concurrency_limits/filter",
  "POST /v2/concurrency_limits/increment",
  "POST /v2/concurrency_limits/leases/{lease_id}/renew",
  "POST /variables/",
  "POST /variables/count",
  "POST /variables/filter",
  "POST /work_queues/",
  "POST /work_queues/filter",
  "POST /work_queues/{id}/concurrency_status",
  "POST /work_queues/{id}/get_runs",
]);

describe.each(ENGINES)("null in optional request fields on $engine", ({ engine, available, skipReason }) => {
  const ready = available && openApiAvailable;
  const reason = !openApiAvailable ? "(skipped: ../shared/reference/prefect-rest-api.openapi.json not found)" : skipReason;
  let server: TestServer;
  let fixture: Fixture;

  beforeAll(async () => {
    if (!ready) return;
    server = await startTestServer(engine);
    await server.request("POST", "/work_pools/", { name: "npool", type: "process" });
    const flow = (await server.request("POST", "/flows/", { name: "nflow" })).body;
    const dep = (await server.request("POST", "/deployments/", { name: "ndep", flow_id: flow.id, work_pool_name: "npool" })).body;
    const run = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body;
    const task = (await server.request("POST", "/task_runs/", { flow_run_id: run.id, task_key: "k", dynamic_key: "0", name: "k-0" })).body;
    const schedules = (await server.request("POST", `/deployments/${dep.id}/schedules`, [{ schedule: { interval: 60 }, active: false }])).body;
    fixture = { flowId: flow.id, deploymentId: dep.id, runId: run.id, taskRunId: task.id, scheduleId: schedules[0].id };
  });
  afterAll(async () => server?.close());

  /** Implemented operations with a request body, as the OpenAPI file names them. */
  const implementedWithBody = (): string[] => {
    const ops: string[] = [];
    for (const [path, item] of Object.entries(doc!.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.requestBody) continue;
        const url = `/api${path.replace(/\{([^}]+)\}/g, ":$1")}`;
        if (server.app.hasRoute({ method: method.toUpperCase() as "POST", url })) ops.push(`${method.toUpperCase()} ${path}`);
      }
    }
    return ops;
  };

  it.skipIf(!ready)(`has a body case for every implemented operation that takes one ${reason}`, () => {
    const ops = implementedWithBody();
    expect(ops.length).toBeGreaterThanOrEqual(30);
    const uncovered = ops.filter((op) => !CASES[op]).sort();
    // Operations added in one session (blocks, variables, artifacts, work queues, concurrency
    // limits, resume) that have no null case yet: a known gap, listed so it can only shrink.
    expect(uncovered.filter((op) => !NOT_YET_COVERED.has(op))).toEqual([]);
    expect(uncovered.length).toBeLessThanOrEqual(NOT_YET_COVERED.size);
  });

  it.skipIf(!ready)(`answers a body with every optional field null as it answers the body without them ${reason}`, async () => {
    const problems: string[] = [];
    for (const op of implementedWithBody().filter((o) => CASES[o])) {
      const [method, specPath] = op.split(" ");
      const schema = doc!.paths[specPath][method.toLowerCase()].requestBody?.content?.["application/json"]?.schema;
      const plain = CASES[op](fixture, 1);
      const nulled = CASES[op](fixture, 2);
      const nulledBody = withNullOptionals(nulled.body, schema);
      const a = await server.request(method, plain.path, plain.body);
      const b = await server.request(method, nulled.path, nulledBody);
      if (a.status >= 300) problems.push(`${op}: the plain body got ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      const reads = /filter|get_scheduled/.test(specPath);
      const [sa, sb] = [shape(a.status, a.body, reads), shape(b.status, b.body, reads)];
      if (JSON.stringify(sa) !== JSON.stringify(sb)) problems.push(`${op}: ${JSON.stringify(sa)} vs with nulls ${JSON.stringify(sb)}: ${JSON.stringify(b.body).slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
  });

  it.skipIf(!ready)(`keeps null where it means "clear" (PATCH description: null) ${reason}`, async () => {
    await server.request("PATCH", "/work_pools/npool", { description: "set" });
    const r = await server.request("PATCH", "/work_pools/npool", { description: null });
    expect(r.status).toBe(204);
    expect((await server.request("GET", "/work_pools/npool")).body.description).toBeNull();
  });
});
