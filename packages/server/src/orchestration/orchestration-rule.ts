import { STATE_TYPES, type StateType } from "@ecsflow/schemas";
import type { TransitionContext } from "./transition-context.js";

/** Every state type and "no state yet" (a run's first transition starts from null). */
export const ANY_STATE: readonly (StateType | null)[] = [null, ...STATE_TYPES];

/**
 * One orchestration rule: it governs transitions from one of `fromStates` to one of `toStates`
 * and, before the transition is written, may reject, abort or delay it (with a one-line reason)
 * or adjust the proposed state. Rules must not write to the database themselves: the transition
 * can still lose a race and be decided again, so lasting effects go through the context.
 */
export interface OrchestrationRule {
  readonly name: string;
  readonly fromStates: readonly (StateType | null)[];
  readonly toStates: readonly (StateType | null)[];
  beforeTransition(context: TransitionContext): void | Promise<void>;
}

/**
 * Runs the rules in order on the intended transition. As in Prefect, a rule fires only while the
 * proposed state still has the intended type: once a rule aborts, delays, or rejects in favour of
 * a state of another type, the rules after it no longer apply.
 */
export async function applyPolicy(rules: readonly OrchestrationRule[], context: TransitionContext): Promise<void> {
  const from = context.initialType;
  const to = context.proposedType;
  for (const rule of rules) {
    if (context.proposedType !== to || to === null) return;
    if (!rule.fromStates.includes(from) || !rule.toStates.includes(to)) continue;
    await rule.beforeTransition(context);
  }
}

/**
 * Prefect's universal transforms: they apply to every transition that writes a state, forced or
 * not and whatever the rules decided, after the rules (e.g. giving back a run's concurrency slots).
 */
export interface UniversalTransform {
  readonly name: string;
  beforeWrite(context: TransitionContext): void | Promise<void>;
}
