import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow } from "../support/api-fixtures.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// SQLite has one writer at a time: 8 clients writing at once must all succeed (waits, not errors).
const WRITERS = 8;
const RUNS_PER_WRITER = 25;

describe("concurrent writers on sqlite", () => {
  let server: TestServer;
  let flowId: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    flowId = await createFlow(server, "writers-flow");
  });
  afterAll(async () => server?.close());

  it(`${WRITERS} writers each create ${RUNS_PER_WRITER} flow runs and move them to RUNNING without an error`, async () => {
    const statuses: number[] = [];
    const writer = async (w: number) => {
      for (let i = 0; i < RUNS_PER_WRITER; i++) {
        const created = await server.request("POST", "/flow_runs/", { flow_id: flowId, name: `w${w}-${i}`, state: { type: "SCHEDULED" } });
        statuses.push(created.status);
        if (created.status !== 201) continue;
        for (const type of ["PENDING", "RUNNING"]) {
          const set = await server.request("POST", `/flow_runs/${created.body.id}/set_state`, { state: { type } });
          statuses.push(set.status === 201 && set.body.status === "ACCEPT" ? 201 : set.status);
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(statuses).toHaveLength(WRITERS * RUNS_PER_WRITER * 3);
    const count = await server.request("POST", "/flow_runs/count", { flow_runs: { state: { type: { any_: ["RUNNING"] } } } });
    expect(count.body).toBe(WRITERS * RUNS_PER_WRITER);
  });
});
