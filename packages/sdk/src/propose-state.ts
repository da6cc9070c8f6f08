import type { OrchestrationResult, StateCreate } from "@ecsflow/schemas";
import { sleep } from "./retry-delay.js";

export type ProposeFn = (state: StateCreate) => Promise<OrchestrationResult>;

/**
 * Proposes a state and follows WAIT answers (the server asks the client to try again after
 * `delay_seconds`, e.g. before a scheduled start), as Prefect's engine does.
 */
export async function proposeState(propose: ProposeFn, state: StateCreate, signal?: AbortSignal): Promise<OrchestrationResult> {
  for (;;) {
    const result = await propose(state);
    if (result.status !== "WAIT") return result;
    const delay = result.details.type === "wait_details" ? result.details.delay_seconds : 1;
    await sleep(Math.max(0, delay) * 1000, signal);
  }
}
