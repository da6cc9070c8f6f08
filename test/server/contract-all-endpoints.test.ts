import type { RouteOptions } from "fastify";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prefectOperations, type OpenApiPaths } from "../../scripts/prefect-compat-table.js";
import { componentErrors, CONTROL_PLANE_ENDPOINTS, openApiAvailable, openApiFile, type ContractEndpoint, type HttpMethod } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Every endpoint of the control plane (every Prefect operation the server implements) is called
// with realistic data, and every response body is checked against the component Prefect's OpenAPI
// file names for it.

interface Call {
  method: HttpMethod;
  path: string;
  status: number;
  body: unknown;
}

function shapeErrors(response: string, body: unknown): string[] {
  if (response === "none") return body === undefined || body === "" ? [] : [`expected no body, got ${JSON.stringify(body).slice(0, 100)}`];
  if (response === "any") return [];
  if (response === "integer") return Number.isInteger(body) ? [] : [`expected an integer, got ${JSON.stringify(body)}`];
  if (response === "boolean") return typeof body === "boolean" ? [] : [`expected a boolean, got ${JSON.stringify(body)}`];
  if (response === "string") return typeof body === "string" ? [] : [`expected a string, got ${JSON.stringify(body)}`];
  if (response.endsWith("[]")) {
    if (!Array.isArray(body)) return [`expected a list, got ${JSON.stringify(body).slice(0, 100)}`];
    const item = response.slice(0, -2);
    return body.flatMap((value, i) => shapeErrors(item, value).map((e) => `[${i}] ${e}`));
  }
  return componentErrors(response, body);
}

describe.each(ENGINES)("OpenAPI contract on $engine", ({ engine, available, skipReason }) => {
  const ready = available && openApiAvailable;
  const reason = !openApiAvailable ? "(skipped: ../shared/reference/prefect-rest-api.openapi.json not found)" : skipReason;
  let server: TestServer;
  const calls: Call[] = [];
  const routes: RouteOptions[] = [];

  const call = async (method: HttpMethod, template: string, path: string, body?: unknown) => {
    const r = await server.request(method, path, body);
    calls.push({ method, path: template, status: r.status, body: r.body });
    return r;
  };

  beforeAll(async () => {
    if (!ready) return;
    server = await startTestServer(engine, { onRoute: (route) => routes.push(route) });
    await call("GET", "/health", "/health");
    await call("GET", "/ready", "/ready");
    await call("GET", "/version", "/version");
    await call("GET", "/admin/version", "/admin/version");
    await call("GET", "/csrf-token", "/csrf-token?client=contract");

    await call("POST", "/work_pools/", "/work_pools/", { name: "cpool", type: "process", description: "contract" });
    await call("GET", "/work_pools/{name}", "/work_pools/cpool");
    await call("PATCH", "/work_pools/{name}", "/work_pools/cpool", { description: "changed" });
    await call("POST", "/work_pools/filter", "/work_pools/filter", {});
    await call("POST", "/work_pools/count", "/work_pools/count", {});
    await call("POST", "/work_pools/{work_pool_name}/queues", "/work_pools/cpool/queues", { name: "cq", priority: 5 });
    await call("GET", "/work_pools/{work_pool_name}/queues/{name}", "/work_pools/cpool/queues/cq");
    await call("PATCH", "/work_pools/{work_pool_name}/queues/{name}", "/work_pools/cpool/queues/cq", { concurrency_limit: 4 });
    await call("POST", "/work_pools/{work_pool_name}/queues/filter", "/work_pools/cpool/queues/filter", {});
    await call("POST", "/work_pools/{work_pool_name}/workers/heartbeat", "/work_pools/cpool/workers/heartbeat", { name: "cw", heartbeat_interval_seconds: 30 });
    await call("POST", "/work_pools/{work_pool_name}/workers/filter", "/work_pools/cpool/workers/filter", {});

    const flow = (await call("POST", "/flows/", "/flows/", { name: "cflow", tags: ["t"] })).body;
    await call("POST", "/flows/", "/flows/", { name: "cflow" });
    await call("GET", "/flows/{id}", `/flows/${flow.id}`);
    await call("GET", "/flows/name/{name}", "/flows/name/cflow");
    await call("POST", "/flows/filter", "/flows/filter", { flows: { name: { any_: ["cflow"] } } });
    await call("POST", "/flows/count", "/flows/count", { flows: { name: { any_: ["cflow"] } } });
    await call("PATCH", "/flows/{id}", `/flows/${flow.id}`, { tags: ["t", "u"] });

    const dep = (
      await call("POST", "/deployments/", "/deployments/", {
        name: "cdep",
        flow_id: flow.id,
        work_pool_name: "cpool",
        work_queue_name: "cq",
        parameters: { x: 1 },
        job_variables: { command: "true" },
        tags: ["d"],
      })
    ).body;
    await call("GET", "/deployments/{id}", `/deployments/${dep.id}`);
    await call("GET", "/deployments/name/{flow_name}/{deployment_name}", "/deployments/name/cflow/cdep");
    await call("PATCH", "/deployments/{id}", `/deployments/${dep.id}`, { description: "d2" });
    await call("POST", "/deployments/filter", "/deployments/filter", {});
    await call("POST", "/deployments/count", "/deployments/count", {});
    const schedules = (await call("POST", "/deployments/{id}/schedules", `/deployments/${dep.id}/schedules`, [{ schedule: { interval: 3600 }, active: false }])).body;
    await call("GET", "/deployments/{id}/schedules", `/deployments/${dep.id}/schedules`);
    await call("PATCH", "/deployments/{id}/schedules/{schedule_id}", `/deployments/${dep.id}/schedules/${schedules[0].id}`, { active: false, schedule: { cron: "0 * * * *" } });
    await call("DELETE", "/deployments/{id}/schedules/{schedule_id}", `/deployments/${dep.id}/schedules/${schedules[0].id}`);
    const run = (await call("POST", "/deployments/{id}/create_flow_run", `/deployments/${dep.id}/create_flow_run`, {})).body;

    const own = (await call("POST", "/flow_runs/", "/flow_runs/", { flow_id: flow.id, name: "own-run", state: { type: "SCHEDULED" }, idempotency_key: "k1" })).body;
    await call("POST", "/flow_runs/", "/flow_runs/", { flow_id: flow.id, idempotency_key: "k1" });
    await call("GET", "/flow_runs/{id}", `/flow_runs/${run.id}`);
    await call("PATCH", "/flow_runs/{id}", `/flow_runs/${run.id}`, { name: "renamed" });
    await call("POST", "/flow_runs/filter", "/flow_runs/filter", { sort: "EXPECTED_START_TIME_ASC", limit: 10 });
    await call("POST", "/flow_runs/count", "/flow_runs/count", {});
    const hour = 3_600_000;
    const historyWindow = { history_start: new Date(Date.now() - hour).toISOString(), history_end: new Date(Date.now() + hour).toISOString(), history_interval_seconds: 900 };
    await call("POST", "/flow_runs/history", "/flow_runs/history", historyWindow);
    await call("POST", "/work_pools/{name}/get_scheduled_flow_runs", "/work_pools/cpool/get_scheduled_flow_runs", {});
    await call("POST", "/flow_runs/{id}/set_state", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING" } });
    await call("POST", "/flow_runs/{id}/set_state", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING" } });
    await call("PATCH", "/flow_runs/{id}/labels", `/flow_runs/${run.id}/labels`, { team: "data" });
    const paused = (await call("POST", "/flow_runs/", "/flow_runs/", { flow_id: flow.id, name: "paused-run", state: { type: "RUNNING" } })).body;
    await call("POST", "/flow_runs/{id}/set_state", `/flow_runs/${paused.id}/set_state`, { state: { type: "PAUSED", state_details: { pause_timeout: new Date(Date.now() + hour).toISOString() } } });
    await call("POST", "/flow_runs/{id}/resume", `/flow_runs/${paused.id}/resume`, {});
    // The second resume finds the run RUNNING: refused (ABORT, 200).
    await call("POST", "/flow_runs/{id}/resume", `/flow_runs/${paused.id}/resume`, {});

    const task = (await call("POST", "/task_runs/", "/task_runs/", { flow_run_id: run.id, task_key: "k", dynamic_key: "0", name: "k-0" })).body;
    await call("GET", "/task_runs/{id}", `/task_runs/${task.id}`);
    await call("POST", "/task_runs/filter", "/task_runs/filter", {});
    await call("POST", "/task_runs/{id}/set_state", `/task_runs/${task.id}/set_state`, { state: { type: "RUNNING" } });
    await call("POST", "/task_runs/count", "/task_runs/count", {});

    await call("POST", "/logs/", "/logs/", [{ name: "l", level: 20, message: "hello", timestamp: new Date().toISOString(), flow_run_id: run.id }]);
    await call("POST", "/logs/filter", "/logs/filter", { logs: { flow_run_id: { any_: [run.id] } } });
    const flowRunStates = (await call("GET", "/flow_run_states/", `/flow_run_states/?flow_run_id=${run.id}`)).body;
    const taskRunStates = (await call("GET", "/task_run_states/", `/task_run_states/?task_run_id=${task.id}`)).body;
    await call("GET", "/flow_run_states/{id}", `/flow_run_states/${flowRunStates[0].id}`);
    await call("GET", "/task_run_states/{id}", `/task_run_states/${taskRunStates[0].id}`);

    const bt = (await call("POST", "/block_types/", "/block_types/", { name: "Contract Creds", slug: "contract-creds" })).body;
    await call("GET", "/block_types/{id}", `/block_types/${bt.id}`);
    await call("GET", "/block_types/slug/{slug}", "/block_types/slug/contract-creds");
    await call("PATCH", "/block_types/{id}", `/block_types/${bt.id}`, { description: "d" });
    await call("POST", "/block_types/filter", "/block_types/filter", {});
    await call("POST", "/block_types/install_system_block_types", "/block_types/install_system_block_types", {});
    const blockFields = { title: "C", properties: { key: { type: "string", format: "password" } }, secret_fields: ["key"], block_schema_references: {} };
    const bs = (await call("POST", "/block_schemas/", "/block_schemas/", { block_type_id: bt.id, fields: blockFields, capabilities: ["c"] })).body;
    await call("POST", "/block_schemas/", "/block_schemas/", { block_type_id: bt.id, fields: blockFields, capabilities: ["c"] });
    await call("GET", "/block_schemas/{id}", `/block_schemas/${bs.id}`);
    await call("GET", "/block_schemas/checksum/{checksum}", `/block_schemas/checksum/${encodeURIComponent(bs.checksum)}`);
    await call("POST", "/block_schemas/filter", "/block_schemas/filter", {});
    await call("GET", "/block_capabilities/", "/block_capabilities/");
    const bd = (await call("POST", "/block_documents/", "/block_documents/", { name: "cdoc", block_type_id: bt.id, block_schema_id: bs.id, data: { key: "s" } })).body;
    await call("GET", "/block_documents/{id}", `/block_documents/${bd.id}`);
    await call("PATCH", "/block_documents/{id}", `/block_documents/${bd.id}`, { data: { key: "t" } });
    await call("POST", "/block_documents/filter", "/block_documents/filter", {});
    await call("POST", "/block_documents/count", "/block_documents/count", {});
    await call("GET", "/block_types/slug/{slug}/block_documents", "/block_types/slug/contract-creds/block_documents");
    await call("GET", "/block_types/slug/{slug}/block_documents/name/{block_document_name}", "/block_types/slug/contract-creds/block_documents/name/cdoc");
    await call("DELETE", "/block_documents/{id}", `/block_documents/${bd.id}`);
    await call("DELETE", "/block_schemas/{id}", `/block_schemas/${bs.id}`);
    await call("DELETE", "/block_types/{id}", `/block_types/${bt.id}`);
    const wq = (await call("POST", "/work_queues/", "/work_queues/", { name: "cwq", concurrency_limit: 2 })).body;
    await call("POST", "/work_queues/filter", "/work_queues/filter", { work_queues: { name: { any_: ["cwq", "cq"] } } });
    await call("GET", "/work_queues/{id}", `/work_queues/${wq.id}`);
    await call("GET", "/work_queues/name/{name}", "/work_queues/name/cwq");
    await call("PATCH", "/work_queues/{id}", `/work_queues/${wq.id}`, { description: "changed" });
    await call("POST", "/work_queues/{id}/get_runs", `/work_queues/${run.work_queue_id}/get_runs`, { limit: 10 });
    await call("GET", "/work_queues/{id}/status", `/work_queues/${run.work_queue_id}/status`);
    await call("POST", "/work_queues/{id}/concurrency_status", `/work_queues/${run.work_queue_id}/concurrency_status`, {});
    await call("DELETE", "/work_queues/{id}", `/work_queues/${wq.id}`);

    const variable = (await call("POST", "/variables/", "/variables/", { name: "cvar", value: { a: [1, "b"] }, tags: ["t"] })).body;
    await call("POST", "/variables/filter", "/variables/filter", { variables: { tags: { all_: ["t"] } } });
    await call("POST", "/variables/count", "/variables/count", {});
    await call("GET", "/variables/{id}", `/variables/${variable.id}`);
    await call("GET", "/variables/name/{name}", "/variables/name/cvar");
    await call("PATCH", "/variables/{id}", `/variables/${variable.id}`, { value: 2 });
    await call("PATCH", "/variables/name/{name}", "/variables/name/cvar", { tags: [] });
    await call("DELETE", "/variables/name/{name}", "/variables/name/cvar");
    const variable2 = (await call("POST", "/variables/", "/variables/", { name: "cvar2", value: null })).body;
    await call("DELETE", "/variables/{id}", `/variables/${variable2.id}`);

    const artifact = (await call("POST", "/artifacts/", "/artifacts/", { key: "cart", type: "markdown", data: "# hi", metadata_: { m: "v" }, flow_run_id: run.id, task_run_id: task.id })).body;
    await call("GET", "/artifacts/{id}", `/artifacts/${artifact.id}`);
    await call("PATCH", "/artifacts/{id}", `/artifacts/${artifact.id}`, { description: "d" });
    await call("GET", "/artifacts/{key}/latest", "/artifacts/cart/latest");
    await call("POST", "/artifacts/filter", "/artifacts/filter", { flow_runs: { id: { any_: [run.id] } } });
    await call("POST", "/artifacts/count", "/artifacts/count", {});
    await call("POST", "/artifacts/latest/filter", "/artifacts/latest/filter", { artifacts: { key: { any_: ["cart"] } } });
    await call("POST", "/artifacts/latest/count", "/artifacts/latest/count", {});
    await call("DELETE", "/artifacts/{id}", `/artifacts/${artifact.id}`);

    const tagLimit = (await call("POST", "/concurrency_limits/", "/concurrency_limits/", { tag: "ctag", concurrency_limit: 2 })).body;
    await call("POST", "/concurrency_limits/", "/concurrency_limits/", { tag: "ctag", concurrency_limit: 3 });
    await call("GET", "/concurrency_limits/{id}", `/concurrency_limits/${tagLimit.id}`);
    await call("GET", "/concurrency_limits/tag/{tag}", "/concurrency_limits/tag/ctag");
    await call("POST", "/concurrency_limits/filter", "/concurrency_limits/filter", { limit: 10 });
    await call("POST", "/concurrency_limits/increment", "/concurrency_limits/increment", { names: ["ctag"], task_run_id: task.id });
    await call("POST", "/concurrency_limits/decrement", "/concurrency_limits/decrement", { names: ["ctag"], task_run_id: task.id });
    await call("POST", "/concurrency_limits/tag/{tag}/reset", "/concurrency_limits/tag/ctag/reset", { slot_override: [task.id] });
    await call("DELETE", "/concurrency_limits/tag/{tag}", "/concurrency_limits/tag/ctag");
    const otherTagLimit = (await call("POST", "/concurrency_limits/", "/concurrency_limits/", { tag: "ctag2", concurrency_limit: 1 })).body;
    await call("DELETE", "/concurrency_limits/{id}", `/concurrency_limits/${otherTagLimit.id}`);

    const globalLimit = (await call("POST", "/v2/concurrency_limits/", "/v2/concurrency_limits/", { name: "cgl", limit: 2 })).body;
    await call("GET", "/v2/concurrency_limits/{id_or_name}", `/v2/concurrency_limits/${globalLimit.id}`);
    await call("GET", "/v2/concurrency_limits/{id_or_name}", "/v2/concurrency_limits/cgl");
    await call("PATCH", "/v2/concurrency_limits/{id_or_name}", "/v2/concurrency_limits/cgl", { limit: 3, slot_decay_per_second: 0.5 });
    await call("POST", "/v2/concurrency_limits/filter", "/v2/concurrency_limits/filter", { limit: 10 });
    await call("POST", "/v2/concurrency_limits/increment", "/v2/concurrency_limits/increment", { names: ["cgl"], slots: 2 });
    await call("POST", "/v2/concurrency_limits/decrement", "/v2/concurrency_limits/decrement", { names: ["cgl"], slots: 2, occupancy_seconds: 1.5 });
    const leased = (await call("POST", "/v2/concurrency_limits/increment-with-lease", "/v2/concurrency_limits/increment-with-lease", { names: ["cgl"], slots: 1, lease_duration: 60 })).body;
    await call("POST", "/v2/concurrency_limits/leases/{lease_id}/renew", `/v2/concurrency_limits/leases/${leased.lease_id}/renew`, { lease_duration: 120 });
    await call("POST", "/v2/concurrency_limits/decrement-with-lease", "/v2/concurrency_limits/decrement-with-lease", { lease_id: leased.lease_id });
    await call("DELETE", "/v2/concurrency_limits/{id_or_name}", `/v2/concurrency_limits/${globalLimit.id}`);

    // A run input's value is JSON text, as Prefect's client stores it; reading it answers that text.
    await call("POST", "/flow_runs/{id}/input", `/flow_runs/${own.id}/input`, { key: "approval", value: JSON.stringify({ approved: true }) });
    await call("POST", "/flow_runs/{id}/input/filter", `/flow_runs/${own.id}/input/filter`, { prefix: "appr" });
    await call("GET", "/flow_runs/{id}/input/{key}", `/flow_runs/${own.id}/input/approval`);
    await call("DELETE", "/flow_runs/{id}/input/{key}", `/flow_runs/${own.id}/input/approval`);
    await call("DELETE", "/flow_runs/{id}", `/flow_runs/${own.id}`);
    await call("DELETE", "/work_pools/{work_pool_name}/workers/{name}", "/work_pools/cpool/workers/cw");
    await call("DELETE", "/work_pools/{work_pool_name}/queues/{name}", "/work_pools/cpool/queues/cq");
    await call("DELETE", "/deployments/{id}", `/deployments/${dep.id}`);
    await call("DELETE", "/flows/{id}", `/flows/${flow.id}`);
    await call("DELETE", "/work_pools/{name}", "/work_pools/cpool");
  });
  afterAll(async () => server?.close());

  const key = (e: { method: string; path: string }) => `${e.method} ${e.path}`;

  it.skipIf(!ready)(`has a row for every Prefect operation the server implements ${reason}`, () => {
    const doc = JSON.parse(readFileSync(openApiFile!, "utf8")) as OpenApiPaths;
    const implemented = prefectOperations(doc, routes).filter((op) => op.implemented);
    const rows = new Set(CONTROL_PLANE_ENDPOINTS.map(key));
    expect(implemented.length).toBeGreaterThanOrEqual(CONTROL_PLANE_ENDPOINTS.length);
    // A new Prefect route fails here until CONTROL_PLANE_ENDPOINTS has its row and a call above.
    expect(implemented.map(key).filter((k) => !rows.has(k))).toEqual([]);
  });

  it.skipIf(!ready)(`exercises every endpoint of the control plane ${reason}`, () => {
    const seen = new Set(calls.map(key));
    const missing = CONTROL_PLANE_ENDPOINTS.filter((e) => !seen.has(key(e))).map(key);
    expect(missing).toEqual([]);
  });

  it.skipIf(!ready)(`answers each with its documented status and a body matching its component ${reason}`, () => {
    const problems: string[] = [];
    for (const c of calls) {
      const endpoint: ContractEndpoint | undefined = CONTROL_PLANE_ENDPOINTS.find((e) => key(e) === key(c));
      if (!endpoint) {
        problems.push(`${key(c)}: not in the endpoint table`);
        continue;
      }
      if (endpoint.path === "/csrf-token") {
        // CSRF protection is disabled, as Prefect's server answers by default.
        if (c.status !== 422) problems.push(`${key(c)}: expected 422 while CSRF is disabled, got ${c.status}`);
        continue;
      }
      if (c.status !== endpoint.status && c.status !== endpoint.alsoStatus) {
        problems.push(`${key(c)}: status ${c.status}, expected ${endpoint.status}${endpoint.alsoStatus ? ` or ${endpoint.alsoStatus}` : ""}: ${JSON.stringify(c.body).slice(0, 300)}`);
        continue;
      }
      for (const e of shapeErrors(endpoint.response, c.body)) problems.push(`${key(c)} (${endpoint.response}): ${e}`);
    }
    expect(problems).toEqual([]);
    expect(calls.length).toBeGreaterThanOrEqual(CONTROL_PLANE_ENDPOINTS.length);
  });
});
