import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toTimestamp } from "../../packages/server/src/timestamps.js";
import { insertFlow, insertFlowRun } from "../support/fixtures/insert-flow-run.js";
import { createPool, readQueue } from "../support/fixtures/work-pools.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("work pools on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`creates a pool with its default queue at priority 1 ${skipReason}`, async () => {
    const r = await server.request("POST", "/work_pools/", { name: "create-me", type: "ecs", description: "d", concurrency_limit: 3, base_job_template: { job_configuration: { a: "{{ a }}" }, variables: { properties: { a: { type: "string" } } } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: "create-me",
      type: "ecs",
      description: "d",
      is_paused: false,
      concurrency_limit: 3,
      status: "NOT_READY",
      active_slots: 0,
      base_job_template: { job_configuration: { a: "{{ a }}" }, variables: { properties: { a: { type: "string" } } } },
      storage_configuration: { bundle_upload_step: null, bundle_execution_step: null, default_result_storage_block_id: null },
    });
    expect(r.body.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const queue = await readQueue(server, "create-me", "default");
    expect(queue).toMatchObject({ id: r.body.default_queue_id, priority: 1, work_pool_id: r.body.id, work_pool_name: "create-me", description: "The work pool's default queue." });
    const read = await server.request("GET", "/work_pools/create-me");
    expect(read).toEqual({ status: 200, body: r.body });
  });

  it.skipIf(!available)(`defaults as Prefect: type prefect-agent (no status), empty template, no limit ${skipReason}`, async () => {
    const r = await server.request("POST", "/work_pools", { name: "bare" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: "prefect-agent", status: null, base_job_template: {}, concurrency_limit: null, active_slots: null, description: null });
  });

  it.skipIf(!available)(`refuses a duplicate name with 409 and keeps the first pool ${skipReason}`, async () => {
    const first = await createPool(server, "dup");
    const r = await server.request("POST", "/work_pools/", { name: "dup", type: "other" });
    expect(r).toEqual({ status: 409, body: { detail: "A work pool with this name already exists." } });
    expect((await server.request("GET", "/work_pools/dup")).body).toMatchObject({ id: first.id, type: "process" });
  });

  it.skipIf(!available)(`refuses names reserved by Prefect with 403 ${skipReason}`, async () => {
    for (const name of ["Prefect", "prefect pool", "PrefectPool", "prefect-managed"]) {
      const r = await server.request("POST", "/work_pools/", { name });
      expect(r.status).toBe(403);
      expect(r.body.detail).toBe("Work pools starting with 'Prefect' are reserved for internal use.");
    }
    expect((await server.request("POST", "/work_pools/count", { work_pools: { name: { any_: ["Prefect"] } } })).body).toBe(0);
  });

  it.skipIf(!available)(`answers bad create bodies with 422 naming the field ${skipReason}`, async () => {
    const cases: [unknown, (string | number)[]][] = [
      [{}, ["body", "name"]],
      [{ name: "a/b" }, ["body", "name"]],
      [{ name: "" }, ["body", "name"]],
      [{ name: "  '' " }, ["body", "name"]],
      [{ name: "x", concurrency_limit: -1 }, ["body", "concurrency_limit"]],
      [{ name: "x", concurrency_limit: "3" }, ["body", "concurrency_limit"]],
      [{ name: "x", is_paused: "yes" }, ["body", "is_paused"]],
      [{ name: "x", base_job_template: [] }, ["body", "base_job_template"]],
      [{ name: "x", base_job_template: "{}" }, ["body", "base_job_template"]],
      [{ name: "x", storage_configuration: { default_result_storage_block_id: "nope" } }, ["body", "storage_configuration", "default_result_storage_block_id"]],
    ];
    for (const [body, loc] of cases) {
      const r = await server.request("POST", "/work_pools/", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc), JSON.stringify(body)).toContainEqual(loc);
    }
    const emptyish = await server.request("POST", "/work_pools/", { name: " ' " });
    expect(emptyish.body.detail[0].msg).toContain("name cannot be an empty string");
    expect((await server.request("POST", "/work_pools/count", { work_pools: { name: { any_: ["x", "a/b", ""] } } })).body).toBe(0);
  });

  it.skipIf(!available)(`drops unknown fields instead of storing them ${skipReason}`, async () => {
    const r = await server.request("POST", "/work_pools/", { name: "extra", type: "process", color: "red", storage_configuration: { other: 1 } });
    expect(r.status).toBe(201);
    expect(r.body.color).toBeUndefined();
    expect(r.body.storage_configuration).toEqual({ bundle_upload_step: null, bundle_execution_step: null, default_result_storage_block_id: null });
  });

  it.skipIf(!available)(`answers unknown pools with Prefect's 404 on every pool route ${skipReason}`, async () => {
    const detail = 'Work pool "nope" not found.';
    expect(await server.request("GET", "/work_pools/nope")).toEqual({ status: 404, body: { detail } });
    expect(await server.request("PATCH", "/work_pools/nope", { description: "x" })).toEqual({ status: 404, body: { detail } });
    expect(await server.request("PATCH", "/work_pools/nope", {})).toEqual({ status: 404, body: { detail } });
    expect(await server.request("DELETE", "/work_pools/nope")).toEqual({ status: 404, body: { detail } });
    expect(await server.request("POST", "/work_pools/nope/get_scheduled_flow_runs", {})).toEqual({ status: 404, body: { detail } });
    expect(await server.request("POST", "/work_pools/nope/queues", { name: "q" })).toEqual({ status: 404, body: { detail } });
    expect(await server.request("POST", "/work_pools/nope/queues/filter")).toEqual({ status: 404, body: { detail } });
    expect(await server.request("POST", "/work_pools/nope/workers/heartbeat", { name: "w" })).toEqual({ status: 404, body: { detail } });
    expect(await server.request("POST", "/work_pools/nope/workers/filter")).toEqual({ status: 404, body: { detail } });
    expect(await server.request("DELETE", "/work_pools/nope/workers/w")).toEqual({ status: 404, body: { detail } });
  });

  it.skipIf(!available)(`updates only the fields sent and answers 204 ${skipReason}`, async () => {
    const pool = await createPool(server, "patch-me", { description: "old", concurrency_limit: 2, storage_configuration: { bundle_upload_step: { step: { bucket: "b" } } } });
    const template = { job_configuration: { command: "{{ command }}" }, variables: { properties: { command: { type: "string" } } } };
    const r = await server.request("PATCH", "/work_pools/patch-me", { base_job_template: template, is_paused: true });
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    const after = (await server.request("GET", "/work_pools/patch-me")).body;
    expect(after).toMatchObject({ description: "old", concurrency_limit: 2, is_paused: true, status: "PAUSED", base_job_template: template });
    expect(after.storage_configuration.bundle_upload_step).toEqual({ step: { bucket: "b" } });
    expect(after.updated >= pool.updated).toBe(true);
    expect(after.type).toBe("process");

    expect((await server.request("PATCH", "/work_pools/patch-me", { description: null, concurrency_limit: null, is_paused: false, storage_configuration: {} })).status).toBe(204);
    const cleared = (await server.request("GET", "/work_pools/patch-me")).body;
    expect(cleared).toMatchObject({ description: null, concurrency_limit: null, active_slots: null, is_paused: false, status: "NOT_READY" });
    expect(cleared.storage_configuration).toEqual({ bundle_upload_step: null, bundle_execution_step: null, default_result_storage_block_id: null });
  });

  it.skipIf(!available)(`answers bad update bodies with 422 and changes nothing ${skipReason}`, async () => {
    await createPool(server, "patch-bad", { concurrency_limit: 1 });
    for (const [body, loc] of [
      [{ concurrency_limit: -5 }, ["body", "concurrency_limit"]],
      [{ is_paused: 1 }, ["body", "is_paused"]],
      [{ base_job_template: ["x"] }, ["body", "base_job_template"]],
      [{ description: 5 }, ["body", "description"]],
    ] as const) {
      const r = await server.request("PATCH", "/work_pools/patch-bad", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    expect((await server.request("GET", "/work_pools/patch-bad")).body).toMatchObject({ concurrency_limit: 1, is_paused: false, description: null });
  });

  it.skipIf(!available)(`lets reserved pools only be paused or limited, and never deleted ${skipReason}`, async () => {
    // Reserved pools cannot be created through the API; Prefect creates them itself.
    const ts = toTimestamp(Date.now());
    await server.database.db
      .insertInto("work_pool")
      .values({ id: "0190f000-0000-7000-8000-000000000001", created: ts, updated: ts, name: "prefect-managed", description: null, type: "prefect:managed", base_job_template: "{}", is_paused: 0, default_queue_id: null, concurrency_limit: null, status: null, storage_configuration: "{}" })
      .execute();
    const refused = await server.request("PATCH", "/work_pools/prefect-managed", { description: "x", is_paused: true });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("reserved for internal use");
    expect((await server.request("PATCH", "/work_pools/prefect-managed", { is_paused: true, concurrency_limit: 4 })).status).toBe(204);
    const deleted = await server.request("DELETE", "/work_pools/prefect-managed");
    expect(deleted).toEqual({ status: 403, body: { detail: "Work pools starting with 'Prefect' are reserved for internal use and can not be deleted." } });
    expect((await server.request("GET", "/work_pools/prefect-managed")).body).toMatchObject({ is_paused: true, concurrency_limit: 4, description: null });
  });

  it.skipIf(!available)(`deletes a pool with its queues and workers, leaving its runs unlinked ${skipReason}`, async () => {
    await createPool(server, "doomed");
    const queue = await readQueue(server, "doomed", "default");
    expect((await server.request("POST", "/work_pools/doomed/workers/heartbeat", { name: "w1" })).status).toBe(204);
    const flowId = await insertFlow(server.database.db);
    const runId = await insertFlowRun(server.database.db, { flowId, workQueue: queue });
    expect(await server.request("DELETE", "/work_pools/doomed")).toEqual({ status: 204, body: undefined });
    expect((await server.request("GET", "/work_pools/doomed")).status).toBe(404);
    expect(await server.database.db.selectFrom("work_queue").select("id").where("id", "=", queue.id).execute()).toEqual([]);
    expect(await server.database.db.selectFrom("worker").select("id").where("work_pool_id", "=", queue.work_pool_id as string).execute()).toEqual([]);
    const run = await server.database.db.selectFrom("flow_run").selectAll().where("id", "=", runId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ work_pool_id: null, work_queue_id: null, state_type: "SCHEDULED" });
  });

  it.skipIf(!available)(`filters by id, name and type with and_/or_, ordered by name, with limit and offset ${skipReason}`, async () => {
    const a = await createPool(server, "f-b", { type: "ftype-1" });
    const b = await createPool(server, "f-a", { type: "ftype-1" });
    const c = await createPool(server, "f-c", { type: "ftype-2" });
    const names = async (body: unknown) => {
      const r = await server.request("POST", "/work_pools/filter", body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body as { name: string }[]).map((p) => p.name);
    };
    expect(await names({ work_pools: { type: { any_: ["ftype-1", "ftype-2"] } } })).toEqual(["f-a", "f-b", "f-c"]);
    expect(await names({ work_pools: { type: { any_: ["ftype-1"] }, name: { any_: ["f-b", "f-c"] } } })).toEqual(["f-b"]);
    expect(await names({ work_pools: { operator: "or_", type: { any_: ["ftype-2"] }, id: { any_: [b.id] } } })).toEqual(["f-a", "f-c"]);
    expect(await names({ work_pools: { id: { any_: [a.id, c.id] } } })).toEqual(["f-b", "f-c"]);
    expect(await names({ work_pools: { type: { any_: ["ftype-1", "ftype-2"] } }, limit: 1, offset: 1 })).toEqual(["f-b"]);
    expect(await names({ work_pools: { type: { any_: ["ftype-1", "ftype-2"] } }, limit: null, offset: null })).toEqual(["f-a", "f-b", "f-c"]);
    expect(await names({ work_pools: { name: { any_: [] } } })).toEqual([]);
    const count = await server.request("POST", "/work_pools/count", { work_pools: { type: { any_: ["ftype-1"] } } });
    expect(count).toEqual({ status: 200, body: 2 });
    const all = await server.request("POST", "/work_pools/count");
    const listed = await server.request("POST", "/work_pools/filter");
    expect(all.body).toBe(listed.body.length);
  });

  it.skipIf(!available)(`answers bad filter bodies: limit over 200 or negative, negative offset, bad ids ${skipReason}`, async () => {
    expect(await server.request("POST", "/work_pools/filter", { limit: 201 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
    expect(await server.request("POST", "/work_pools/filter", { limit: -1 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be greater than or equal to 0." } });
    const offset = await server.request("POST", "/work_pools/filter", { offset: -1 });
    expect(offset.status).toBe(422);
    expect(offset.body.detail[0].loc).toEqual(["body", "offset"]);
    const limitType = await server.request("POST", "/work_pools/filter", { limit: "10" });
    expect(limitType.body.detail[0].loc).toEqual(["body", "limit"]);
    const id = await server.request("POST", "/work_pools/filter", { work_pools: { id: { any_: ["not-a-uuid"] } } });
    expect(id.status).toBe(422);
    expect(id.body.detail[0].loc).toEqual(["body", "work_pools", "id", "any_", 0]);
    const op = await server.request("POST", "/work_pools/count", { work_pools: { operator: "xor_" } });
    expect(op.status).toBe(422);
    expect(op.body.detail[0].loc).toEqual(["body", "work_pools", "operator"]);
  });

  it.skipIf(!available)(`reports READY while a worker is online and counts slot-holding runs as active_slots ${skipReason}`, async () => {
    await createPool(server, "live", { concurrency_limit: 5 });
    const queue = await readQueue(server, "live", "default");
    expect((await server.request("GET", "/work_pools/live")).body).toMatchObject({ status: "NOT_READY", active_slots: 0 });
    expect((await server.request("POST", "/work_pools/live/workers/heartbeat", { name: "w" })).status).toBe(204);
    const flowId = await insertFlow(server.database.db);
    for (const stateType of ["PENDING", "RUNNING", "CANCELLING", "SCHEDULED", "COMPLETED"] as const) {
      await insertFlowRun(server.database.db, { flowId, workQueue: queue, stateType });
    }
    expect((await server.request("GET", "/work_pools/live")).body).toMatchObject({ status: "READY", active_slots: 2 });
    const listed = await server.request("POST", "/work_pools/filter", { work_pools: { name: { any_: ["live"] } } });
    expect(listed.body[0]).toMatchObject({ status: "READY", active_slots: 2 });
    // The only worker's heartbeat ages past 3 intervals (30 s default): no longer READY.
    await server.database.db.updateTable("worker").set({ last_heartbeat_time: toTimestamp(Date.now() - 91_000) }).where("work_pool_id", "=", queue.work_pool_id as string).execute();
    expect((await server.request("GET", "/work_pools/live")).body.status).toBe("NOT_READY");
    expect((await server.request("PATCH", "/work_pools/live", { is_paused: true })).status).toBe(204);
    expect((await server.request("GET", "/work_pools/live")).body.status).toBe("PAUSED");
  });

  it.skipIf(!available)(`addresses pools whose names need URL encoding ${skipReason}`, async () => {
    await createPool(server, "Pool 1 (ö)");
    const r = await server.request("GET", `/work_pools/${encodeURIComponent("Pool 1 (ö)")}`);
    expect(r.status).toBe(200);
    expect(r.body.name).toBe("Pool 1 (ö)");
    expect((await readQueue(server, "Pool 1 (ö)", "default")).work_pool_name).toBe("Pool 1 (ö)");
  });

  it.skipIf(!available)(`leaves default_result_storage_block_id out for Prefect clients up to 3.3.7, as Prefect does ${skipReason}`, async () => {
    const blockId = "0190f000-0000-7000-8000-0000000000aa";
    const old = { "user-agent": "prefect/3.3.7 (API 0.8.4)" };
    const created = await server.request("POST", "/work_pools/", { name: "compat", type: "process", storage_configuration: { default_result_storage_block_id: blockId } }, old);
    expect(created.status).toBe(201);
    expect(created.body.storage_configuration).toEqual({ bundle_upload_step: null, bundle_execution_step: null });
    expect((await server.request("GET", "/work_pools/compat", undefined, old)).body.storage_configuration).not.toHaveProperty("default_result_storage_block_id");
    const listed = await server.request("POST", "/work_pools/filter", { work_pools: { name: { any_: ["compat"] } } }, old);
    expect(listed.body[0].storage_configuration).not.toHaveProperty("default_result_storage_block_id");
    for (const userAgent of ["prefect/3.4.0 (API 0.8.4)", "curl/8.0"]) {
      const r = await server.request("GET", "/work_pools/compat", undefined, { "user-agent": userAgent });
      expect(r.body.storage_configuration.default_result_storage_block_id, userAgent).toBe(blockId);
    }
  });
});
