import type { NotificationEvent, State } from "@ecsflow/schemas";
import type { Database, NotificationSubscriptionTable } from "../database/index.js";
import { newId } from "../ids.js";
import { parseJson } from "../models/shared/json-columns.js";
import { toTimestamp } from "../timestamps.js";
import { activeSubscriptions } from "./subscription-cache.js";

export interface TransitionFacts {
  runId: string;
  deploymentId: string | null;
  workPoolName: string | null;
  state: State;
}

const list = (json: string) => parseJson<string[]>(json, []);

function matchesState(sub: NotificationSubscriptionTable, state: State): boolean {
  const types = list(sub.state_types);
  const names = list(sub.state_names);
  if (types.length === 0 && names.length === 0) return true;
  return types.includes(state.type) || names.includes(state.name ?? state.type);
}

function matchesRun(sub: NotificationSubscriptionTable, facts: TransitionFacts, tags: string[]): boolean {
  const deployments = list(sub.deployment_ids);
  const pools = list(sub.work_pool_names);
  const wanted = list(sub.tags);
  if (deployments.length > 0 && !deployments.includes(facts.deploymentId ?? "")) return false;
  if (pools.length > 0 && !pools.includes(facts.workPoolName ?? "")) return false;
  if (wanted.length > 0 && !wanted.some((t) => tags.includes(t))) return false;
  return true;
}

/**
 * Queues one delivery per matching subscription for a committed flow-run transition. Called
 * after the commit and not awaited by set_state: a slow or failing insert here never delays or
 * fails the transition (the cost: a server that dies between the two loses that notification).
 * @returns how many deliveries were queued.
 */
export async function enqueueNotifications(database: Database, facts: TransitionFacts, now = Date.now()): Promise<number> {
  const candidates = (await activeSubscriptions(database, now)).filter((s) => matchesState(s, facts.state));
  if (candidates.length === 0) return 0;
  const run = await database.db.selectFrom("flow_run").select(["name", "tags"]).where("id", "=", facts.runId).executeTakeFirst();
  if (!run) return 0;
  const tags = parseJson<string[]>(run.tags, []);
  const matching = candidates.filter((s) => matchesRun(s, facts, tags));
  if (matching.length === 0) return 0;
  const ts = toTimestamp(now);
  const rows = matching.map((sub) => {
    const id = newId(now);
    const event: NotificationEvent = {
      event: "flow_run.state_changed",
      delivery_id: id,
      subscription_id: sub.id,
      occurred: facts.state.timestamp,
      flow_run: {
        id: facts.runId,
        name: run.name,
        deployment_id: facts.deploymentId,
        work_pool_name: facts.workPoolName,
        tags,
        state: { type: facts.state.type, name: facts.state.name ?? facts.state.type, message: facts.state.message ?? null, timestamp: facts.state.timestamp },
      },
    };
    return { id, created: ts, updated: ts, subscription_id: sub.id, flow_run_id: facts.runId, body: JSON.stringify(event), status: "PENDING", attempts: 0, next_attempt_at: ts, last_status_code: null, last_error: null };
  });
  await database.db.insertInto("notification_delivery").values(rows).execute();
  return rows.length;
}
