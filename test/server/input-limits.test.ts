import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTEGER_MAX, NAME_MAX_LENGTH } from "../../packages/server/src/plugins/input-limit-table.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// The classes of issue #19, each once per engine: what used to be a 500 is a 422 naming the field.

describe.each(ENGINES)("input limits on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let runId: string;

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    await server.request("POST", "/work_pools/", { name: "limits-pool", type: "process" });
    const flow = await server.request("POST", "/flows/", { name: "limits-flow" });
    const run = await server.request("POST", "/flow_runs/", { flow_id: flow.body.id, state: { type: "SCHEDULED" } });
    runId = run.body.id;
  });
  afterAll(async () => server?.close());

  const locOf = (body: any) => body.detail.map((d: any) => d.loc);

  it.skipIf(!available)(`refuses a name longer than ${NAME_MAX_LENGTH} characters on every create ${skipReason}`, async () => {
    const long = "n".repeat(10_000);
    for (const [path, body] of [
      ["/flows/", { name: long }],
      ["/work_pools/", { name: long, type: "process" }],
      ["/work_pools/limits-pool/queues", { name: long }],
      ["/work_pools/limits-pool/workers/heartbeat", { name: long }],
    ] as const) {
      const r = await server.request("POST", path, body);
      expect(r.status, path).toBe(422);
      expect(locOf(r.body), path).toContainEqual(["body", "name"]);
    }
    const ok = await server.request("POST", "/flows/", { name: "é".repeat(NAME_MAX_LENGTH) });
    expect(ok.status).toBe(201);
  });

  it.skipIf(!available)(`refuses NUL and unpaired surrogates in bodies, JSON columns, keys and path segments ${skipReason}`, async () => {
    const bodyNul = await server.request("POST", "/flows/", { name: "a\u0000b" });
    expect(bodyNul.status).toBe(422);
    expect(locOf(bodyNul.body)).toEqual([["body", "name"]]);

    const jsonColumn = await server.request("PATCH", "/work_pools/limits-pool", { base_job_template: { job_configuration: { x: "\ud800" }, variables: {} } });
    expect(jsonColumn.status).toBe(422);
    expect(locOf(jsonColumn.body)).toEqual([["body", "base_job_template", "job_configuration", "x"]]);

    const key = await server.request("PATCH", `/flow_runs/${runId}/labels`, { "k\u0000": "v" });
    expect(key.status).toBe(422);
    expect(locOf(key.body)).toEqual([["body", "k\u0000"]]);

    const logs = await server.request("POST", "/logs/", [{ name: "n", level: 20, message: "m\u0000", timestamp: new Date().toISOString(), flow_run_id: runId }]);
    expect(logs.status).toBe(422);
    expect(locOf(logs.body)).toEqual([["body", 0, "message"]]);

    for (const method of ["GET", "DELETE"]) {
      const path = await server.request(method, "/work_pools/%00");
      expect(path.status, method).toBe(422);
      expect(locOf(path.body)).toEqual([["path", "name"]]);
    }
    const pool = await server.request("GET", "/work_pools/limits-pool");
    expect(pool.status).toBe(200);
    expect(pool.body.base_job_template.job_configuration.x).toBeUndefined();
  });

  it.skipIf(!available)(`refuses integers out of the 32-bit range and fractions where integers go ${skipReason}`, async () => {
    for (const value of [1e308, INTEGER_MAX + 1, 1.5]) {
      const r = await server.request("PATCH", "/work_pools/limits-pool", { concurrency_limit: value });
      expect(r.status, String(value)).toBe(422);
      expect(locOf(r.body)).toEqual([["body", "concurrency_limit"]]);
    }
    const logLevel = await server.request("POST", "/logs/", [{ name: "n", level: 2 ** 31, message: "m", timestamp: new Date().toISOString(), flow_run_id: runId }]);
    expect(logLevel.status).toBe(422);
    expect(locOf(logLevel.body)).toEqual([["body", 0, "level"]]);
  });

  it.skipIf(!available)(`answers flow run history for extreme intervals and dates without a 5xx ${skipReason}`, async () => {
    const bodies = [
      { history_start: "2026-01-01T00:00:00Z", history_end: "2026-01-02T00:00:00Z", history_interval_seconds: 1e300 },
      { history_start: "0001-01-01T00:00:00Z", history_end: "9999-12-31T23:59:59Z", history_interval_seconds: 1e300 },
      { history_start: "0001-01-01T00:00:00Z", history_end: "9999-12-31T23:59:59Z", history_interval_seconds: 1 },
      { history_start: "2026-01-01T00:00:00Z", history_end: "2026-01-02T00:00:00Z", history_interval_seconds: 0.0001 },
    ];
    const statuses = [];
    for (const body of bodies) statuses.push((await server.request("POST", "/flow_runs/history", body)).status);
    expect(statuses).toEqual([422, 422, 422, 422]);
    const fine = await server.request("POST", "/flow_runs/history", { history_start: "0001-01-01T00:00:00Z", history_end: "9999-12-31T23:59:59Z", history_interval_seconds: 3_000_000_000 });
    expect(fine.status).toBe(200);
  });
});
