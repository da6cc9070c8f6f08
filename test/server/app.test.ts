import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("server basics on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine, { bodyLimit: 64 * 1024 });
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`answers health and versions ${skipReason}`, async () => {
    expect(await server.request("GET", "/health")).toEqual({ status: 200, body: true });
    const v = await server.request("GET", "/admin/version");
    expect(v.status).toBe(200);
    expect(v.body).toMatch(/^3\.\d+\.\d+\+ecsflow/);
    expect((await server.request("GET", "/version")).status).toBe(200);
  });

  it.skipIf(!available)(`answers unknown paths with a Prefect-style 404 ${skipReason}`, async () => {
    expect(await server.request("GET", "/no/such/thing")).toEqual({ status: 404, body: { detail: "Not Found" } });
  });

  it.skipIf(!available)(`refuses csrf tokens while CSRF protection is disabled ${skipReason}`, async () => {
    const r = await server.request("GET", "/csrf-token?client=abc");
    expect(r.status).toBe(422);
    expect(r.body.detail).toMatch(/disabled/);
  });

  it.skipIf(!available)(`answers bodies over the limit with 413 and the limit ${skipReason}`, async () => {
    const r = await server.request("POST", "/health", { blob: "x".repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.detail).toContain("65536");
  });

  it.skipIf(!available)(`ran the migrations ${skipReason}`, async () => {
    const tables = await server.database.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["flow", "flow_run", "work_pool", "work_queue", "worker", "log", "deployment"]));
  });
});
