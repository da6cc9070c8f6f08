import { sql, type Kysely, type SqlBool } from "kysely";
import type { GetScheduledFlowRunsBody, WorkerFlowRun } from "@ecsflow/schemas";
import type { Database, DB, Engine, FlowRunTable, WorkPoolTable, WorkQueueTable } from "../../database/index.js";
import { normalizeTimestamp, toTimestamp } from "../../timestamps.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { flowRunFromRow } from "./flow-run-row.js";
import { toBool } from "../shared/json-columns.js";
import { countPoolActiveSlots, countQueueActiveSlots } from "../work-pools/active-slots.js";
import { readWorkPoolRow } from "../work-pools/work-pools.js";
import { workQueueNotFound } from "../work-queues/work-queues.js";

/**
 * A poll records `last_polled` on its queues at most once a second per queue: the queue status only
 * needs minute precision (work-queues-status.ts), and Prefect's write on every poll is what makes
 * its polls queue up behind the database lock.
 */
export const POLL_RECORD_INTERVAL_MS = 1000;

/** Runs retried inside their own process stay SCHEDULED for a moment but belong to that process. */
function notRetryingInProcess(engine: Engine) {
  return engine === "postgresql"
    ? sql<SqlBool>`coalesce(empirical_policy::jsonb ->> 'retry_type', '') <> 'in_process'`
    : sql<SqlBool>`coalesce(json_extract(empirical_policy, '$.retry_type'), '') <> 'in_process'`;
}

/** The queues a poll reads: the named ones (404 for a name the pool lacks), or all of the pool's. */
function polledQueues(pool: WorkPoolTable, queues: WorkQueueTable[], names: readonly string[] | null | undefined): WorkQueueTable[] {
  if (!names || names.length === 0) return queues;
  const byName = new Map(queues.map((q) => [q.name, q]));
  const wanted = new Set<string>();
  for (const name of names) {
    if (!byName.has(name)) throw workQueueNotFound(pool.name, name);
    wanted.add(name);
  }
  return queues.filter((q) => wanted.has(q.name));
}

/**
 * The earliest SCHEDULED runs of one queue, by scheduled time: an index range scan on
 * (state_type, work_queue_id, next_scheduled_start_time) that stops after `limit` rows.
 */
async function scheduledRunsOfQueue(
  database: Database,
  workQueueId: string,
  window: { before: string | null; after: string | null },
  limit: number,
): Promise<FlowRunTable[]> {
  let query = database.db
    .selectFrom("flow_run")
    .selectAll()
    .where("state_type", "=", "SCHEDULED")
    .where("work_queue_id", "=", workQueueId);
  if (window.before !== null) query = query.where("next_scheduled_start_time", "<=", window.before);
  if (window.after !== null) query = query.where("next_scheduled_start_time", ">=", window.after);
  return query.where(notRetryingInProcess(database.engine)).orderBy("next_scheduled_start_time").limit(limit).execute();
}

/**
 * Runs to offer, in Prefect's order (queue priority, then scheduled time), within the pool's and
 * each queue's free concurrency slots. Queue priorities are unique within a pool, so that order is
 * the queues' runs one queue after another: each queue is read only for the slots still open, and
 * the loop usually ends after the first queue.
 */
async function offerableRuns(
  database: Database,
  pool: WorkPoolTable,
  queues: WorkQueueTable[],
  window: { before: string | null; after: string | null },
  limit: number,
): Promise<{ queue: WorkQueueTable; run: FlowRunTable }[]> {
  const open = queues.filter((q) => !toBool(q.is_paused));
  let budget = limit;
  if (pool.concurrency_limit !== null) {
    const busy = (await countPoolActiveSlots(database.db, [pool.id])).get(pool.id) ?? 0;
    budget = Math.min(budget, Math.max(0, pool.concurrency_limit - busy));
  }
  if (budget === 0 || open.length === 0) return [];
  const busyByQueue = await countQueueActiveSlots(
    database.db,
    open.filter((q) => q.concurrency_limit !== null).map((q) => q.id),
  );
  const offered: { queue: WorkQueueTable; run: FlowRunTable }[] = [];
  for (const queue of open) {
    const remaining = budget - offered.length;
    if (remaining <= 0) break;
    const free = queue.concurrency_limit === null ? remaining : Math.max(0, queue.concurrency_limit - (busyByQueue.get(queue.id) ?? 0));
    const take = Math.min(remaining, free);
    if (take === 0) continue;
    for (const run of await scheduledRunsOfQueue(database, queue.id, window, take)) offered.push({ queue, run });
  }
  return offered;
}

/** Marks the queues polled, skipping those whose mark is under a second old (one UPDATE, often none). */
async function recordPoll(db: Kysely<DB>, queues: WorkQueueTable[], now: number): Promise<void> {
  const threshold = toTimestamp(now - POLL_RECORD_INTERVAL_MS);
  const stale = queues.filter((q) => q.last_polled === null || q.last_polled < threshold).map((q) => q.id);
  if (stale.length === 0) return;
  await db
    .updateTable("work_queue")
    .set({ last_polled: toTimestamp(now) })
    .where("id", "in", stale)
    // Another server may have just marked them; the condition keeps concurrent polls from rewriting.
    .where((eb) => eb.or([eb("last_polled", "is", null), eb("last_polled", "<", threshold)]))
    .execute();
}

/**
 * `POST /work_pools/{name}/get_scheduled_flow_runs`: the SCHEDULED runs a worker may start, from the
 * open queues of an unpaused pool. Nothing is claimed (repeated polls see the same runs); the
 * worker claims a run by proposing PENDING. Without `scheduled_before` there is no upper bound, as
 * in Prefect.
 */
export async function getScheduledFlowRuns(
  database: Database,
  workPoolName: string,
  body: GetScheduledFlowRunsBody,
  now: number = Date.now(),
  // The UI reads a queue's runs without being a poll (Prefect's `x-prefect-ui` header).
  options: { recordPoll?: boolean } = {},
): Promise<WorkerFlowRun[]> {
  const limit = resolveLimit(body.limit);
  const pool = await readWorkPoolRow(database.db, workPoolName);
  const queues = await database.db.selectFrom("work_queue").selectAll().where("work_pool_id", "=", pool.id).orderBy("priority").execute();
  const polled = polledQueues(pool, queues, body.work_queue_names);
  const window = {
    before: body.scheduled_before ? normalizeTimestamp(body.scheduled_before) : null,
    after: body.scheduled_after ? normalizeTimestamp(body.scheduled_after) : null,
  };
  const offered = toBool(pool.is_paused) || limit === 0 ? [] : await offerableRuns(database, pool, polled, window, limit);
  if (options.recordPoll !== false) await recordPoll(database.db, polled, now);
  return offered.map(({ queue, run }) => ({ work_pool_id: pool.id, work_queue_id: queue.id, flow_run: flowRunFromRow(run, now) }));
}
