import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("flows API on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`creates a flow (201) and returns the existing one for the same name (200) ${skipReason}`, async () => {
    const created = await server.request("POST", "/flows/", { name: "etl", tags: ["nightly"], labels: { team: "data" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "etl", tags: ["nightly"], labels: { team: "data" } });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await server.request("POST", "/flows/", { name: "etl", tags: ["other"] });
    expect(again).toEqual({ status: 200, body: created.body });
  });

  it.skipIf(!available)(`refuses invalid flow bodies with 422 naming the field ${skipReason}`, async () => {
    const slash = await server.request("POST", "/flows/", { name: "a/b" });
    expect(slash.status).toBe(422);
    expect(slash.body.detail[0].loc).toEqual(["body", "name"]);
    const missing = await server.request("POST", "/flows/", { tags: [] });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({ loc: ["body", "name"], type: "missing" });
    const wrongType = await server.request("POST", "/flows/", { name: "x", tags: "nightly" });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.detail[0].loc).toEqual(["body", "tags"]);
  });

  it.skipIf(!available)(`reads a flow by id and by name, 404 when unknown ${skipReason}`, async () => {
    const id = await createFlow(server, "reader");
    expect((await server.request("GET", `/flows/${id}`)).body.name).toBe("reader");
    expect((await server.request("GET", "/flows/name/reader")).body.id).toBe(id);
    expect(await server.request("GET", `/flows/${MISSING}`)).toEqual({ status: 404, body: { detail: "Flow not found" } });
    expect(await server.request("GET", "/flows/name/nobody")).toEqual({ status: 404, body: { detail: "Flow not found" } });
    const badId = await server.request("GET", "/flows/not-a-uuid");
    expect(badId.status).toBe(422);
    expect(badId.body.detail[0].loc).toEqual(["path", "id"]);
  });

  it.skipIf(!available)(`updates tags (204) and answers 404 for an unknown flow ${skipReason}`, async () => {
    const id = await createFlow(server, "patched");
    expect((await server.request("PATCH", `/flows/${id}`, { tags: ["a", "b"] })).status).toBe(204);
    expect((await server.request("GET", `/flows/${id}`)).body.tags).toEqual(["a", "b"]);
    expect((await server.request("PATCH", `/flows/${MISSING}`, { tags: [] })).status).toBe(404);
  });

  it.skipIf(!available)(`filters, sorts, pages and counts flows ${skipReason}`, async () => {
    const a = await server.request("POST", "/flows/", { name: "filter-alpha", tags: ["x", "y"] });
    const b = await server.request("POST", "/flows/", { name: "filter-beta", tags: ["y"] });
    await server.request("POST", "/flows/", { name: "filter-gamma", tags: [] });
    const names = async (body: object) => (await server.request("POST", "/flows/filter", body)).body.map((f: { name: string }) => f.name);
    expect(await names({ flows: { name: { like_: "FILTER-" } } })).toEqual(["filter-alpha", "filter-beta", "filter-gamma"]);
    expect(await names({ flows: { name: { like_: "filter-" } }, sort: "NAME_DESC", limit: 2 })).toEqual(["filter-gamma", "filter-beta"]);
    expect(await names({ flows: { name: { like_: "filter-" } }, offset: 2 })).toEqual(["filter-gamma"]);
    expect(await names({ flows: { tags: { all_: ["y"] } } })).toEqual(["filter-alpha", "filter-beta"]);
    expect(await names({ flows: { name: { like_: "filter-" }, tags: { is_null_: true } } })).toEqual(["filter-gamma"]);
    expect(await names({ flows: { operator: "or_", id: { any_: [a.body.id] }, name: { any_: ["filter-beta"] } } })).toEqual(["filter-alpha", "filter-beta"]);
    expect(await names({ flows: { id: { any_: [a.body.id, b.body.id], not_any_: [a.body.id] } } })).toEqual(["filter-beta"]);
    const count = await server.request("POST", "/flows/count", { flows: { name: { like_: "filter-" } } });
    expect(count).toEqual({ status: 200, body: 3 });
  });

  it.skipIf(!available)(`filters flows by their runs and deployments ${skipReason}`, async () => {
    const withRun = await createFlow(server, "has-running-run");
    const run = await createFlowRun(server, withRun);
    await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING" }, force: true });
    const withDeployment = await createFlow(server, "has-deployment");
    expect((await server.request("POST", "/deployments/", { name: "d", flow_id: withDeployment })).status).toBe(201);
    const byRuns = await server.request("POST", "/flows/filter", { flow_runs: { state: { type: { any_: ["RUNNING"] } } } });
    expect(byRuns.body.map((f: { id: string }) => f.id)).toEqual([withRun]);
    const byDeployment = await server.request("POST", "/flows/filter", { flows: { deployment: { is_null_: false } } });
    expect(byDeployment.body.map((f: { id: string }) => f.id)).toEqual([withDeployment]);
    const byDeploymentName = await server.request("POST", "/flows/count", { deployments: { name: { any_: ["d"] } } });
    expect(byDeploymentName.body).toBe(1);
  });

  it.skipIf(!available)(`answers a filter without a body and refuses a limit over 200 ${skipReason}`, async () => {
    const noBody = await server.request("POST", "/flows/filter");
    expect(noBody.status).toBe(200);
    expect(Array.isArray(noBody.body)).toBe(true);
    expect(await server.request("POST", "/flows/filter", { limit: 201 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
    expect(await server.request("POST", "/flows/filter", { limit: -1 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be greater than or equal to 0." } });
    const limitType = await server.request("POST", "/flows/filter", { limit: "ten" });
    expect(limitType.status).toBe(422);
    expect(limitType.body.detail[0].loc).toEqual(["body", "limit"]);
    const badSort = await server.request("POST", "/flows/filter", { sort: "SIDEWAYS" });
    expect(badSort.status).toBe(422);
    expect(badSort.body.detail[0].loc).toEqual(["body", "sort"]);
  });

  it.skipIf(!available)(`deletes a flow with its runs (204), then 404 ${skipReason}`, async () => {
    const id = await createFlow(server, "doomed");
    const run = await createFlowRun(server, id);
    expect((await server.request("DELETE", `/flows/${id}`)).status).toBe(204);
    expect((await server.request("GET", `/flows/${id}`)).status).toBe(404);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).status).toBe(404);
    expect((await server.request("DELETE", `/flows/${id}`)).status).toBe(404);
  });
});
