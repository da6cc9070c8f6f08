import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Leases on global (v2) concurrency limits: slots taken for a time, given back by the holder or,
// once the lease has expired, by whoever next locks the limit. Expiry is simulated by moving a
// lease's expiration into the past in the database (no waiting, no timing asserts).

describe.each(ENGINES)("/v2/concurrency_limits leases on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  const contract = (path: string, status: number, body: unknown) => {
    if (openApiAvailable) expectResponseMatches("POST", path, status, body);
  };
  const limit = (name: string, size: number, extra: Record<string, unknown> = {}) => server.request("POST", "/v2/concurrency_limits/", { name, limit: size, ...extra });
  const take = (names: string[], slots = 1, extra: Record<string, unknown> = {}) => server.request("POST", "/v2/concurrency_limits/increment-with-lease", { names, slots, ...extra });
  const release = (leaseId: string) => server.request("POST", "/v2/concurrency_limits/decrement-with-lease", { lease_id: leaseId });
  const renew = (leaseId: string, body: unknown = { lease_duration: 120 }) => server.request("POST", `/v2/concurrency_limits/leases/${leaseId}/renew`, body);
  const slotsOf = async (name: string) => (await server.request("GET", `/v2/concurrency_limits/${name}`)).body.active_slots as number;
  const storedSlotsOf = async (name: string) => Number((await server.database.db.selectFrom("concurrency_limit_v2").select("active_slots").where("name", "=", name).executeTakeFirstOrThrow()).active_slots);
  const expire = (leaseId: string) => server.database.db.updateTable("concurrency_lease").set({ expiration: "2000-01-01T00:00:00.000000Z" }).where("id", "=", leaseId).execute();
  const leaseCount = async () => (await server.database.db.selectFrom("concurrency_lease").select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;

  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`takes slots under a lease, renews it, and gives them back once ${skipReason}`, async () => {
    await limit("lease-a", 2);
    await limit("lease-b", 1);
    await limit("lease-off", 1, { active: false });
    const taken = await take(["lease-a", "lease-b", "lease-off"], 1, { lease_duration: 600, holder: { type: "flow_run", id: "0190a0a0-0000-7000-8000-000000000001" } });
    expect(taken.status).toBe(200);
    contract("/v2/concurrency_limits/increment-with-lease", 200, taken.body);
    expect(taken.body.limits.map((l: { name: string }) => l.name)).toEqual(["lease-a", "lease-b", "lease-off"]);
    expect([await slotsOf("lease-a"), await slotsOf("lease-b"), await slotsOf("lease-off")]).toEqual([1, 1, 0]);
    const refused = await take(["lease-a", "lease-b"]);
    expect(refused.status).toBe(423);
    expect(await slotsOf("lease-a")).toBe(1);

    expect((await renew(taken.body.lease_id)).status).toBe(204);
    expect((await renew(taken.body.lease_id, undefined)).status).toBe(204);
    const released = await release(taken.body.lease_id);
    expect(released.status).toBe(204);
    expect([await slotsOf("lease-a"), await slotsOf("lease-b")]).toEqual([0, 0]);
    // A second release of the same lease (a retry) gives nothing back twice, and the lease is gone.
    await server.request("POST", "/v2/concurrency_limits/increment", { names: ["lease-a"], slots: 1 });
    expect((await release(taken.body.lease_id)).status).toBe(204);
    expect(await slotsOf("lease-a")).toBe(1);
    expect((await renew(taken.body.lease_id)).status).toBe(404);
    expect((await renew("0190a0a0-0000-7000-8000-00000000ffff")).body.detail).toBe("Lease not found");
  });

  it.skipIf(!available)(`gives an expired lease's slots back exactly once, and refuses to renew it ${skipReason}`, async () => {
    await limit("exp", 1);
    const first = await take(["exp"]);
    expect(first.status).toBe(200);
    expect((await take(["exp"])).status).toBe(423);
    await expire(first.body.lease_id);
    // A read already leaves the expired lease's slot out, without writing.
    expect(await slotsOf("exp")).toBe(0);
    expect(await storedSlotsOf("exp")).toBe(1);
    const second = await take(["exp"]);
    expect(second.status).toBe(200);
    expect(await storedSlotsOf("exp")).toBe(1);
    expect((await renew(first.body.lease_id)).status).toBe(404);
    // The late holder's release must not give back the new holder's slot.
    expect((await release(first.body.lease_id)).status).toBe(204);
    expect(await slotsOf("exp")).toBe(1);
    expect((await release(second.body.lease_id)).status).toBe(204);
    expect(await slotsOf("exp")).toBe(0);
  });

  it.skipIf(!available)(`gives a limit's last slot to exactly one of 8 racing leased increments ${skipReason}`, async () => {
    await limit("lrace", 3, { active_slots: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, () => take(["lrace"])));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(7).fill(423)]);
    expect(await storedSlotsOf("lrace")).toBe(3);
  });

  it.skipIf(!available)(`releases two expired leases once each while 8 increments race for their slots ${skipReason}`, async () => {
    await limit("erace", 2);
    const leases = [await take(["erace"]), await take(["erace"])];
    for (const lease of leases) await expire(lease.body.lease_id);
    const results = await Promise.all(Array.from({ length: 8 }, () => take(["erace"])));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, ...Array(6).fill(423)]);
    expect(await storedSlotsOf("erace")).toBe(2);
    const remaining = await server.database.db.selectFrom("concurrency_lease").select("id").where("id", "in", leases.map((l) => l.body.lease_id)).execute();
    expect(remaining).toEqual([]);
  });

  it.skipIf(!available)(`gives a lease's slots back once when 6 releases of it race ${skipReason}`, async () => {
    await limit("drace", 3);
    const held = await take(["drace"], 2);
    await take(["drace"], 1);
    const results = await Promise.all(Array.from({ length: 6 }, () => release(held.body.lease_id)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(204));
    expect(await storedSlotsOf("drace")).toBe(1);
  });

  it.skipIf(!available)(`answers a lease on unknown names with no limits, and a lease that can be renewed and released ${skipReason}`, async () => {
    const taken = await take(["no-such-limit"]);
    expect(taken.status).toBe(200);
    contract("/v2/concurrency_limits/increment-with-lease", 200, taken.body);
    expect(taken.body.limits).toEqual([]);
    expect((await renew(taken.body.lease_id)).status).toBe(204);
    expect((await release(taken.body.lease_id)).status).toBe(204);
    expect((await renew(taken.body.lease_id)).status).toBe(404);
  });

  it.skipIf(!available)(`answers null optional fields as if absent ${skipReason}`, async () => {
    await limit("nulls", 1);
    const taken = await take(["nulls"], 1, { mode: null, lease_duration: null, holder: null });
    expect(taken.status).toBe(200);
    const lease = await server.database.db.selectFrom("concurrency_lease").selectAll().where("id", "=", taken.body.lease_id).executeTakeFirstOrThrow();
    // The default lease: five minutes.
    expect(Date.parse(lease.expiration) - Date.parse(lease.created)).toBe(300_000);
    expect(lease.holder).toBeNull();
    expect((await renew(taken.body.lease_id, { lease_duration: null })).status).toBe(204);
    expect((await release(taken.body.lease_id)).status).toBe(204);
  });

  it.skipIf(!available)(`answers 422 naming the field and writes nothing for bad input ${skipReason}`, async () => {
    await limit("bad", 5);
    const before = await leaseCount();
    const cases: [string, unknown, string[]][] = [
      ["/v2/concurrency_limits/increment-with-lease", { names: ["bad"], slots: 1, lease_duration: 10 }, ["body", "lease_duration"]],
      ["/v2/concurrency_limits/increment-with-lease", { names: ["bad"], slots: 1, lease_duration: 86_401 }, ["body", "lease_duration"]],
      ["/v2/concurrency_limits/increment-with-lease", { names: [], slots: 1 }, ["body", "names"]],
      ["/v2/concurrency_limits/increment-with-lease", { names: ["bad"], slots: 0 }, ["body", "slots"]],
      ["/v2/concurrency_limits/increment-with-lease", { names: ["bad"], slots: 1, holder: { type: "worker", id: "0190a0a0-0000-7000-8000-000000000001" } }, ["body", "holder", "type"]],
      ["/v2/concurrency_limits/decrement-with-lease", { lease_id: "not-a-uuid" }, ["body", "lease_id"]],
      ["/v2/concurrency_limits/decrement-with-lease", {}, ["body", "lease_id"]],
      ["/v2/concurrency_limits/leases/not-a-uuid/renew", {}, ["path", "lease_id"]],
      ["/v2/concurrency_limits/leases/0190a0a0-0000-7000-8000-000000000001/renew", { lease_duration: "long" }, ["body", "lease_duration"]],
    ];
    for (const [path, body, loc] of cases) {
      const r = await server.request("POST", path, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(422);
      expect(r.body.detail[0].loc, `${path} ${JSON.stringify(body)}`).toEqual(loc);
    }
    const tooMany = await take(["bad"], 6);
    expect(tooMany.status).toBe(422);
    expect(await leaseCount()).toBe(before);
    expect(await storedSlotsOf("bad")).toBe(0);
  });
});
