import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CONTROL_PLANE_ENDPOINTS,
  componentErrors,
  expectMatchesComponent,
  expectResponseMatches,
  openApiAvailable,
  openApiFile,
  openApiPath,
  responseErrors,
  responseSchema,
} from "./openapi-contract.js";

const SKIP = "(skipped when shared/reference/prefect-rest-api.openapi.json is absent)";
const contract = it.skipIf(!openApiAvailable);

const ID = "3f1e6a2c-8a65-4c1e-9a59-0c9d3b1f2e4d";
const FLOW_ID = "3f1e6a2c-8a65-4c1e-9a59-0c9d3b1f2e4e";
const NOW = "2026-01-02T03:04:05.123456+00:00";
const state = (type = "SCHEDULED") => ({ id: "3f1e6a2c-8a65-4c1e-9a59-0c9d3b1f2e4f", type, name: "Scheduled", timestamp: NOW, message: null, data: null, state_details: { flow_run_id: ID } });
const flowRun = (over: Record<string, unknown> = {}) => ({
  id: ID,
  created: NOW,
  updated: NOW,
  name: "crimson-heron",
  flow_id: FLOW_ID,
  state_id: null,
  deployment_id: null,
  parameters: {},
  context: {},
  empirical_policy: { retries: null, retry_delay: null },
  tags: ["a"],
  labels: { "prefect.flow.id": FLOW_ID },
  run_count: 0,
  expected_start_time: NOW,
  total_run_time: 0,
  auto_scheduled: false,
  state_type: "SCHEDULED",
  state: state(),
  job_variables: {},
  ...over,
});

describe("openapi-contract: loading", () => {
  it("knows whether the reference file is there", () => {
    expect(openApiAvailable).toBe(openApiFile !== undefined && existsSync(openApiFile));
  });

  contract(`reads an OpenAPI 3.1 file ${SKIP}`, () => {
    expect(JSON.parse(readFileSync(openApiFile!, "utf8")).openapi).toMatch(/^3\.1/);
  });
});

describe("openapi-contract: paths", () => {
  contract(`finds paths as written, with /api, without the trailing slash, and from concrete ids ${SKIP}`, () => {
    expect(openApiPath("GET", "/flow_runs/{id}")).toBe("/flow_runs/{id}");
    expect(openApiPath("GET", `/api/flow_runs/${ID}`)).toBe("/flow_runs/{id}");
    expect(openApiPath("POST", "/flows")).toBe("/flows/");
    expect(openApiPath("GET", "/flow_run_states/?flow_run_id=x")).toBe("/flow_run_states/");
    expect(openApiPath("POST", "/work_pools/my-pool/queues/filter")).toBe("/work_pools/{work_pool_name}/queues/filter");
  });

  contract(`prefers literal segments over parameters (/flows/filter is not /flows/{id}) ${SKIP}`, () => {
    expect(openApiPath("POST", "/flows/filter")).toBe("/flows/filter");
    expect(openApiPath("GET", "/flows/name/etl")).toBe("/flows/name/{name}");
  });

  contract(`says which paths exist when one does not ${SKIP}`, () => {
    expect(() => openApiPath("GET", "/flow_runz/1")).toThrow(/not in Prefect's OpenAPI file/);
    expect(() => openApiPath("PUT", "/flows/filter")).toThrow(/Paths under \/flows: .*\/flows\/filter/);
  });

  contract(`documents the statuses it knows and refuses others ${SKIP}`, () => {
    expect(responseSchema("DELETE", "/flows/{id}", 204)).toBeNull();
    expect(responseSchema("POST", "/logs/", 201)).toEqual({});
    expect(responseSchema("GET", "/flows/{id}", 422)).toEqual({ $ref: expect.stringContaining("HTTPValidationError") });
    expect(() => responseSchema("GET", "/flows/{id}", 500)).toThrow(/documents no 500 response/);
  });

  contract(`takes a runtime 201 for the route's one documented 2xx (FastAPI documents 200) ${SKIP}`, () => {
    expect(responseSchema("POST", "/flow_runs/", 201)).toEqual(responseSchema("POST", "/flow_runs/", 200));
  });
});

describe("openapi-contract: responses", () => {
  contract(`a valid FlowRun body passes ${SKIP}`, () => {
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun())).toEqual([]);
    expect(() => expectResponseMatches("GET", "/flow_runs/{id}", 200, flowRun())).not.toThrow();
  });

  contract(`a body missing a required field fails naming the field ${SKIP}`, () => {
    const body: Record<string, unknown> = flowRun();
    delete body.flow_id;
    expect(() => expectResponseMatches("GET", "/flow_runs/{id}", 200, body)).toThrow(/\/flow_id: is required/);
  });

  contract(`a wrong type fails naming the field and the value ${SKIP}`, () => {
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun({ run_count: "1" }))).toEqual(['/run_count: must be integer, not string "1"']);
  });

  contract(`nullable fields take null, and a wrong type says both allowed types ${SKIP}`, () => {
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun({ state: null, state_type: null, deployment_id: null }))).toEqual([]);
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun({ deployment_id: 5 }))).toEqual(["/deployment_id: must be string or null, not number 5"]);
  });

  contract(`a nested error under a nullable $ref names the nested field only ${SKIP}`, () => {
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun({ state: state("DONE") }))).toEqual([expect.stringMatching(/^\/state\/type: must be one of "SCHEDULED"/)]);
  });

  contract(`formats are checked: uuid and date-time with a time zone ${SKIP}`, () => {
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun({ id: "not-a-uuid" }))).toEqual(['/id: must match format "uuid"']);
    expect(responseErrors("GET", "/flow_runs/{id}", 200, flowRun({ created: "2026-01-02T03:04:05" }))).toEqual(['/created: must match format "date-time"']);
  });

  contract(`arrays: every item is checked and failures carry the index ${SKIP}`, () => {
    expect(responseErrors("POST", "/flow_runs/filter", 200, [flowRun(), flowRun()])).toEqual([]);
    expect(responseErrors("POST", "/flow_runs/filter", 200, [flowRun(), flowRun({ name: 7 })])).toEqual(["/1/name: must be string, not number 7"]);
    expect(responseErrors("POST", "/flow_runs/filter", 200, { not: "a list" })).toEqual(["(body): must be array, not an object"]);
  });

  contract(`set_state answers an OrchestrationResult in each status ${SKIP}`, () => {
    expect(responseErrors("POST", "/flow_runs/{id}/set_state", 201, { status: "ACCEPT", state: state("PENDING"), details: { type: "accept_details" } })).toEqual([]);
    expect(
      responseErrors("POST", "/flow_runs/{id}/set_state", 200, {
        status: "ABORT",
        state: state("PENDING"),
        details: { type: "abort_details", reason: "This run is in a PENDING state and cannot transition to a PENDING state." },
      }),
    ).toEqual([]);
    expect(responseErrors("POST", "/flow_runs/{id}/set_state", 200, { status: "WAIT", state: null, details: { type: "wait_details", delay_seconds: 3600, reason: "Scheduled time is in the future" } })).toEqual([]);
    const errors = responseErrors("POST", "/flow_runs/{id}/set_state", 200, { status: "MAYBE", state: null, details: { type: "accept_details" } });
    expect(errors).toEqual(['/status: must be one of "ACCEPT", "REJECT", "ABORT", "WAIT"']);
  });

  contract(`get_scheduled_flow_runs answers WorkerFlowRunResponse items ${SKIP}`, () => {
    const item = { work_pool_id: ID, work_queue_id: FLOW_ID, flow_run: flowRun() };
    expect(responseErrors("POST", "/work_pools/{name}/get_scheduled_flow_runs", 200, [item])).toEqual([]);
    expect(responseErrors("POST", "/work_pools/{name}/get_scheduled_flow_runs", 200, [{ work_pool_id: ID, flow_run: flowRun() }])).toEqual(["/0/work_queue_id: is required"]);
  });

  contract(`bare JSON values: health, counts ${SKIP}`, () => {
    expect(responseErrors("GET", "/health", 200, true)).toEqual([]);
    expect(responseErrors("GET", "/health", 200, "ok")).toEqual(['(body): must be boolean, not string "ok"']);
    expect(responseErrors("POST", "/flow_runs/count", 200, 3)).toEqual([]);
    expect(responseErrors("POST", "/flow_runs/count", 200, 3.5)).toEqual(["(body): must be integer, not number 3.5"]);
  });

  contract(`no-content responses must have no body ${SKIP}`, () => {
    expect(responseErrors("DELETE", "/flow_runs/{id}", 204, undefined)).toEqual([]);
    expect(responseErrors("DELETE", "/flow_runs/{id}", 204, "")).toEqual([]);
    expect(() => expectResponseMatches("DELETE", "/flow_runs/{id}", 204, { detail: "x" })).toThrow(/must be empty for 204/);
  });

  contract(`the thrown error lists every failing path ${SKIP}`, () => {
    let message = "";
    try {
      expectResponseMatches("POST", "/flow_runs/filter", 200, [flowRun({ id: 1, name: 2 })]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("POST /flow_runs/filter 200");
    expect(message).toContain("/0/id: must be string");
    expect(message).toContain("/0/name: must be string");
  });
});

describe("openapi-contract: components", () => {
  contract(`validates a body against a named component ${SKIP}`, () => {
    expect(componentErrors("State", state())).toEqual([]);
    expect(() => expectMatchesComponent("State", { ...state(), id: undefined })).toThrow(/\/id: is required/);
    expect(() => expectMatchesComponent("WorkPoolResponse", { id: ID, created: NOW, updated: NOW, name: "p", type: "ecs", base_job_template: {} })).not.toThrow();
  });

  contract(`accepts any text for Prefect's own formats (password, path) and ignores their extra keywords ${SKIP}`, () => {
    expect(componentErrors("APISettings", { key: "pnu_not-checked", url: null })).toEqual([]);
    expect(componentErrors("ResultsSettings", { local_storage_path: "~/.prefect/storage" })).toEqual([]);
  });

  contract(`refuses an unknown component by name ${SKIP}`, () => {
    expect(() => componentErrors("NoSuchThing", {})).toThrow(/no component NoSuchThing/);
  });
});

describe("CONTROL_PLANE_ENDPOINTS", () => {
  it("lists each endpoint of the control-plane issue once", () => {
    const keys = CONTROL_PLANE_ENDPOINTS.map((e) => `${e.method} ${e.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(131);
  });

  contract(`every row is in the OpenAPI file with the response it names ${SKIP}`, () => {
    const mismatches: string[] = [];
    for (const e of CONTROL_PLANE_ENDPOINTS) {
      if (openApiPath(e.method, e.path) !== e.path) mismatches.push(`${e.method} ${e.path}: spelled ${openApiPath(e.method, e.path)} in the file`);
      for (const status of [e.status, ...(e.alsoStatus ? [e.alsoStatus] : [])]) {
        const schema = responseSchema(e.method, e.path, status);
        const described = describeSchema(schema);
        if (described !== e.response) mismatches.push(`${e.method} ${e.path} ${status}: the file says ${described}, the table ${e.response}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

/** The table's notation for a response schema: `X`, `X[]`, a JSON type, `any` or `none`. */
function describeSchema(schema: Record<string, unknown> | null): string {
  if (schema === null) return "none";
  const ref = (s: Record<string, unknown>) => (typeof s.$ref === "string" ? s.$ref.split("/").pop()! : undefined);
  if (ref(schema)) return ref(schema)!;
  if (schema.type === "array" && schema.items) {
    const items = schema.items as Record<string, unknown>;
    return `${ref(items) ?? (typeof items.type === "string" ? items.type : "?")}[]`;
  }
  if (typeof schema.type === "string") return schema.type;
  return Object.keys(schema).length === 0 ? "any" : JSON.stringify(schema);
}
