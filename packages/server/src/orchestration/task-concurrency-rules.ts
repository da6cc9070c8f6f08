import { parseJson } from "../models/shared/json-columns.js";
import { readTagLimits, refusedSlot, releaseTagSlots, takeTagSlots } from "../models/concurrency/tag-slots.js";
import { ANY_STATE, type OrchestrationRule, type UniversalTransform } from "./orchestration-rule.js";
import type { TransitionContext } from "./transition-context.js";

function taskRunTags(ctx: TransitionContext): string[] {
  if (ctx.kind !== "task_run" || !("tags" in ctx.run)) return [];
  return parseJson<string[]>(ctx.run.tags, []);
}

/**
 * Prefect's SecureTaskConcurrencySlots: a task run with a tag that has a concurrency limit runs
 * only with a slot of that limit. All slots held: WAIT and propose again later; a limit of 0:
 * ABORT (the run could never start). The look here is a cheap first read; the slot is taken in
 * the transition's own transaction with the limits locked (tag-slots.ts), and if another run got
 * the last slot in between, the transition is decided again and waits.
 */
export const SecureTaskConcurrencySlots: OrchestrationRule = {
  name: "SecureTaskConcurrencySlots",
  fromStates: ANY_STATE,
  toStates: ["RUNNING"],
  async beforeTransition(ctx) {
    const tags = taskRunTags(ctx);
    if (tags.length === 0) return;
    const limits = await readTagLimits(ctx.db, tags);
    if (limits.length === 0) return;
    const refused = refusedSlot(limits, ctx.run.id);
    if (refused?.reason === "zero") {
      ctx.abort(`The concurrency limit on tag "${refused.tag}" is 0 and will deadlock if the task tries to run again.`);
      return;
    }
    if (refused) {
      ctx.wait(ctx.settings.taskRunTagConcurrencySlotWaitSeconds, `Concurrency limit for the ${refused.tag} tag has been reached`);
      return;
    }
    const runId = ctx.run.id;
    ctx.onWrite((next) =>
      next.type === "RUNNING" ? async (trx, engine) => (await takeTagSlots(trx, engine, tags, runId)).refused === null : null,
    );
  },
};

/**
 * Prefect's ReleaseTaskConcurrencySlots: a task run written into any state but RUNNING or
 * CANCELLING gives its tags' slots back, in the same transaction as the state. Applies to forced
 * transitions too, so a slot cannot outlive the run that held it.
 */
export const ReleaseTaskConcurrencySlots: UniversalTransform = {
  name: "ReleaseTaskConcurrencySlots",
  async beforeWrite(ctx) {
    const next = ctx.proposedState;
    if (!next || next.type === "RUNNING" || next.type === "CANCELLING") return;
    const tags = taskRunTags(ctx);
    if (tags.length === 0) return;
    const runId = ctx.run.id;
    // Only a run holding a slot pays for the locked write; its slot is taken only by its own
    // transitions, which the compare-and-set orders after this read.
    const held = (await readTagLimits(ctx.db, tags)).filter((limit) => limit.active_slots.includes(runId)).map((limit) => limit.tag);
    if (held.length === 0) return;
    ctx.onWrite(() => async (trx, engine) => {
      await releaseTagSlots(trx, engine, held, runId);
      return true;
    });
  },
};
