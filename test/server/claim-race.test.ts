import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow } from "../support/api-fixtures.js";
import { spawnServerProcess, type ServerProcess } from "../support/spawn-server-process.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const CLAIMERS = 8;

async function post(apiUrl: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${apiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** Creates `count` SCHEDULED runs, a few requests at a time. */
async function createScheduledRuns(apiUrl: string, flowId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () => post(apiUrl, "/flow_runs/", { flow_id: flowId, state: { type: "SCHEDULED" } })),
    );
    for (const r of batch) {
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
  }
  return ids;
}

/**
 * Every claimer walks the same runs in the same order and proposes PENDING for each, so every
 * run gets CLAIMERS proposals at nearly the same moment. Returns, per run, the statuses seen.
 */
async function race(apiUrls: string[], runIds: string[]): Promise<Map<string, { status: string; code: number; reason?: string; state?: string }[]>> {
  const outcomes = new Map(runIds.map((id) => [id, [] as { status: string; code: number; reason?: string; state?: string }[]]));
  await Promise.all(
    Array.from({ length: CLAIMERS }, async (_, claimer) => {
      const apiUrl = apiUrls[claimer % apiUrls.length];
      for (const id of runIds) {
        const r = await post(apiUrl, `/flow_runs/${id}/set_state`, { state: { type: "PENDING", state_details: { transition_id: randomUUID() } } });
        outcomes.get(id)!.push({ status: r.body.status, code: r.status, reason: r.body.details?.reason, state: r.body.state?.type });
      }
    }),
  );
  return outcomes;
}

function expectEachClaimedOnce(outcomes: Awaited<ReturnType<typeof race>>): void {
  let accepted = 0;
  for (const [, results] of outcomes) {
    expect(results).toHaveLength(CLAIMERS);
    const accepts = results.filter((r) => r.status === "ACCEPT");
    expect(accepts).toHaveLength(1);
    expect(accepts[0].code).toBe(201);
    for (const loser of results.filter((r) => r.status !== "ACCEPT")) {
      expect(loser).toMatchObject({ status: "ABORT", reason: "This run is in a PENDING state and cannot transition to a PENDING state.", state: "PENDING" });
      expect([200, 201]).toContain(loser.code);
    }
    accepted += accepts.length;
  }
  expect(accepted).toBe(outcomes.size);
}

describe.each(ENGINES)("claiming runs under contention on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`claims each of 500 runs exactly once with ${CLAIMERS} concurrent claimers ${skipReason}`, async () => {
    const flowId = await createFlow(server);
    const runIds = await createScheduledRuns(server.apiUrl, flowId, 500);
    const outcomes = await race([server.apiUrl], runIds);
    expectEachClaimedOnce(outcomes);

    // Each run moved SCHEDULED → PENDING once: two states in its history, PENDING now.
    const history = await server.database.db.selectFrom("flow_run_state").select(({ fn }) => ["run_id", fn.countAll<number>().as("n")]).groupBy("run_id").execute();
    expect(history).toHaveLength(500);
    expect(history.every((h) => Number(h.n) === 2)).toBe(true);
    const pending = await server.request("POST", "/flow_runs/count", { flow_runs: { state: { type: { any_: ["PENDING"] } } } });
    expect(pending.body).toBe(500);
  });

  it.skipIf(!available)(`claims each run exactly once when two server processes share the database ${skipReason}`, async () => {
    let second: ServerProcess | undefined;
    try {
      second = await spawnServerProcess(server.database.url);
      const flowId = await createFlow(server);
      const runIds = await createScheduledRuns(server.apiUrl, flowId, 150);
      const outcomes = await race([server.apiUrl, second.apiUrl], runIds);
      expectEachClaimedOnce(outcomes);
      const states = await server.database.db.selectFrom("flow_run_state").select("run_id").where("run_id", "in", runIds).execute();
      expect(states).toHaveLength(runIds.length * 2);
    } finally {
      await second?.stop();
    }
  });
});
