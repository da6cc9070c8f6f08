import type { Kysely } from "kysely";
import type { State, StateType } from "../../../packages/schemas/src/index.js";
import type { DB, FlowRunTable, TaskRunTable } from "../../../packages/server/src/database/index.js";
import { newId } from "../../../packages/server/src/ids.js";
import { applyPolicy, type OrchestrationRule } from "../../../packages/server/src/orchestration/orchestration-rule.js";
import { completeStateDetails, proposedStateFrom } from "../../../packages/server/src/orchestration/proposed-state.js";
import { TransitionContext, type ProposedState, type RunKind } from "../../../packages/server/src/orchestration/transition-context.js";

/** Helpers for table-driven rule tests: a fixed clock, states, proposals and a run row. */
export const NOW = Date.parse("2026-01-01T12:00:00.000Z");
export const iso = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toISOString().replace("Z", "000Z");

export function state(type: StateType, details: Partial<State["state_details"]> = {}, name?: string, data: unknown = null): State {
  return { id: newId(), type, name: name ?? type[0] + type.slice(1).toLowerCase(), timestamp: iso(-60), message: null, data, state_details: completeStateDetails(details) };
}

export function proposal(type: StateType, details: Partial<State["state_details"]> = {}, name?: string, message?: string): ProposedState {
  return proposedStateFrom({ type, name, message, state_details: details }, NOW);
}

export function context(current: State | null, proposed: ProposedState, kind: RunKind = "flow_run", extra: Record<string, unknown> = {}, db?: Kysely<DB>) {
  const row = { id: newId(), state_id: current?.id ?? null, state: current ? JSON.stringify(current) : null, run_count: 0, empirical_policy: "{}", ...extra };
  return new TransitionContext(kind, row as unknown as FlowRunTable | TaskRunTable, current, proposed, NOW, db as Kysely<DB>);
}

/** Applies one rule the way the policy does (only on the transitions it governs). */
export async function decide(rule: OrchestrationRule, current: State | null, proposed: ProposedState, kind: RunKind = "flow_run", extra: Record<string, unknown> = {}) {
  const ctx = context(current, proposed, kind, extra);
  await applyPolicy([rule], ctx);
  return ctx;
}
