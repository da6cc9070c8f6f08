import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LOGS_PER_REQUEST } from "../../packages/schemas/src/index.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("logs API on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  const flowRunId = randomUUID();
  const taskRunId = randomUUID();
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine, { bodyLimit: 8 * 1024 * 1024 });
    const at = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
    const r = await server.request("POST", "/logs/", [
      { name: "prefect.flow_runs", level: 20, message: "starting", timestamp: at(1), flow_run_id: flowRunId },
      { name: "prefect.task_runs", level: 10, message: "debug detail", timestamp: at(2), flow_run_id: flowRunId, task_run_id: taskRunId },
      { name: "prefect.task_runs", level: 40, message: "Connection timeout talking to db", timestamp: at(3), flow_run_id: flowRunId, task_run_id: taskRunId },
      // Same timestamp as the next three: they must come back in the order they were sent.
      { name: "prefect.flow_runs", level: 20, message: "tie-1", timestamp: at(4), flow_run_id: flowRunId },
      { name: "prefect.flow_runs", level: 20, message: "tie-2", timestamp: at(4), flow_run_id: flowRunId },
      { name: "prefect.flow_runs", level: 20, message: "tie-3", timestamp: at(4), flow_run_id: flowRunId },
      { name: "other", level: 30, message: "elsewhere", timestamp: at(5), flow_run_id: randomUUID() },
    ]);
    expect(r.status).toBe(201);
  });
  afterAll(async () => server?.close());

  const messages = async (body: object) => {
    const r = await server.request("POST", "/logs/filter", body);
    expect(r.status).toBe(200);
    return r.body.map((l: { message: string }) => l.message);
  };

  it.skipIf(!available)(`returns a run's logs in time order, ties in the order written ${skipReason}`, async () => {
    expect(await messages({ logs: { flow_run_id: { any_: [flowRunId] } } })).toEqual(["starting", "debug detail", "Connection timeout talking to db", "tie-1", "tie-2", "tie-3"]);
    expect(await messages({ logs: { flow_run_id: { any_: [flowRunId] } }, sort: "TIMESTAMP_DESC", limit: 4 })).toEqual(["tie-3", "tie-2", "tie-1", "Connection timeout talking to db"]);
    expect(await messages({ logs: { flow_run_id: { any_: [flowRunId] } }, limit: 2, offset: 3 })).toEqual(["tie-1", "tie-2"]);
  });

  it.skipIf(!available)(`returns logs in Prefect's shape ${skipReason}`, async () => {
    const [log] = (await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [flowRunId] } }, limit: 1 })).body;
    expect(log).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created: expect.any(String),
      updated: expect.any(String),
      name: "prefect.flow_runs",
      level: 20,
      message: "starting",
      timestamp: "2026-01-01T00:00:01.000000Z",
      flow_run_id: flowRunId,
      task_run_id: null,
    });
  });

  it.skipIf(!available)(`filters by task run, level, time and text ${skipReason}`, async () => {
    const run = { flow_run_id: { any_: [flowRunId] } };
    expect(await messages({ logs: { ...run, task_run_id: { is_null_: true } } })).toEqual(["starting", "tie-1", "tie-2", "tie-3"]);
    expect(await messages({ logs: { task_run_id: { any_: [taskRunId] } } })).toEqual(["debug detail", "Connection timeout talking to db"]);
    expect(await messages({ logs: { ...run, level: { ge_: 20, le_: 30 }, timestamp: { before_: "2026-01-01T00:00:03Z" } } })).toEqual(["starting"]);
    expect(await messages({ logs: { timestamp: { after_: "2026-01-01T00:00:04Z" } } })).toEqual(["tie-1", "tie-2", "tie-3", "elsewhere"]);
    expect(await messages({ logs: { text: { query: '"connection TIMEOUT"' } } })).toEqual(["Connection timeout talking to db"]);
    expect(await messages({ logs: { ...run, text: { query: "tie -tie-2" } } })).toEqual(["tie-1", "tie-3"]);
    expect(await messages({ logs: { text: { query: "prefect.task_runs +debug" } } })).toEqual(["debug detail"]);
    expect(await messages({})).toHaveLength(7);
  });

  it.skipIf(!available)(`refuses an invalid log with 422 naming it, writing none of the batch ${skipReason}`, async () => {
    const r = await server.request("POST", "/logs/", [
      { name: "ok", level: 20, message: "fine", timestamp: "2026-01-02T00:00:00Z" },
      { name: "bad", level: "INFO", message: "wrong level type", timestamp: "2026-01-02T00:00:00Z" },
      { name: "bad", level: 20, timestamp: "2026-01-02T00:00:00Z" },
    ]);
    expect(r.status).toBe(422);
    const locs = r.body.detail.map((d: { loc: unknown }) => d.loc);
    expect(locs).toContainEqual(["body", 1, "level"]);
    expect(locs).toContainEqual(["body", 2, "message"]);
    expect(await messages({ logs: { timestamp: { after_: "2026-01-02T00:00:00Z" } } })).toEqual([]);
    expect((await server.request("POST", "/logs/", { name: "not a list" })).status).toBe(422);
  });

  it.skipIf(!available)(`caps a batch at ${MAX_LOGS_PER_REQUEST} logs, and writes a batch that large in one request ${skipReason}`, async () => {
    const log = (i: number) => ({ name: "bulk", level: 20, message: `line ${i}`, timestamp: "2026-01-03T00:00:00Z", flow_run_id: taskRunId });
    const tooMany = await server.request("POST", "/logs/", Array.from({ length: MAX_LOGS_PER_REQUEST + 1 }, (_, i) => log(i)));
    expect(tooMany.status).toBe(422);
    const full = await server.request("POST", "/logs/", Array.from({ length: MAX_LOGS_PER_REQUEST }, (_, i) => log(i)));
    expect(full.status).toBe(201);
    const last = await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [taskRunId] } }, sort: "TIMESTAMP_DESC", limit: 1 });
    expect(last.body[0].message).toBe(`line ${MAX_LOGS_PER_REQUEST - 1}`);
    expect(await server.request("POST", "/logs/filter", { limit: 201 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
  });
});
