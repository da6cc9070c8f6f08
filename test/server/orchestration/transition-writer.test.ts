import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../../packages/server/src/ids.js";
import { writeTransition, type TransitionWrite } from "../../../packages/server/src/orchestration/transition-writer.js";
import { toTimestamp } from "../../../packages/server/src/timestamps.js";
import { insertFlow } from "../../support/fixtures/insert-flow-run.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/test-database.js";

describe.each(ENGINES)("writing decided transitions on $engine", ({ engine, available, skipReason }) => {
  let tdb: TestDatabase;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    tdb = await createTestDatabase(engine);
    flowId = await insertFlow(tdb.db);
  });
  afterAll(async () => tdb?.destroy());

  async function insertRun(stateId: string | null): Promise<string> {
    const id = newId();
    const now = toTimestamp(Date.now());
    await tdb.db.insertInto("flow_run").values({ id, created: now, updated: now, name: id, flow_id: flowId, state_id: stateId } as never).execute();
    return id;
  }

  function transition(runId: string, expectedStateId: string | null, stateId = newId(), historyId = stateId): TransitionWrite {
    const now = toTimestamp(Date.now());
    return {
      kind: "flow_run",
      runId,
      expectedStateId,
      columns: { state_id: stateId, state_type: "PENDING", state_name: "Pending", updated: now },
      historyRow: { id: historyId, created: now, updated: now, run_id: runId, type: "PENDING", name: "Pending", timestamp: now, message: null, state_details: "{}", data: null },
    };
  }

  it.skipIf(!available)(`writes concurrent transitions of different runs, each once ${skipReason}`, async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, () => insertRun(null)));
    const written = await Promise.all(runs.map((id) => writeTransition(tdb, transition(id, null))));
    expect(written.every(Boolean)).toBe(true);
    const history = await tdb.db.selectFrom("flow_run_state").select("run_id").where("run_id", "in", runs).execute();
    expect(history).toHaveLength(20);
  });

  it.skipIf(!available)(`lets exactly one of several transitions decided on the same state win ${skipReason}`, async () => {
    const current = newId();
    const run = await insertRun(current);
    const written = await Promise.all(Array.from({ length: 6 }, () => writeTransition(tdb, transition(run, current))));
    expect(written.filter(Boolean)).toHaveLength(1);
    expect(await tdb.db.selectFrom("flow_run_state").select("id").where("run_id", "=", run).execute()).toHaveLength(1);
  });

  it.skipIf(!available)(`writes nothing when the run's state moved on ${skipReason}`, async () => {
    const run = await insertRun(newId());
    expect(await writeTransition(tdb, transition(run, newId()))).toBe(false);
    expect(await writeTransition(tdb, transition(run, null))).toBe(false);
  });

  it.skipIf(!available)(`fails only the write that breaks a constraint, not the others written with it ${skipReason}`, async () => {
    const [a, b, c] = await Promise.all([insertRun(null), insertRun(null), insertRun(null)]);
    const taken = newId();
    await tdb.db
      .insertInto("flow_run_state")
      .values({ ...transition(a, null, newId(), taken).historyRow } as never)
      .execute();
    const results = await Promise.allSettled([writeTransition(tdb, transition(a, null)), writeTransition(tdb, transition(b, null, newId(), taken)), writeTransition(tdb, transition(c, null))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const bRow = await tdb.db.selectFrom("flow_run").select("state_id").where("id", "=", b).executeTakeFirstOrThrow();
    // The failed transition left its run as it was.
    expect(bRow.state_id).toBeNull();
  });
});
