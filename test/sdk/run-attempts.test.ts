import { describe, expect, it } from "vitest";
import type { OrchestrationResult, StateCreate } from "../../packages/schemas/src/index.js";
import { RunAbortedError } from "../../packages/sdk/src/errors.js";
import { runAttempts } from "../../packages/sdk/src/run-attempts.js";
import { createRunLogger } from "../../packages/sdk/src/run-logger.js";

// The attempt loop against scripted API answers: the orchestration outcomes a real server gives
// only under rules being written elsewhere (a server-side retry rule, WAIT, ABORT).

const logger = createRunLogger({ name: "test", label: "test", write: () => undefined });
const state = (type: string, name: string, extra: Record<string, unknown> = {}) => ({
  id: "00000000-0000-7000-8000-000000000000",
  type,
  name,
  timestamp: new Date().toISOString(),
  message: null,
  data: null,
  state_details: extra,
});

function scripted(answer: (s: StateCreate, n: number) => OrchestrationResult | undefined) {
  const proposed: string[] = [];
  const propose = async (s: StateCreate): Promise<OrchestrationResult> => {
    proposed.push(`${s.type}:${s.name}`);
    return answer(s, proposed.length) ?? ({ status: "ACCEPT", state: state(s.type, s.name ?? ""), details: { type: "accept_details" } } as OrchestrationResult);
  };
  return { proposed, propose };
}

describe("runAttempts", () => {
  it("retries when the server REJECTs FAILED with an AwaitingRetry state (server-side retry rule)", async () => {
    let rejected = false;
    const api = scripted((s) => {
      if (s.type === "FAILED" && !rejected) {
        rejected = true;
        return { status: "REJECT", state: state("SCHEDULED", "AwaitingRetry", { scheduled_time: new Date(Date.now() + 20).toISOString() }), details: { type: "reject_details", reason: "Retrying" } } as OrchestrationResult;
      }
      return undefined;
    });
    let calls = 0;
    const outcome = await runAttempts({
      kind: "Task run",
      logger,
      signal: new AbortController().signal,
      propose: api.propose,
      invoke: async () => {
        if (++calls === 1) throw new Error("first");
        return "second";
      },
    });
    expect(outcome).toMatchObject({ finalType: "COMPLETED", value: "second" });
    expect(api.proposed).toEqual(["RUNNING:Running", "FAILED:Failed", "RUNNING:Running", "COMPLETED:Completed"]);
  });

  it("follows WAIT before starting, and stops with RunAbortedError on ABORT", async () => {
    const waiting = scripted((s, n) => (n === 1 ? ({ status: "WAIT", state: null, details: { type: "wait_details", delay_seconds: 0.01, reason: "not yet" } } as OrchestrationResult) : undefined));
    const ok = await runAttempts({ kind: "Flow run", logger, signal: new AbortController().signal, propose: waiting.propose, invoke: async () => 1 });
    expect(ok.finalType).toBe("COMPLETED");
    expect(waiting.proposed).toEqual(["RUNNING:Running", "RUNNING:Running", "COMPLETED:Completed"]);

    const aborting = scripted(() => ({ status: "ABORT", state: null, details: { type: "abort_details", reason: "run is gone" } }) as OrchestrationResult);
    let invoked = false;
    await expect(
      runAttempts({ kind: "Flow run", logger, signal: new AbortController().signal, propose: aborting.propose, invoke: async () => (invoked = true) }),
    ).rejects.toBeInstanceOf(RunAbortedError);
    expect(invoked).toBe(false);
  });

  it("proposes AwaitingRetry itself while retries remain, then FAILED", async () => {
    const api = scripted(() => undefined);
    const outcome = await runAttempts({
      kind: "Task run",
      logger,
      retries: 1,
      signal: new AbortController().signal,
      propose: api.propose,
      invoke: async () => {
        throw new Error("always");
      },
    });
    expect(outcome.finalType).toBe("FAILED");
    expect(api.proposed).toEqual(["RUNNING:Running", "SCHEDULED:AwaitingRetry", "RUNNING:Running", "FAILED:Failed"]);
  });
});
