import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Prefect's global (v2) concurrency limits: counters clients take and give back slots of.

describe.each(ENGINES)("/v2/concurrency_limits on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  const contract = (method: "GET" | "POST", path: string, status: number, body: unknown) => {
    if (openApiAvailable) expectResponseMatches(method, path, status, body);
  };

  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`creates, reads by id or name, updates, filters and deletes ${skipReason}`, async () => {
    const created = await server.request("POST", "/v2/concurrency_limits/", { name: "db", limit: 2 });
    expect(created.status).toBe(201);
    contract("POST", "/v2/concurrency_limits/", 201, created.body);
    expect(created.body).toMatchObject({ name: "db", limit: 2, active: true, active_slots: 0, denied_slots: 0, slot_decay_per_second: 0 });
    expect((await server.request("POST", "/v2/concurrency_limits/", { name: "db", limit: 3 })).status).toBe(409);
    const byName = await server.request("GET", "/v2/concurrency_limits/db");
    contract("GET", "/v2/concurrency_limits/db", 200, byName.body);
    expect((await server.request("GET", `/v2/concurrency_limits/${created.body.id}`)).body.name).toBe("db");
    expect((await server.request("PATCH", "/v2/concurrency_limits/db", { limit: 4, active: null })).status).toBe(204);
    expect((await server.request("GET", "/v2/concurrency_limits/db")).body).toMatchObject({ limit: 4, active: true });
    const listed = await server.request("POST", "/v2/concurrency_limits/filter", {});
    contract("POST", "/v2/concurrency_limits/filter", 200, listed.body);
    expect(listed.body.map((l: { name: string }) => l.name)).toContain("db");
    expect((await server.request("DELETE", `/v2/concurrency_limits/${created.body.id}`)).status).toBe(204);
    expect((await server.request("GET", "/v2/concurrency_limits/db")).status).toBe(404);
    expect((await server.request("PATCH", "/v2/concurrency_limits/db", { limit: 1 })).status).toBe(404);
  });

  it.skipIf(!available)(`answers 422 naming the field and writes nothing for bad input ${skipReason}`, async () => {
    const bad = await server.request("POST", "/v2/concurrency_limits/", { name: "a/b", limit: 1 });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "name"]);
    const negative = await server.request("POST", "/v2/concurrency_limits/", { name: "neg", limit: -1 });
    expect(negative.body.detail[0].loc).toEqual(["body", "limit"]);
    expect((await server.request("GET", "/v2/concurrency_limits/neg")).status).toBe(404);
    const noSlots = await server.request("POST", "/v2/concurrency_limits/increment", { names: ["x"], slots: 0 });
    expect(noSlots.body.detail[0].loc).toEqual(["body", "slots"]);
  });

  it.skipIf(!available)(`increments all or none, counts denied slots, and decrements ${skipReason}`, async () => {
    await server.request("POST", "/v2/concurrency_limits/", { name: "a", limit: 2 });
    await server.request("POST", "/v2/concurrency_limits/", { name: "b", limit: 1 });
    const inc = await server.request("POST", "/v2/concurrency_limits/increment", { names: ["a", "b"], slots: 1 });
    expect(inc.status).toBe(200);
    contract("POST", "/v2/concurrency_limits/increment", 200, inc.body);
    const refused = await server.request("POST", "/v2/concurrency_limits/increment", { names: ["a", "b"], slots: 1 });
    expect(refused.status).toBe(423);
    expect((await server.request("GET", "/v2/concurrency_limits/a")).body.active_slots).toBe(1);
    const tooMany = await server.request("POST", "/v2/concurrency_limits/increment", { names: ["a"], slots: 3 });
    expect(tooMany.status).toBe(422);
    const rate = await server.request("POST", "/v2/concurrency_limits/increment", { names: ["a"], slots: 1, mode: "rate_limit" });
    expect(rate.status).toBe(422);
    const dec = await server.request("POST", "/v2/concurrency_limits/decrement", { names: ["a", "b"], slots: 1, occupancy_seconds: 4 });
    contract("POST", "/v2/concurrency_limits/decrement", 200, dec.body);
    expect(dec.body).toHaveLength(2);
    expect((await server.request("GET", "/v2/concurrency_limits/b")).body.active_slots).toBe(0);
    const dec0 = await server.request("POST", "/v2/concurrency_limits/decrement", { names: ["b"], slots: 5 });
    expect(dec0.status).toBe(200);
    expect((await server.request("GET", "/v2/concurrency_limits/b")).body.active_slots).toBe(0);
  });

  it.skipIf(!available)(`gives a limit's last slot to exactly one of 8 racing increments ${skipReason}`, async () => {
    await server.request("POST", "/v2/concurrency_limits/", { name: "race", limit: 3, active_slots: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, () => server.request("POST", "/v2/concurrency_limits/increment", { names: ["race"], slots: 1 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(7).fill(423)]);
    expect((await server.request("GET", "/v2/concurrency_limits/race")).body.active_slots).toBe(3);
  });
});
