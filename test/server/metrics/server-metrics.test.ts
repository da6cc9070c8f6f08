import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, setState } from "../../support/api-fixtures.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";
import { parsePrometheus, sampleOf } from "./prometheus-text.js";
import { configureServerMetrics } from "../../../packages/server/src/metrics/index.js";

async function scrape(server: TestServer, headers: Record<string, string> = {}) {
  const res = await fetch(server.apiUrl.replace(/\/api$/, "/metrics"), { headers });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

describe.each(ENGINES)("GET /metrics on $engine", ({ engine, available, skipReason }) => {
  describe.skipIf(!available)(`metrics ${skipReason}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine);
    });
    afterAll(async () => server?.close());

    it("counts each transition once, runs by state, claims and requests by route pattern", async () => {
      const flowId = await createFlow(server);
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await createFlowRun(server, flowId));
      for (const run of runs) expect((await setState(server, run.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
      expect((await setState(server, runs[0].id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
      // A second claim is refused and counts nothing.
      expect((await setState(server, runs[1].id, { type: "PENDING" })).body.status).not.toBe("ACCEPT");

      const { status, contentType, text } = await scrape(server);
      expect(status).toBe(200);
      expect(contentType).toContain("text/plain");
      const families = parsePrometheus(text);
      // The initial SCHEDULED states (set on create) count as NONE → SCHEDULED.
      expect(sampleOf(families, "ecsflow_state_transitions_total", { kind: "flow_run", from: "NONE", to: "SCHEDULED" })?.value).toBe("3");
      expect(sampleOf(families, "ecsflow_state_transitions_total", { kind: "flow_run", from: "SCHEDULED", to: "PENDING" })?.value).toBe("3");
      expect(sampleOf(families, "ecsflow_state_transitions_total", { kind: "flow_run", from: "PENDING", to: "RUNNING" })?.value).toBe("1");
      expect(sampleOf(families, "ecsflow_flow_runs", { state: "PENDING" })?.value).toBe("2");
      expect(sampleOf(families, "ecsflow_flow_runs", { state: "RUNNING" })?.value).toBe("1");
      expect(families.get("ecsflow_flow_run_claim_latency_seconds")?.type).toBe("HISTOGRAM");
      expect(sampleOf(families, "ecsflow_flow_run_claim_latency_seconds_count")?.value).toBe("3");
      const requests = (route: string) =>
        (families.get("ecsflow_http_request_duration_seconds_count")?.metrics ?? []).filter((m) => m.labels?.method === "POST" && m.labels?.route === route).reduce((n, m) => n + Number(m.value), 0);
      expect(requests("/api/flow_runs/:id/set_state")).toBe(5);
      expect(requests("/api/flow_runs/")).toBe(3);
      // Raw URLs (with ids) never become labels.
      expect(text).not.toContain(runs[0].id);
    });
  });
});

describe("GET /metrics with auth on", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { auth: { apiKey: "metrics-key" } });
  });
  afterAll(async () => server?.close());

  it("answers 401 without the key and the metrics with it", async () => {
    expect((await scrape(server)).status).toBe(401);
    expect((await scrape(server, { authorization: "Bearer wrong" })).status).toBe(401);
    const ok = await scrape(server, { authorization: "Bearer metrics-key" });
    expect(ok.status).toBe(200);
    expect(parsePrometheus(ok.text).has("ecsflow_state_transitions_total")).toBe(true);
  });
});

describe("metrics off", () => {
  it("serves no metrics at /metrics", async () => {
    const server = await startTestServer("sqlite", { metrics: false });
    try {
      // The UI's catch-all may answer the path; what it answers is no Prometheus text.
      expect((await scrape(server)).text).not.toContain("ecsflow_state_transitions_total");
    } finally {
      await server.close();
    }
  });
});

describe.each(ENGINES)("metrics turned off while the server runs, on $engine", ({ engine, available, skipReason }) => {
  describe.skipIf(!available)(`metrics ${skipReason}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(engine);
    });
    afterAll(async () => server?.close());

    it("counts nothing, transitions nor requests, while the database's metrics are turned off", async () => {
      const flowId = await createFlow(server);
      const run = await createFlowRun(server, flowId);
      const before = parsePrometheus((await scrape(server)).text);
      const count = (families: typeof before) => ({
        claims: sampleOf(families, "ecsflow_state_transitions_total", { kind: "flow_run", from: "SCHEDULED", to: "PENDING" })?.value ?? "0",
        requests: sampleOf(families, "ecsflow_http_request_duration_seconds_count", { method: "POST", route: "/api/flow_runs/:id/set_state", status_code: "201" })?.value ?? "0",
      });
      configureServerMetrics(server.database, false);
      try {
        expect((await setState(server, run.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
      } finally {
        configureServerMetrics(server.database, true);
      }
      expect(count(parsePrometheus((await scrape(server)).text))).toEqual(count(before));
      expect((await setState(server, run.id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
      const after = parsePrometheus((await scrape(server)).text);
      expect(Number(sampleOf(after, "ecsflow_http_request_duration_seconds_count", { method: "POST", route: "/api/flow_runs/:id/set_state", status_code: "201" })?.value)).toBe(Number(count(before).requests) + 1);
    });
  });
});
