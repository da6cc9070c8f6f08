import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HistoryResponse } from "../../packages/schemas/src/index.js";
import { readFlowRunHistory } from "../../packages/server/src/models/flow-runs/history.js";
import { toTimestamp } from "../../packages/server/src/timestamps.js";
import { createFlow, createFlowRun, setState } from "../support/api-fixtures.js";
import { componentErrors, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
/** A fixed "now" for the model, so lateness and running time are exact. */
const NOW = T0 + 5 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
const WINDOW = { history_start: at(T0), history_end: at(T0 + 3 * HOUR), history_interval_seconds: 3600 };

describe.each(ENGINES)("POST /flow_runs/history on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let otherFlowName: string;

  /** A run scheduled for `when`, moved to `type`, with its timing columns set as a worker's run would leave them. */
  async function run(flowId: string, when: number, type: string, columns: Record<string, unknown> = {}, name?: string) {
    const r = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", ...(name ? { name } : {}), state_details: { scheduled_time: at(when) } } });
    if (type !== "SCHEDULED") expect((await setState(server, r.id, { type }, true)).status).toBeLessThan(300);
    if (Object.keys(columns).length) await server.database.db.updateTable("flow_run").set(columns).where("id", "=", r.id).execute();
    return r.id as string;
  }

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    const flow = await createFlow(server, "history-flow");
    otherFlowName = "history-other";
    const other = await createFlow(server, otherFlowName);
    await run(flow, T0 + 10 * MIN, "SCHEDULED"); // late by NOW − expected
    await run(other, T0 + 10 * MIN, "SCHEDULED");
    await run(flow, T0 + 15 * MIN, "SCHEDULED", {}, "Late");
    await run(flow, T0 + 20 * MIN, "COMPLETED", { start_time: toTimestamp(T0 + 25 * MIN), total_run_time: 100 });
    await run(flow, T0 + 80 * MIN, "RUNNING", { start_time: toTimestamp(T0 + 80 * MIN), state_timestamp: toTimestamp(T0 + 4 * HOUR), total_run_time: 50 });
    await run(flow, T0 + 2 * HOUR, "FAILED", { start_time: toTimestamp(T0 + 2 * HOUR + MIN) }); // on a boundary: the later interval
    await run(flow, T0 + 3 * HOUR, "FAILED"); // at history_end: outside
    await run(flow, T0 - 1000, "FAILED"); // before history_start: outside
  });
  afterAll(async () => server?.close());

  const summary = (history: HistoryResponse[]) =>
    history.map((h) => h.states.map((s) => [s.state_type, s.state_name, s.count_runs, Math.round(s.sum_estimated_run_time), Math.round(s.sum_estimated_lateness)]));

  it.skipIf(!available)(`counts runs per interval and state, with estimated run time and lateness, in the database ${skipReason}`, async () => {
    const history = await readFlowRunHistory(server.database, WINDOW, NOW);
    expect(history.map((h) => [h.interval_start, h.interval_end])).toEqual([
      [toTimestamp(T0), toTimestamp(T0 + HOUR)],
      [toTimestamp(T0 + HOUR), toTimestamp(T0 + 2 * HOUR)],
      [toTimestamp(T0 + 2 * HOUR), toTimestamp(T0 + 3 * HOUR)],
    ]);
    expect(summary(history)).toEqual([
      [
        ["COMPLETED", "Completed", 1, 100, 5 * 60],
        ["SCHEDULED", "Late", 1, 0, (5 * 60 - 15) * 60],
        ["SCHEDULED", "Scheduled", 2, 0, 2 * (5 * 60 - 10) * 60],
      ],
      // RUNNING: 50 s before plus the current stretch since T0+4h, up to NOW; started on time.
      [["RUNNING", "Running", 1, 50 + 3600, 0]],
      [["FAILED", "Failed", 1, 0, 60]],
    ]);
  });

  it.skipIf(!available)(`applies the filters, and returns every interval, empty ones with no states ${skipReason}`, async () => {
    const other = await readFlowRunHistory(server.database, { ...WINDOW, flows: { name: { any_: [otherFlowName] } } }, NOW);
    expect(summary(other)).toEqual([[["SCHEDULED", "Scheduled", 1, 0, (5 * 60 - 10) * 60]], [], []]);
    const failed = await readFlowRunHistory(server.database, { ...WINDOW, history_interval_seconds: 1800, flow_runs: { state: { type: { any_: ["FAILED"] } } } }, NOW);
    expect(failed).toHaveLength(6);
    expect(summary(failed)).toEqual([[], [], [], [], [["FAILED", "Failed", 1, 0, 60]], []]);
  });

  it.skipIf(!available)(`answers Prefect's shape over HTTP and refuses bad windows with 422 naming the field ${skipReason}`, async () => {
    const ok = await server.request<HistoryResponse[]>("POST", "/flow_runs/history", { ...WINDOW, work_queues: { name: { any_: ["default"] } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(3);
    for (const h of ok.body) for (const s of h.states) expect(Object.keys(s).sort()).toEqual(["count_runs", "state_name", "state_type", "sum_estimated_lateness", "sum_estimated_run_time"]);
    // Checked against the component Prefect's OpenAPI file names, where the file is present.
    if (openApiAvailable) expect(ok.body.flatMap((h) => componentErrors("HistoryResponse", h))).toEqual([]);

    const tooSmall = await server.request("POST", "/flow_runs/history", { ...WINDOW, history_interval_seconds: 0.5 });
    expect(tooSmall.status).toBe(422);
    expect(tooSmall.body.detail[0].loc).toEqual(["body", "history_interval_seconds"]);
    const backwards = await server.request("POST", "/flow_runs/history", { ...WINDOW, history_end: at(T0 - HOUR) });
    expect(backwards.status).toBe(422);
    expect(backwards.body.detail[0].loc).toEqual(["body", "history_end"]);
    const tooMany = await server.request("POST", "/flow_runs/history", { ...WINDOW, history_interval_seconds: 10 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.detail[0].msg).toMatch(/1080 intervals; at most 500/);
    const missing = await server.request("POST", "/flow_runs/history", { history_start: WINDOW.history_start });
    expect(missing.status).toBe(422);
    const badDate = await server.request("POST", "/flow_runs/history", { ...WINDOW, history_start: "yesterday" });
    expect(badDate.status).toBe(422);
    expect(badDate.body.detail[0].loc).toEqual(["body", "history_start"]);
  });
});
