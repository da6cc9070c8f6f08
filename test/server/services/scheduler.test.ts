import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../packages/server/src/database/index.js";
import { schedulerService } from "../../../packages/server/src/services/scheduler.js";
import { createFlow } from "../../support/api-fixtures.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("deployment schedules and the scheduler on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let replica: Database;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    replica = await openDatabase({ url: server.database.url });
    flowId = await createFlow(server, "scheduled");
  });
  afterAll(async () => {
    await replica?.close();
    await server?.close();
  });

  const deploy = async (body: Record<string, unknown> = {}) => {
    const r = await server.request("POST", "/deployments/", { flow_id: flowId, name: `d-${Math.random().toString(36).slice(2)}`, ...body });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const runsOf = async (deploymentId: string) =>
    (await server.request("POST", "/flow_runs/filter", { flow_runs: { deployment_id: { any_: [deploymentId] } }, sort: "EXPECTED_START_TIME_ASC" })).body as any[];
  const scheduler = schedulerService({ intervalSeconds: 60 });
  const pass = (database: Database, now = Date.now()) => scheduler.run({ database, logger: server.app.log, now });

  it.skipIf(!available)(`adds, changes and deletes schedules one by one ${skipReason}`, async () => {
    const id = await deploy();
    const created = await server.request("POST", `/deployments/${id}/schedules`, [
      { schedule: { cron: "0 9 * * *", timezone: "Europe/Berlin" }, slug: "morning" },
      { schedule: { interval: 600 }, active: false, parameters: { x: 1 } },
    ]);
    expect(created.status).toBe(201);
    expect(created.body).toHaveLength(2);
    expect(created.body[0]).toMatchObject({ deployment_id: id, schedule: { cron: "0 9 * * *", timezone: "Europe/Berlin", day_or: true }, active: true, slug: "morning" });
    expect(created.body[1]).toMatchObject({ schedule: { interval: 600, timezone: "UTC" }, active: false, parameters: { x: 1 } });

    const patched = await server.request("PATCH", `/deployments/${id}/schedules/${created.body[1].id}`, { active: true, max_scheduled_runs: 5 });
    expect(patched.status).toBe(204);
    const listed = await server.request("GET", `/deployments/${id}/schedules`);
    expect(listed.body.find((s: { id: string }) => s.id === created.body[1].id)).toMatchObject({ active: true, max_scheduled_runs: 5, schedule: { interval: 600 } });

    expect((await server.request("DELETE", `/deployments/${id}/schedules/${created.body[0].id}`)).status).toBe(204);
    expect((await server.request("GET", `/deployments/${id}/schedules`)).body).toHaveLength(1);
  });

  it.skipIf(!available)(`answers 404 for unknown deployments and schedules, 422 naming the field for bad ones, changing nothing ${skipReason}`, async () => {
    const id = await deploy({ schedules: [{ schedule: { interval: 60 }, slug: "a" }] });
    const [existing] = (await server.request("GET", `/deployments/${id}/schedules`)).body;
    expect(await server.request("POST", `/deployments/${MISSING}/schedules`, [{ schedule: { interval: 60 } }])).toEqual({ status: 404, body: { detail: "Deployment not found" } });
    expect(await server.request("PATCH", `/deployments/${id}/schedules/${MISSING}`, { active: false })).toEqual({ status: 404, body: { detail: "Schedule not found." } });
    expect(await server.request("DELETE", `/deployments/${id}/schedules/${MISSING}`)).toEqual({ status: 404, body: { detail: "Schedule not found." } });

    const badCron = await server.request("POST", `/deployments/${id}/schedules`, [{ schedule: { interval: 60 } }, { schedule: { cron: "not a cron" } }]);
    expect(badCron.status).toBe(422);
    expect(badCron.body.detail[0].loc).toEqual(["body", 1, "schedule", "cron"]);
    const takenSlug = await server.request("POST", `/deployments/${id}/schedules`, [{ schedule: { interval: 60 }, slug: "a" }]);
    expect(takenSlug.status).toBe(422);
    expect(takenSlug.body.detail[0].loc).toEqual(["body", 0, "slug"]);
    const wrongType = await server.request("PATCH", `/deployments/${id}/schedules/${existing.id}`, { active: "yes" });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.detail[0].loc).toEqual(["body", "active"]);
    expect((await server.request("GET", `/deployments/${id}/schedules`)).body).toEqual([existing]);
  });

  it.skipIf(!available)(`creates runs ahead once, whatever the number of passes and replicas ${skipReason}`, async () => {
    const id = await deploy({ parameters: { a: 1, b: 1 }, tags: ["t"], schedules: [{ schedule: { interval: 600, anchor_date: new Date(Date.now() + 60_000).toISOString() }, parameters: { b: 2 } }] });
    const now = Date.now();
    // Two replicas at once, then a "restarted" one: the runs exist once. (Two SQLite connections
    // in one process cannot overlap transactions, their driver being synchronous: there the
    // replicas take turns; separate server processes would wait for each other's lock instead.)
    if (engine === "postgresql") await Promise.all([pass(server.database, now), pass(replica, now)]);
    else await pass(server.database, now).then(() => pass(replica, now));
    await pass(server.database, now);
    const runs = await runsOf(id);
    // Every 10 minutes from a minute from now: +1 … +61 min (the last one past the hour).
    expect(runs).toHaveLength(7);
    expect(new Set(runs.map((r) => r.expected_start_time)).size).toBe(7);
    expect(runs[0]).toMatchObject({ state_type: "SCHEDULED", state_name: "Scheduled", auto_scheduled: true, parameters: { a: 1, b: 2 }, deployment_id: id });
    expect(runs[0].tags).toEqual(["t", "auto-scheduled"]);
    expect(runs[0].idempotency_key).toBe(`scheduled ${id} ${runs[0].next_scheduled_start_time}`);
    const history = (await server.request("GET", `/flow_run_states/?flow_run_id=${runs[0].id}`)).body;
    expect(history).toHaveLength(1);

    // Later, with the first runs gone by, a pass tops the schedule up again.
    expect(await pass(server.database, now + 3 * 3600_000)).toBeGreaterThan(0);
    expect((await runsOf(id)).length).toBeGreaterThan(7);
    // And a pass with nothing to do creates nothing.
    expect(await pass(server.database, now + 3 * 3600_000)).toBe(0);
  });

  it.skipIf(!available)(`schedules nothing for paused deployments or inactive schedules, and respects max_scheduled_runs ${skipReason}`, async () => {
    const paused = await deploy({ paused: true, schedules: [{ schedule: { interval: 600 } }] });
    const inactive = await deploy({ schedules: [{ schedule: { interval: 600 }, active: false }] });
    const capped = await deploy({ schedules: [{ schedule: { interval: 600 }, max_scheduled_runs: 2 }] });
    await pass(server.database);
    expect(await runsOf(paused)).toHaveLength(0);
    expect(await runsOf(inactive)).toHaveLength(0);
    expect(await runsOf(capped)).toHaveLength(2);
  });

  it.skipIf(!available)(`changing a schedule drops its future runs for the scheduler to recreate ${skipReason}`, async () => {
    const id = await deploy({ schedules: [{ schedule: { interval: 600 } }] });
    await pass(server.database);
    expect((await runsOf(id)).length).toBeGreaterThan(0);
    const [schedule] = (await server.request("GET", `/deployments/${id}/schedules`)).body;
    await server.request("PATCH", `/deployments/${id}/schedules/${schedule.id}`, { schedule: { interval: 86_400 } });
    const remaining = await runsOf(id);
    expect(remaining.every((r) => Date.parse(r.expected_start_time) <= Date.now())).toBe(true);
    await pass(server.database);
    // Daily: the minimum of three runs ahead.
    expect((await runsOf(id)).filter((r) => Date.parse(r.expected_start_time) > Date.now())).toHaveLength(3);
  });
});
