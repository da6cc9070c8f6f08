import fc from "fast-check";
import { sql } from "kysely";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Random and mutated bodies to every POST/PATCH endpoint: the server never answers 5xx, and a
// rejected request (4xx) leaves every table exactly as it was.

const TABLES = ["flow", "deployment", "deployment_schedule", "flow_run", "flow_run_state", "task_run", "task_run_state", "work_pool", "work_queue", "worker", "log", "block_type", "block_schema", "block_document", "block_document_reference", "variable", "artifact", "artifact_collection", "concurrency_limit", "concurrency_limit_v2", "task_run_state_cache", "concurrency_lease", "flow_run_input"] as const;

async function snapshot(server: TestServer): Promise<string> {
  const h = createHash("sha256");
  for (const table of TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(server.database.db);
    h.update(table);
    h.update(JSON.stringify(rows.rows));
  }
  return h.digest("hex");
}

interface Endpoint {
  method: "POST" | "PATCH";
  path: string;
  valid: Record<string, unknown> | unknown[];
}

/** A JSON value that differs from the valid one: wrong types, nulls, huge strings, nested junk. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 20 }),
  fc.constant("x".repeat(5000)),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant("00000000-0000-0000-0000-000000000000"),
  fc.constant("2026-13-45T99:99:99Z"),
);

function bodies(valid: Endpoint["valid"]): fc.Arbitrary<string> {
  const keys = Array.isArray(valid) ? [] : Object.keys(valid);
  const mutated =
    keys.length === 0
      ? fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))
      : fc
          .tuple(fc.constantFrom(...keys), junk, fc.boolean())
          .map(([key, value, drop]) => {
            const copy: Record<string, unknown> = { ...(valid as Record<string, unknown>) };
            if (drop) delete copy[key];
            else copy[key] = value;
            return JSON.stringify(copy);
          });
  return fc.oneof(
    mutated,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 30 }), // mostly malformed JSON
    fc.constant("{"),
    fc.constant(""),
  );
}

describe.each(ENGINES)("random bodies on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let endpoints: Endpoint[] = [];

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    const ok = async (method: string, path: string, body: unknown) => {
      const r = await server.request(method, path, body);
      if (r.status >= 300) throw new Error(`seed ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await ok("POST", "/work_pools/", { name: "fuzz-pool", type: "process" });
    const queue = await ok("POST", "/work_pools/fuzz-pool/queues", { name: "fuzz-queue" });
    const variable = await ok("POST", "/variables/", { name: "fuzz-var", value: 1 });
    const flow = await ok("POST", "/flows/", { name: "fuzz-flow" });
    const deployment = await ok("POST", "/deployments/", { name: "fuzz-dep", flow_id: flow.id, work_pool_name: "fuzz-pool" });
    const run = await ok("POST", `/deployments/${deployment.id}/create_flow_run`, {});
    const artifact = await ok("POST", "/artifacts/", { key: "fuzz-art", data: 1, flow_run_id: run.id });
    const taskRun = await ok("POST", "/task_runs/", { flow_run_id: run.id, task_key: "t", dynamic_key: "0", name: "t-0" });
    const blockType = await ok("POST", "/block_types/", { name: "Fuzz Creds", slug: "fuzz-creds" });
    const blockSchema = await ok("POST", "/block_schemas/", { block_type_id: blockType.id, fields: { properties: { key: { type: "string" } }, secret_fields: ["key"] } });
    const blockDocument = await ok("POST", "/block_documents/", { name: "fuzz-doc", block_type_id: blockType.id, block_schema_id: blockSchema.id, data: { key: "k" } });
    await ok("POST", "/concurrency_limits/", { tag: "fuzz-tag", concurrency_limit: 1000 });
    await ok("POST", "/v2/concurrency_limits/", { name: "fuzz-limit", limit: 1000 });
    await ok("POST", "/v2/concurrency_limits/", { name: "fuzz-lease-limit", limit: 1_000_000 });
    const lease = await ok("POST", "/v2/concurrency_limits/increment-with-lease", { names: ["fuzz-lease-limit"], slots: 1 });
    await ok("POST", `/flow_runs/${run.id}/input`, { key: "fuzz-input", value: "v" });
    endpoints = [
      { method: "POST", path: "/block_types/", valid: { name: "Fuzz Two", slug: "fuzz-two", description: "d" } },
      { method: "PATCH", path: `/block_types/${blockType.id}`, valid: { description: "d", logo_url: null } },
      { method: "POST", path: "/block_types/filter", valid: { block_types: { slug: { any_: ["fuzz-creds"] } }, limit: 5 } },
      { method: "POST", path: "/block_schemas/", valid: { block_type_id: blockType.id, fields: { properties: {} }, capabilities: ["c"], version: "1" } },
      { method: "POST", path: "/block_schemas/filter", valid: { block_schemas: { block_type_id: { any_: [blockType.id] } } } },
      { method: "POST", path: "/block_documents/", valid: { name: "fuzz-doc-2", block_type_id: blockType.id, block_schema_id: blockSchema.id, data: { key: "x" } } },
      { method: "PATCH", path: `/block_documents/${blockDocument.id}`, valid: { data: { key: "y" }, merge_existing_data: true } },
      { method: "POST", path: "/block_documents/filter", valid: { block_documents: { name: { any_: ["fuzz-doc"] } }, include_secrets: false } },
      { method: "POST", path: "/block_documents/count", valid: { block_documents: { is_anonymous: { eq_: false } } } },
      { method: "POST", path: "/flows/", valid: { name: "f2", tags: ["a"] } },
      { method: "POST", path: "/flows/filter", valid: { flows: { name: { any_: ["fuzz-flow"] } }, limit: 10 } },
      { method: "POST", path: "/deployments/", valid: { name: "d2", flow_id: flow.id, work_pool_name: "fuzz-pool", job_variables: {} } },
      { method: "PATCH", path: `/deployments/${deployment.id}`, valid: { description: "x", paused: false } },
      { method: "POST", path: "/deployments/filter", valid: { deployments: { name: { any_: ["fuzz-dep"] } } } },
      { method: "POST", path: `/deployments/${deployment.id}/create_flow_run`, valid: { parameters: {}, tags: ["t"] } },
      { method: "POST", path: "/flow_runs/", valid: { flow_id: flow.id, name: "r2", state: { type: "SCHEDULED" } } },
      { method: "PATCH", path: `/flow_runs/${run.id}`, valid: { name: "renamed", infrastructure_pid: "h:1" } },
      { method: "POST", path: "/flow_runs/filter", valid: { flow_runs: { state: { type: { any_: ["SCHEDULED"] } } }, limit: 5, sort: "EXPECTED_START_TIME_ASC" } },
      { method: "POST", path: "/flow_runs/count", valid: { flow_runs: { state: { type: { any_: ["SCHEDULED"] } } } } },
      { method: "POST", path: `/flow_runs/${run.id}/set_state`, valid: { state: { type: "SCHEDULED" }, force: false } },
      { method: "PATCH", path: `/flow_runs/${run.id}/labels`, valid: { team: "data" } },
      { method: "POST", path: "/task_runs/", valid: { flow_run_id: run.id, task_key: "k", dynamic_key: "1", name: "k-1" } },
      { method: "POST", path: "/task_runs/filter", valid: { task_runs: { id: { any_: [taskRun.id] } } } },
      { method: "POST", path: `/task_runs/${taskRun.id}/set_state`, valid: { state: { type: "PENDING" } } },
      { method: "POST", path: "/work_pools/", valid: { name: "p2", type: "process", base_job_template: {} } },
      { method: "PATCH", path: "/work_pools/fuzz-pool", valid: { description: "d", concurrency_limit: 3 } },
      { method: "POST", path: "/work_pools/filter", valid: { work_pools: { name: { any_: ["fuzz-pool"] } } } },
      { method: "POST", path: "/work_pools/count", valid: {} },
      { method: "POST", path: "/work_pools/fuzz-pool/get_scheduled_flow_runs", valid: { limit: 10 } },
      { method: "POST", path: "/work_pools/fuzz-pool/queues", valid: { name: "q2", priority: 2 } },
      { method: "PATCH", path: "/work_pools/fuzz-pool/queues/fuzz-queue", valid: { concurrency_limit: 2, is_paused: false } },
      { method: "POST", path: "/work_pools/fuzz-pool/queues/filter", valid: {} },
      { method: "POST", path: "/work_pools/fuzz-pool/workers/heartbeat", valid: { name: "w1", heartbeat_interval_seconds: 30 } },
      { method: "POST", path: "/work_pools/fuzz-pool/workers/filter", valid: {} },
      { method: "POST", path: "/logs/", valid: [{ name: "n", level: 20, message: "m", timestamp: new Date().toISOString(), flow_run_id: run.id }] },
      { method: "POST", path: "/logs/filter", valid: { logs: { flow_run_id: { any_: [run.id] } }, limit: 10 } },
      { method: "POST", path: "/work_queues/", valid: { name: "tq2", priority: 2, concurrency_limit: 1 } },
      { method: "PATCH", path: `/work_queues/${queue.id}`, valid: { description: "d", priority: 3 } },
      { method: "POST", path: "/work_queues/filter", valid: { work_queues: { name: { startswith_: ["fuzz"] } }, limit: 5 } },
      { method: "POST", path: `/work_queues/${queue.id}/get_runs`, valid: { limit: 5 } },
      { method: "POST", path: "/variables/", valid: { name: "v2", value: { a: 1 }, tags: ["t"] } },
      { method: "PATCH", path: `/variables/${variable.id}`, valid: { value: [1], tags: ["u"] } },
      { method: "PATCH", path: "/variables/name/fuzz-var", valid: { value: "s" } },
      { method: "POST", path: "/variables/filter", valid: { variables: { name: { like_: "fuzz" } }, sort: "NAME_DESC" } },
      { method: "POST", path: "/artifacts/", valid: { key: "a2", type: "table", data: [1], metadata_: { m: "v" }, flow_run_id: run.id } },
      { method: "PATCH", path: `/artifacts/${artifact.id}`, valid: { description: "d", data: { x: 1 } } },
      { method: "POST", path: "/artifacts/filter", valid: { artifacts: { key: { any_: ["fuzz-art"] } }, flow_runs: { id: { any_: [run.id] } } } },
      { method: "POST", path: "/artifacts/latest/filter", valid: { artifacts: { type: { not_any_: ["x"] } }, sort: "KEY_ASC" } },
      { method: "POST", path: "/concurrency_limits/", valid: { tag: "fuzz-tag-2", concurrency_limit: 3 } },
      { method: "POST", path: "/concurrency_limits/increment", valid: { names: ["fuzz-tag"], task_run_id: taskRun.id } },
      { method: "POST", path: "/concurrency_limits/tag/fuzz-tag/reset", valid: { slot_override: [taskRun.id] } },
      { method: "POST", path: "/v2/concurrency_limits/", valid: { name: "fuzz-limit-2", limit: 3, slot_decay_per_second: 0.5 } },
      { method: "PATCH", path: "/v2/concurrency_limits/fuzz-limit", valid: { limit: 1000, active: true } },
      { method: "POST", path: "/v2/concurrency_limits/decrement", valid: { names: ["fuzz-limit"], slots: 1, occupancy_seconds: 2 } },
      { method: "POST", path: `/flow_runs/${run.id}/resume`, valid: { run_input: { x: 1 } } },
      { method: "POST", path: "/v2/concurrency_limits/increment-with-lease", valid: { names: ["fuzz-lease-limit"], slots: 1, lease_duration: 120, holder: { type: "flow_run", id: run.id } } },
      { method: "POST", path: "/v2/concurrency_limits/decrement-with-lease", valid: { lease_id: "0190a0a0-0000-7000-8000-000000000001" } },
      { method: "POST", path: `/v2/concurrency_limits/leases/${lease.lease_id}/renew`, valid: { lease_duration: 600 } },
      { method: "POST", path: `/flow_runs/${run.id}/input`, valid: { key: "fuzz-input-2", value: "v", sender: "s" } },
      { method: "POST", path: `/flow_runs/${run.id}/input/filter`, valid: { prefix: "fuzz", limit: 5, exclude_keys: ["x"] } },
    ];
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`never answers 5xx and changes nothing on rejection ${skipReason}`, async () => {
    const results = { accepted: 0, rejected: 0 };
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(bodies(endpoint.valid), async (body) => {
          const before = await snapshot(server);
          const res = await fetch(`${server.apiUrl}${endpoint.path}`, { method: endpoint.method, headers: { "content-type": "application/json" }, body });
          const text = await res.text();
          if (res.status >= 500) throw new Error(`${endpoint.method} ${endpoint.path} ${body.slice(0, 200)} → ${res.status} ${text}`);
          if (res.status >= 400) {
            results.rejected++;
            expect(await snapshot(server), `${endpoint.method} ${endpoint.path} changed data while answering ${res.status}`).toBe(before);
            // Every rejection says what is wrong.
            expect(text.length).toBeGreaterThan(0);
          } else results.accepted++;
        }),
        { numRuns: 25, seed: 42 },
      );
    }
    expect(endpoints.length).toBeGreaterThanOrEqual(27);
    expect(results.rejected).toBeGreaterThan(endpoints.length * 10);
  });
});
