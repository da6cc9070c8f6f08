import type { FlowRun, WorkQueue, WorkQueueConcurrencyStatus, WorkQueueConcurrencyStatusBody, WorkQueueCreate, WorkQueueFilterBody, WorkQueueRunsBody, WorkQueueStatusDetail, WorkQueueUpdate } from "@ecsflow/schemas";
import type { Database, WorkQueueTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError } from "../../errors.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { getScheduledFlowRuns } from "../flow-runs/scheduled-flow-runs.js";
import { countQueueActiveSlots, SLOT_OCCUPYING_STATES } from "../work-pools/active-slots.js";
import { AGENT_WORK_POOL_TYPE } from "../work-pools/status.js";
import { createWorkPool, DEFAULT_WORK_QUEUE_NAME } from "../work-pools/work-pools.js";
import { workQueueFilterCondition } from "./work-queue-filter.js";
import { workQueueFromRow } from "./work-queue-row.js";
import { WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS } from "./status.js";
import { createWorkQueue, deleteWorkQueue, readWorkQueue, updateWorkQueue } from "./work-queues.js";

/**
 * Prefect's top-level `/work_queues` routes address queues by id (or by bare name) across pools;
 * queues created there go to the legacy agent pool, made on first use as Prefect's server does.
 * The pool-scoped models do the work; this module finds the pool and queue names for them.
 */
export const DEFAULT_AGENT_WORK_POOL_NAME = "default-agent-pool";

const notFound = () => new ObjectNotFoundError("Work queue not found.");

type QueueRow = WorkQueueTable & { work_pool_name: string };

function queueRows(database: Database) {
  return database.db.selectFrom("work_queue").innerJoin("work_pool", "work_pool.id", "work_queue.work_pool_id").selectAll("work_queue").select("work_pool.name as work_pool_name");
}

async function queueById(database: Database, id: string): Promise<QueueRow> {
  const row = await queueRows(database).where("work_queue.id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

async function describe(database: Database, rows: QueueRow[], now: number): Promise<WorkQueue[]> {
  const slots = await countQueueActiveSlots(
    database.db,
    rows.filter((r) => r.concurrency_limit !== null).map((r) => r.id),
  );
  return rows.map((r) => workQueueFromRow(r, r.work_pool_name, slots.get(r.id) ?? 0, now));
}

export async function readWorkQueueById(database: Database, id: string, now: number = Date.now()): Promise<WorkQueue> {
  return (await describe(database, [await queueById(database, id)], now))[0];
}

/** By bare name: the agent pool's queue of that name when that pool exists, else any pool's (as Prefect). */
export async function readWorkQueueByName(database: Database, name: string, now: number = Date.now()): Promise<WorkQueue> {
  const agentPool = await database.db.selectFrom("work_pool").select("id").where("name", "=", DEFAULT_AGENT_WORK_POOL_NAME).executeTakeFirst();
  let query = queueRows(database).where("work_queue.name", "=", name);
  if (agentPool) query = query.where("work_queue.work_pool_id", "=", agentPool.id);
  const row = await query.orderBy("work_queue.id").executeTakeFirst();
  if (!row) throw notFound();
  return (await describe(database, [row], now))[0];
}

/** Queues of every pool, by name as Prefect orders them. */
export async function readAllWorkQueues(database: Database, body: WorkQueueFilterBody, now: number = Date.now()): Promise<WorkQueue[]> {
  const rows = await queueRows(database)
    .where(workQueueFilterCondition(database.engine, body.work_queues))
    .orderBy("work_queue.name")
    .orderBy("work_queue.id")
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0)
    .execute();
  return describe(database, rows, now);
}

/** Creates the agent pool when missing; a concurrent creator winning the race is as good. Returns whether this call made it. */
async function ensureAgentPool(database: Database): Promise<boolean> {
  const existing = await database.db.selectFrom("work_pool").select("id").where("name", "=", DEFAULT_AGENT_WORK_POOL_NAME).executeTakeFirst();
  if (existing) return false;
  try {
    await createWorkPool(database, { name: DEFAULT_AGENT_WORK_POOL_NAME, type: AGENT_WORK_POOL_TYPE });
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

/** `POST /work_queues/`: a queue of the agent pool; "default" on a just-made pool is the pool's own default queue. */
export async function createTopLevelWorkQueue(database: Database, input: WorkQueueCreate, now: number = Date.now()): Promise<WorkQueue> {
  const madePool = await ensureAgentPool(database);
  if (madePool && input.name === DEFAULT_WORK_QUEUE_NAME) return readWorkQueue(database, DEFAULT_AGENT_WORK_POOL_NAME, input.name, now);
  return createWorkQueue(database, DEFAULT_AGENT_WORK_POOL_NAME, input, now);
}

export async function updateWorkQueueById(database: Database, id: string, patch: WorkQueueUpdate): Promise<void> {
  const row = await queueById(database, id);
  await updateWorkQueue(database, row.work_pool_name, row.name, patch);
}

/** Deletes by id; a pool's default queue stays (409), as on the pool-scoped route. */
export async function deleteWorkQueueById(database: Database, id: string): Promise<void> {
  const row = await queueById(database, id);
  await deleteWorkQueue(database, row.work_pool_name, row.name);
}

/** `POST /work_queues/{id}/get_runs`: what a worker polling only this queue would be offered. */
export async function readWorkQueueRuns(database: Database, id: string, body: WorkQueueRunsBody, fromUi: boolean, now: number = Date.now()): Promise<FlowRun[]> {
  const row = await queueById(database, id);
  const offered = await getScheduledFlowRuns(
    database,
    row.work_pool_name,
    { work_queue_names: [row.name], scheduled_before: body.scheduled_before ?? null, limit: body.limit },
    now,
    { recordPoll: !fromUi },
  );
  return offered.map((o) => o.flow_run);
}

/** Prefect's default health policy: no late runs, polled within the last 60 s. */
export async function readWorkQueueStatusDetail(database: Database, id: string, now: number = Date.now()): Promise<WorkQueueStatusDetail> {
  const row = await queueById(database, id);
  const late = await database.db
    .selectFrom("flow_run")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("work_queue_id", "=", id)
    .where("state_name", "=", "Late")
    .executeTakeFirstOrThrow();
  const lateRuns = Number(late.n);
  const polledRecently = row.last_polled !== null && now - Date.parse(row.last_polled) <= WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS * 1000;
  return {
    healthy: lateRuns === 0 && polledRecently,
    late_runs_count: lateRuns,
    last_polled: row.last_polled,
    health_check_policy: { maximum_late_runs: 0, maximum_seconds_since_last_polled: WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS },
  };
}

/** The runs holding the queue's slots, oldest in its state first, a page at a time. */
export async function readWorkQueueConcurrencyStatus(database: Database, id: string, body: WorkQueueConcurrencyStatusBody, now: number = Date.now()): Promise<WorkQueueConcurrencyStatus> {
  const row = await queueById(database, id);
  const limit = resolveLimit(body.limit);
  const page = body.page ?? 1;
  const holders = database.db.selectFrom("flow_run").where("work_queue_id", "=", id).where("state_type", "in", SLOT_OCCUPYING_STATES);
  const total = Number((await holders.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  const runs = await holders
    .select(["id", "name", "state_type", "state_name", "start_time", "state_timestamp"])
    .orderBy("state_timestamp")
    .orderBy("id")
    .limit(limit)
    .offset((page - 1) * limit)
    .execute();
  return {
    active_slots: total,
    concurrency_limit: row.concurrency_limit,
    flow_runs: runs.map((r) => ({
      ...r,
      state_type: r.state_type as WorkQueueConcurrencyStatus["flow_runs"][number]["state_type"],
      time_in_current_state: r.state_timestamp === null ? null : (now - Date.parse(r.state_timestamp)) / 1000,
    })),
    count: total,
    limit,
    pages: limit > 0 ? Math.ceil(total / limit) : 0,
    page,
  };
}
