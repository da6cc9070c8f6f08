import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATE_TYPES, TERMINAL_STATE_TYPES, type StateType } from "../../../packages/schemas/src/index.js";
import { createFlow, createFlowRun, setState } from "../../support/api-fixtures.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";

const RUNS = 3;
const isTerminal = (type: string) => (TERMINAL_STATE_TYPES as readonly string[]).includes(type);
const past = () => new Date(Date.now() - 60_000).toISOString();

interface Proposal {
  run: number;
  type: StateType;
}
const proposalArb = fc.record({ run: fc.integer({ min: 0, max: RUNS - 1 }), type: fc.constantFrom(...STATE_TYPES) });
// Several clients, each proposing in order; the clients race each other.
const clientsArb = fc.array(fc.array(proposalArb, { minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 5 });
const retriesArb = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: RUNS, maxLength: RUNS });

interface HistoryState {
  id: string;
  type: string;
  name: string;
  timestamp: string;
}

/**
 * Random proposals from concurrent clients against a real server; afterwards each run's history
 * must tell a story the rules allow, and the run's counters must agree with it.
 */
describe.each(ENGINES)("set_state invariants under concurrent random proposals on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "properties");
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`keeps claims exclusive, terminal states final, run_count consistent and history ordered ${skipReason}`, async () => {
    await fc.assert(
      fc.asyncProperty(clientsArb, retriesArb, async (clients: Proposal[][], retries: number[]) => {
        const runs = await Promise.all(retries.map((r) => createFlowRun(server, flowId, { empirical_policy: { retries: r, retry_delay: 0 }, state: { type: "SCHEDULED", state_details: { scheduled_time: past() } } })));
        const acceptedClaims = new Map<string, number>();
        await Promise.all(
          clients.map(async (proposals) => {
            for (const p of proposals) {
              const id = runs[p.run].id;
              const details = p.type === "SCHEDULED" ? { scheduled_time: past() } : {};
              const r = await setState(server, id, { type: p.type, state_details: details });
              expect(r.status === 200 || r.status === 201, `status ${r.status}: ${JSON.stringify(r.body)}`).toBe(true);
              if (r.body.status === "ACCEPT" && p.type === "PENDING") acceptedClaims.set(id, (acceptedClaims.get(id) ?? 0) + 1);
            }
          }),
        );
        for (const run of runs) {
          const stored = (await server.request("GET", `/flow_runs/${run.id}`)).body;
          const history: HistoryState[] = (await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`)).body;
          // History ordered: strictly increasing timestamps, ending in the run's current state.
          for (let i = 1; i < history.length; i++) expect(history[i].timestamp > history[i - 1].timestamp).toBe(true);
          expect(history.at(-1)!.id).toBe(stored.state_id);

          let runCount = 0;
          let claims = 0;
          // Prefect's resuming flag: leaving PAUSED for RUNNING, or for SCHEDULED to be started again,
          // continues the paused attempt; the next entry into RUNNING (or a final state) ends it.
          let resuming = false;
          for (let i = 1; i < history.length; i++) {
            const [before, after] = [history[i - 1], history[i]];
            // At most one claim per attempt: a run enters PENDING only from SCHEDULED, once.
            if (after.type === "PENDING") {
              expect(before.type, `PENDING entered from ${before.type}`).toBe("SCHEDULED");
              claims++;
            }
            // Out of a terminal state only into another final state or a new attempt.
            if (isTerminal(before.type)) expect(["COMPLETED", "FAILED", "CANCELLED", "SCHEDULED", "RUNNING"]).toContain(after.type);
            if (isTerminal(before.type) && !isTerminal(after.type)) runCount = 0;
            if (before.type === "CANCELLING") expect(after.type).toBe("CANCELLED");
            if (before.type === "PAUSED" && (after.type === "RUNNING" || after.type === "SCHEDULED")) resuming = true;
            // run_count only grows within an attempt: one per entry into RUNNING (RUNNING → RUNNING is
            // the same attempt), except the entry that resumes a paused run.
            if (after.type === "RUNNING" && before.type !== "RUNNING" && !resuming) runCount++;
            if (after.type === "RUNNING" || isTerminal(after.type)) resuming = false;
          }
          expect(claims).toBe(acceptedClaims.get(run.id) ?? 0);
          expect(stored.run_count).toBe(runCount);
          expect(stored.empirical_policy.resuming).toBe(resuming);
        }
      }),
      { numRuns: 12 },
    );
  });
});
