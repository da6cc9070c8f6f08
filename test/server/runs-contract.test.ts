import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable, type HttpMethod } from "../support/openapi-contract.js";
import { createFlow, insertWorkPool } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const skipNote = openApiAvailable ? "" : " (skipped: shared/reference/prefect-rest-api.openapi.json is absent)";

// Every response of the flow, deployment, run, log and state endpoints, checked against Prefect's
// OpenAPI components, in the shapes they take through one run's life (including ABORT, WAIT and
// REJECT results and all three schedule kinds).
describe.each(ENGINES)("flow and run endpoints answer in Prefect's shapes on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available && openApiAvailable) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  async function call(method: HttpMethod, path: string, body?: unknown, expectedStatus?: number) {
    const r = await server.request(method, path, body);
    if (expectedStatus !== undefined) expect(r.status, JSON.stringify(r.body)).toBe(expectedStatus);
    expectResponseMatches(method, path, r.status, r.body);
    return r.body;
  }

  it.skipIf(!available || !openApiAvailable)(`through a run's life ${skipReason}${skipNote}`, async () => {
    await insertWorkPool(server.database.db, "contract-pool");
    const flow = await call("POST", "/flows/", { name: "contract", labels: { a: 1 } }, 201);
    await call("POST", "/flows/", { name: "contract" }, 200);
    await call("GET", `/flows/${flow.id}`, undefined, 200);
    await call("GET", "/flows/name/contract", undefined, 200);
    await call("POST", "/flows/filter", {}, 200);
    await call("POST", "/flows/count", {}, 200);

    const deployment = await call(
      "POST",
      "/deployments/",
      {
        name: "contract",
        flow_id: flow.id,
        work_pool_name: "contract-pool",
        parameters: { n: 1 },
        parameter_openapi_schema: { type: "object", properties: { n: { type: "integer" } } },
        pull_steps: [{ "prefect.deployments.steps.set_working_directory": { directory: "/app" } }],
        concurrency_options: { collision_strategy: "ENQUEUE" },
        concurrency_limit: 2,
        schedules: [{ schedule: { interval: 60 } }, { schedule: { cron: "0 * * * *" } }, { schedule: { rrule: "FREQ=HOURLY" } }],
      },
      201,
    );
    await call("POST", "/deployments/", { name: "contract", flow_id: flow.id }, 200);
    await call("GET", `/deployments/${deployment.id}`, undefined, 200);
    await call("GET", "/deployments/name/contract/contract", undefined, 200);
    await call("POST", "/deployments/filter", {}, 200);
    await call("POST", "/deployments/count", {}, 200);
    await call("GET", `/deployments/${deployment.id}/schedules`, undefined, 200);
    await call("PATCH", `/deployments/${deployment.id}`, { description: "d" }, 204);

    const run = await call("POST", `/deployments/${deployment.id}/create_flow_run`, {}, 201);
    await call("POST", "/flow_runs/", { flow_id: flow.id, idempotency_key: "c" }, 201);
    await call("POST", "/flow_runs/", { flow_id: flow.id, idempotency_key: "c" }, 200);
    await call("PATCH", `/flow_runs/${run.id}`, { infrastructure_pid: "pid" }, 204);
    await call("PATCH", `/flow_runs/${run.id}/labels`, { x: "y" }, 204);
    await call("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING", state_details: { transition_id: randomUUID() } } }, 201);
    await call("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING" } }, 200);
    const future = await call("POST", "/flow_runs/", { flow_id: flow.id, state: { type: "SCHEDULED", state_details: { scheduled_time: new Date(Date.now() + 3600_000).toISOString() } } }, 201);
    const wait = await call("POST", `/flow_runs/${future.id}/set_state`, { state: { type: "RUNNING" } }, 200);
    expect(wait.status).toBe("WAIT");
    const transition_id = randomUUID();
    await call("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING", state_details: { transition_id } } }, 201);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reject = await call("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING", state_details: { transition_id } } }, 200);
    expect(reject.status).toBe("REJECT");
    await call("GET", `/flow_runs/${run.id}`, undefined, 200);
    await call("POST", "/flow_runs/filter", { sort: "EXPECTED_START_TIME_DESC" }, 200);
    await call("POST", "/flow_runs/count", {}, 200);

    const task = await call("POST", "/task_runs/", { flow_run_id: run.id, task_key: "t", dynamic_key: "0", task_inputs: { x: [{ input_type: "parameter", name: "x" }] } }, 201);
    await call("POST", "/task_runs/", { flow_run_id: run.id, task_key: "t", dynamic_key: "0" }, 200);
    await call("POST", `/task_runs/${task.id}/set_state`, { state: { type: "RUNNING" } }, 201);
    await call("GET", `/task_runs/${task.id}`, undefined, 200);
    await call("POST", "/task_runs/filter", {}, 200);
    await call("POST", "/task_runs/count", {}, 200);

    await call("POST", "/logs/", [{ name: "n", level: 20, message: "m", timestamp: new Date().toISOString(), flow_run_id: run.id, task_run_id: task.id }], 201);
    await call("POST", "/logs/filter", {}, 200);
    const states = await call("GET", `/flow_run_states/?flow_run_id=${run.id}`, undefined, 200);
    await call("GET", `/flow_run_states/${states[0].id}`, undefined, 200);
    const taskStates = await call("GET", `/task_run_states/?task_run_id=${task.id}`, undefined, 200);
    await call("GET", `/task_run_states/${taskStates[0].id}`, undefined, 200);

    await call("DELETE", `/flow_runs/${run.id}`, undefined, 204);
    await call("DELETE", `/deployments/${deployment.id}`, undefined, 204);
    await call("DELETE", `/flows/${flow.id}`, undefined, 204);
    expect(await createFlow(server, "after")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
