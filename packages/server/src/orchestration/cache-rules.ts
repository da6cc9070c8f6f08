import type { StateDetails } from "@ecsflow/schemas";
import { newId } from "../ids.js";
import { parseJson } from "../models/shared/json-columns.js";
import { toTimestamp } from "../timestamps.js";
import { ANY_STATE, type OrchestrationRule } from "./orchestration-rule.js";
import { completeStateDetails } from "./proposed-state.js";

/**
 * Prefect's CacheRetrieval: a task run proposing RUNNING with a `cache_key` (and no
 * `refresh_cache`) whose key names a COMPLETED state that has not expired is not run: the
 * transition is rejected in favour of a copy of that state, named "Cached", with its result.
 */
export const CacheRetrieval: OrchestrationRule = {
  name: "CacheRetrieval",
  fromStates: ANY_STATE,
  toStates: ["RUNNING"],
  async beforeTransition(ctx) {
    const details = ctx.proposedState!.state_details;
    const key = details.cache_key;
    if (ctx.kind !== "task_run" || !key || details.refresh_cache) return;
    const now = toTimestamp(ctx.now);
    const cached = await ctx.db
      .selectFrom("task_run_state_cache as cache")
      .innerJoin("task_run_state as state", "state.id", "cache.task_run_state_id")
      .select(["state.name", "state.message", "state.data", "state.state_details"])
      .where("cache.cache_key", "=", key)
      .where((eb) => eb.or([eb("cache.cache_expiration", "is", null), eb("cache.cache_expiration", ">", now)]))
      .orderBy("cache.created", "desc")
      .orderBy("cache.id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!cached) return;
    const state_details = parseJson<StateDetails>(cached.state_details, {});
    ctx.reject(
      {
        type: "COMPLETED",
        name: "Cached",
        message: cached.message,
        data: cached.data === null ? null : parseJson<unknown>(cached.data, null),
        // A new state of this run: a fresh transition, not the original's.
        state_details: completeStateDetails({ ...state_details, transition_id: null }),
      },
      "Retrieved state from cache",
    );
  },
};

/**
 * Prefect's CacheInsertion: a task run's COMPLETED state with a `cache_key` is remembered under
 * that key (until `cache_expiration`, if set), written with the state.
 */
export const CacheInsertion: OrchestrationRule = {
  name: "CacheInsertion",
  fromStates: ANY_STATE,
  toStates: ["COMPLETED"],
  beforeTransition(ctx) {
    if (ctx.kind !== "task_run") return;
    ctx.onWrite((next) => {
      const key = next.state_details.cache_key;
      if (next.type !== "COMPLETED" || !key) return null;
      return async (trx) => {
        await trx
          .insertInto("task_run_state_cache")
          .values({ id: newId(), created: next.timestamp, updated: next.timestamp, cache_key: key, cache_expiration: next.state_details.cache_expiration ?? null, task_run_state_id: next.id })
          .execute();
        return true;
      };
    });
  },
};
