import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, insertWorkPool } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("deployments API on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "deployed-flow");
    await insertWorkPool(server.database.db, "ecs-pool", ["default", "gpu"]);
  });
  afterAll(async () => server?.close());

  const deploy = (body: Record<string, unknown>) => server.request("POST", "/deployments/", { flow_id: flowId, ...body });

  it.skipIf(!available)(`creates a deployment in a pool and queue (201) and upserts it by flow and name (200) ${skipReason}`, async () => {
    const created = await deploy({ name: "upsert", work_pool_name: "ecs-pool", work_queue_name: "gpu", parameters: { n: 1 }, tags: ["t1"], description: "first" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "upsert",
      flow_id: flowId,
      work_pool_name: "ecs-pool",
      work_queue_name: "gpu",
      parameters: { n: 1 },
      tags: ["t1"],
      description: "first",
      paused: false,
      enforce_parameter_schema: true,
      status: "NOT_READY",
      schedules: [],
      labels: { "prefect.flow.id": flowId },
    });
    const queue = await server.database.db.selectFrom("work_queue").select("id").where("name", "=", "gpu").executeTakeFirstOrThrow();
    expect(created.body.work_queue_id).toBe(queue.id);

    const updated = await deploy({ name: "upsert", description: "second" });
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    // Only what was sent changes, as in Prefect's upsert.
    expect(updated.body).toMatchObject({ description: "second", parameters: { n: 1 }, tags: ["t1"], work_pool_name: "ecs-pool", work_queue_name: "gpu" });
  });

  it.skipIf(!available)(`routes to the pool's default queue, creates a missing queue, and 404s a missing pool ${skipReason}`, async () => {
    const byDefault = await deploy({ name: "default-queue", work_pool_name: "ecs-pool" });
    expect(byDefault.body).toMatchObject({ work_pool_name: "ecs-pool", work_queue_name: "default" });
    const newQueue = await deploy({ name: "new-queue", work_pool_name: "ecs-pool", work_queue_name: "fresh" });
    expect(newQueue.status).toBe(201);
    const fresh = await server.database.db.selectFrom("work_queue").selectAll().where("name", "=", "fresh").executeTakeFirstOrThrow();
    expect(fresh).toMatchObject({ priority: 3, id: newQueue.body.work_queue_id });
    const missingPool = await deploy({ name: "nowhere", work_pool_name: "no-such-pool" });
    expect(missingPool).toEqual({ status: 404, body: { detail: 'Work pool "no-such-pool" not found.' } });
    const noPool = await deploy({ name: "poolless", work_queue_name: "q" });
    expect(noPool.body).toMatchObject({ work_pool_name: null, work_queue_id: null, work_queue_name: "q" });
  });

  it.skipIf(!available)(`refuses an unknown flow (409) and bad bodies (422), writing nothing ${skipReason}`, async () => {
    const unknownFlow = await server.request("POST", "/deployments/", { name: "orphan", flow_id: MISSING });
    expect(unknownFlow.status).toBe(409);
    expect(unknownFlow.body.detail).toContain("flow_id");
    const noName = await server.request("POST", "/deployments/", { flow_id: flowId });
    expect(noName.status).toBe(422);
    expect(noName.body.detail[0].loc).toEqual(["body", "name"]);
    const badCron = await deploy({ name: "bad-cron", schedules: [{ schedule: { cron: "every tuesday" } }] });
    expect(badCron.status).toBe(422);
    expect(badCron.body.detail[0].loc).toEqual(["body", "schedules", 0, "schedule", "cron"]);
    const twoKinds = await deploy({ name: "two-kinds", schedules: [{ schedule: { cron: "0 0 * * *", interval: 60 } }] });
    expect(twoKinds.status).toBe(422);
    const badZone = await deploy({ name: "bad-zone", schedules: [{ schedule: { interval: 60, timezone: "Mars/Olympus" } }] });
    expect(badZone.status).toBe(422);
    expect(badZone.body.detail[0].loc).toEqual(["body", "schedules", 0, "schedule", "timezone"]);
    const count = await server.request("POST", "/deployments/count", { deployments: { name: { any_: ["bad-cron", "two-kinds", "bad-zone", "orphan"] } } });
    expect(count.body).toBe(0);
  });

  it.skipIf(!available)(`stores schedules with Prefect's defaults and returns them ${skipReason}`, async () => {
    const created = await deploy({
      name: "scheduled",
      schedules: [
        { schedule: { interval: 3600, anchor_date: "2026-01-01T00:00:00+00:00" }, slug: "hourly" },
        { schedule: { cron: "0 9 * * 1-5", timezone: "Europe/Paris" }, active: false, parameters: { x: 1 } },
        { schedule: { rrule: "FREQ=DAILY;INTERVAL=2" }, max_scheduled_runs: 5 },
      ],
    });
    expect(created.status).toBe(201);
    const schedules = created.body.schedules;
    expect(schedules.map((s: { schedule: unknown }) => s.schedule)).toEqual([
      { interval: 3600, anchor_date: "2026-01-01T00:00:00.000000Z", timezone: "UTC" },
      { cron: "0 9 * * 1-5", timezone: "Europe/Paris", day_or: true },
      { rrule: "FREQ=DAILY;INTERVAL=2", timezone: "UTC" },
    ]);
    expect(schedules[0]).toMatchObject({ slug: "hourly", active: true, deployment_id: created.body.id });
    expect(schedules[1]).toMatchObject({ active: false, parameters: { x: 1 } });
    expect(schedules[2]).toMatchObject({ max_scheduled_runs: 5 });
    expect((await server.request("GET", `/deployments/${created.body.id}/schedules`)).body).toEqual(schedules);
    // An upsert replaces the schedules.
    const replaced = await deploy({ name: "scheduled", schedules: [{ schedule: { interval: 60 } }] });
    expect(replaced.body.schedules).toHaveLength(1);
  });

  it.skipIf(!available)(`reads by id and by flow and deployment name, 404 otherwise ${skipReason}`, async () => {
    const created = await deploy({ name: "readable" });
    expect((await server.request("GET", `/deployments/${created.body.id}`)).body).toEqual(created.body);
    expect((await server.request("GET", "/deployments/name/deployed-flow/readable")).body.id).toBe(created.body.id);
    expect(await server.request("GET", `/deployments/${MISSING}`)).toEqual({ status: 404, body: { detail: "Deployment not found" } });
    expect((await server.request("GET", "/deployments/name/deployed-flow/nope")).status).toBe(404);
  });

  it.skipIf(!available)(`patches only the fields sent (204) and replaces schedules ${skipReason}`, async () => {
    const created = await deploy({ name: "patchable", work_pool_name: "ecs-pool", parameters: { a: 1 }, schedules: [{ schedule: { interval: 60 } }] });
    const id = created.body.id;
    expect((await server.request("PATCH", `/deployments/${id}`, { description: "patched", paused: true, schedules: [{ schedule: { interval: 120 } }, { schedule: { interval: 240 } }] })).status).toBe(204);
    const patched = (await server.request("GET", `/deployments/${id}`)).body;
    expect(patched).toMatchObject({ description: "patched", paused: true, parameters: { a: 1 }, work_pool_name: "ecs-pool" });
    expect(patched.schedules.map((s: { schedule: { interval: number } }) => s.schedule.interval)).toEqual([120, 240]);
    expect((await server.request("PATCH", `/deployments/${id}`, { work_queue_name: "gpu" })).status).toBe(204);
    expect((await server.request("GET", `/deployments/${id}`)).body).toMatchObject({ work_pool_name: "ecs-pool", work_queue_name: "gpu" });
    expect((await server.request("PATCH", `/deployments/${id}`, { work_pool_name: null })).status).toBe(204);
    expect((await server.request("GET", `/deployments/${id}`)).body).toMatchObject({ work_pool_name: null, work_queue_id: null });
    expect((await server.request("PATCH", `/deployments/${MISSING}`, { paused: true })).status).toBe(404);
    const missingPool = await server.request("PATCH", `/deployments/${id}`, { work_pool_name: "ghost" });
    expect(missingPool).toEqual({ status: 404, body: { detail: 'Work pool "ghost" not found.' } });
    const badPaused = await server.request("PATCH", `/deployments/${id}`, { paused: "yes" });
    expect(badPaused.status).toBe(422);
    expect(badPaused.body.detail[0].loc).toEqual(["body", "paused"]);
    // A refused PATCH changes nothing.
    expect((await server.request("GET", `/deployments/${id}`)).body).toMatchObject({ work_pool_name: null, paused: true });
  });

  it.skipIf(!available)(`updates schedules by slug when every schedule has one ${skipReason}`, async () => {
    const created = await deploy({ name: "slugged", schedules: [{ schedule: { interval: 60 }, slug: "a" }, { schedule: { interval: 120 }, slug: "b" }] });
    const id = created.body.id;
    expect((await server.request("PATCH", `/deployments/${id}`, { schedules: [{ slug: "a", active: false }, { slug: "c", schedule: { interval: 30 } }] })).status).toBe(204);
    const schedules = (await server.request("GET", `/deployments/${id}`)).body.schedules;
    expect(schedules.map((s: { slug: string; active: boolean }) => [s.slug, s.active])).toEqual([
      ["a", false],
      ["b", true],
      ["c", true],
    ]);
    const unslugged = await server.request("PATCH", `/deployments/${id}`, { schedules: [{ schedule: { interval: 10 } }] });
    expect(unslugged.status).toBe(422);
  });

  it.skipIf(!available)(`deletes a deployment with its never-run scheduled runs (204), then 404 ${skipReason}`, async () => {
    const created = await deploy({ name: "deletable" });
    const run = await server.request("POST", `/deployments/${created.body.id}/create_flow_run`, {});
    expect((await server.request("DELETE", `/deployments/${created.body.id}`)).status).toBe(204);
    expect((await server.request("GET", `/flow_runs/${run.body.id}`)).status).toBe(404);
    expect((await server.request("DELETE", `/deployments/${created.body.id}`)).status).toBe(404);
  });

  it.skipIf(!available)(`filters and counts deployments ${skipReason}`, async () => {
    const other = await createFlow(server, "zz-other-flow");
    await server.request("POST", "/deployments/", { flow_id: other, name: "f-one", tags: ["prod"], paused: true, work_pool_name: "ecs-pool" });
    await server.request("POST", "/deployments/", { flow_id: other, name: "f-two", tags: ["dev"] });
    const names = async (body: object) => (await server.request("POST", "/deployments/filter", body)).body.map((d: { name: string }) => d.name);
    expect(await names({ flows: { id: { any_: [other] } } })).toEqual(["f-one", "f-two"]);
    expect(await names({ flows: { id: { any_: [other] } }, sort: "NAME_DESC" })).toEqual(["f-two", "f-one"]);
    expect(await names({ deployments: { tags: { any_: ["prod"] } } })).toEqual(["f-one"]);
    expect(await names({ deployments: { paused: { eq_: true }, name: { like_: "f-" } } })).toEqual(["f-one"]);
    expect(await names({ deployments: { flow_or_deployment_name: { like_: "zz-other" } } })).toEqual(["f-one", "f-two"]);
    expect(await names({ work_pools: { name: { any_: ["ecs-pool"] } }, flows: { id: { any_: [other] } } })).toEqual(["f-one"]);
    expect(await names({ work_pool_queues: { name: { startswith_: ["def"] } }, flows: { id: { any_: [other] } } })).toEqual(["f-one"]);
    expect((await server.request("POST", "/deployments/count", { flows: { name: { any_: ["zz-other-flow"] } } })).body).toBe(2);
    expect(await server.request("POST", "/deployments/filter", { limit: 500 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
  });

  describe("create_flow_run", () => {
    let deploymentId: string;
    beforeAll(async () => {
      if (!available) return;
      const created = await deploy({
        name: "runnable",
        work_pool_name: "ecs-pool",
        work_queue_name: "gpu",
        parameters: { n: 1, greeting: "hi" },
        tags: ["from-deployment"],
        labels: { team: "data" },
        job_variables: { cpu: 256, memory: 512 },
        version: "v7",
        parameter_openapi_schema: { type: "object", properties: { n: { type: "integer" }, greeting: { type: "string" } }, required: ["n"] },
      });
      deploymentId = created.body.id;
    });

    it.skipIf(!available)(`creates a SCHEDULED run for now that inherits from the deployment (201) ${skipReason}`, async () => {
      const before = Date.now();
      const r = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, {
        parameters: { greeting: "hello" },
        tags: ["extra"],
        job_variables: { memory: 1024 },
        labels: { run: "one" },
      });
      expect(r.status).toBe(201);
      const run = r.body;
      expect(run).toMatchObject({
        flow_id: flowId,
        deployment_id: deploymentId,
        deployment_version: "v7",
        state_type: "SCHEDULED",
        state_name: "Scheduled",
        parameters: { n: 1, greeting: "hello" },
        job_variables: { cpu: 256, memory: 1024 },
        work_pool_name: "ecs-pool",
        work_queue_name: "gpu",
        labels: { team: "data", "prefect.flow.id": flowId, "prefect.deployment.id": deploymentId, run: "one" },
      });
      expect(run.tags.sort()).toEqual(["extra", "from-deployment"]);
      expect(run.state.state_details.scheduled_time).toBe(run.expected_start_time);
      expect(run.next_scheduled_start_time).toBe(run.expected_start_time);
      expect(Date.parse(run.expected_start_time)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(run.expected_start_time)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(run.work_pool_id).not.toBeNull();
      expect(run.work_queue_id).not.toBeNull();
    });

    it.skipIf(!available)(`uses a given state and work queue, creating the queue in the deployment's pool ${skipReason}`, async () => {
      const r = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { state: { type: "PENDING" }, work_queue_name: "adhoc" });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ state_type: "PENDING", work_queue_name: "adhoc", work_pool_name: "ecs-pool" });
    });

    it.skipIf(!available)(`checks parameters against the deployment's schema (409) unless told not to ${skipReason}`, async () => {
      const wrongType = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { parameters: { n: "one" } });
      expect(wrongType.status).toBe(409);
      expect(wrongType.body.detail).toMatch(/^Error creating flow run: Validation failed: parameters\.n must be integer/);
      const unchecked = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { parameters: { n: "one" }, enforce_parameter_schema: false });
      expect(unchecked.status).toBe(201);
      const lax = await deploy({ name: "lax", parameters: {}, enforce_parameter_schema: false, parameter_openapi_schema: { type: "object", required: ["n"] } });
      expect((await server.request("POST", `/deployments/${lax.body.id}/create_flow_run`, {})).status).toBe(201);
      const strict = await deploy({ name: "strict", parameters: {}, parameter_openapi_schema: { type: "object", required: ["n"] } });
      expect((await server.request("POST", `/deployments/${strict.body.id}/create_flow_run`, {})).status).toBe(409);
    });

    it.skipIf(!available)(`returns the existing run for a repeated idempotency key (200) ${skipReason}`, async () => {
      const first = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { idempotency_key: "k-1" });
      const second = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { idempotency_key: "k-1", parameters: { n: 9 } });
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.parameters.n).toBe(1);
    });

    it.skipIf(!available)(`answers 404 for an unknown deployment and 422 for a queue without a pool ${skipReason}`, async () => {
      expect(await server.request("POST", `/deployments/${MISSING}/create_flow_run`, {})).toEqual({ status: 404, body: { detail: "Deployment not found" } });
      const poolless = await deploy({ name: "poolless-run" });
      const r = await server.request("POST", `/deployments/${poolless.body.id}/create_flow_run`, { work_queue_name: "q" });
      expect(r.status).toBe(422);
      expect(r.body.detail[0].loc).toEqual(["body", "work_queue_name"]);
      const badState = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { state: { type: "WAITING" } });
      expect(badState.status).toBe(422);
      expect(badState.body.detail[0].loc).toEqual(["body", "state", "type"]);
    });
  });
});
