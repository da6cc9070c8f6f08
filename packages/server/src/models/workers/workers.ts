import type { Worker, WorkerFilter, WorkerFilterBody, WorkerHeartbeatBody } from "@ecsflow/schemas";
import type { Database, WorkerTable } from "../../database/index.js";
import { ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { normalizeTimestamp, toTimestamp } from "../../timestamps.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { readWorkPoolRow } from "../work-pools/work-pools.js";
import { workerStatus } from "./status.js";

export function workerFromRow(row: WorkerTable, now: number): Worker {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    work_pool_id: row.work_pool_id,
    last_heartbeat_time: row.last_heartbeat_time,
    heartbeat_interval_seconds: row.heartbeat_interval_seconds,
    status: workerStatus(row.last_heartbeat_time, row.heartbeat_interval_seconds, now),
  };
}

/**
 * Records a heartbeat: creates the worker on its first one, else moves its last heartbeat to now
 * (and its interval, when sent). One upsert, so concurrent heartbeats of one worker cannot collide.
 */
export async function recordWorkerHeartbeat(database: Database, workPoolName: string, body: WorkerHeartbeatBody, now: number = Date.now()): Promise<void> {
  const pool = await readWorkPoolRow(database.db, workPoolName);
  const ts = toTimestamp(now);
  const interval = body.heartbeat_interval_seconds ?? null;
  await database.db
    .insertInto("worker")
    .values({
      id: newId(now),
      created: ts,
      updated: ts,
      name: body.name,
      work_pool_id: pool.id,
      last_heartbeat_time: ts,
      heartbeat_interval_seconds: interval,
      // The status is computed on read (workers-status.ts); stored as Prefect stores it after a beat.
      status: "ONLINE",
    })
    .onConflict((oc) =>
      oc.columns(["work_pool_id", "name"]).doUpdateSet({
        last_heartbeat_time: ts,
        updated: ts,
        status: "ONLINE",
        ...(interval === null ? {} : { heartbeat_interval_seconds: interval }),
      }),
    )
    .execute();
}

function matches(worker: Worker, filter: WorkerFilter): boolean {
  const checks: boolean[] = [];
  const beat = filter.last_heartbeat_time;
  const at = worker.last_heartbeat_time;
  if (beat?.before_) checks.push(at !== null && at <= normalizeTimestamp(beat.before_));
  if (beat?.after_) checks.push(at !== null && at >= normalizeTimestamp(beat.after_));
  const status = filter.status;
  if (status?.any_ !== undefined && status.any_ !== null) checks.push(status.any_.includes(worker.status));
  if (status?.not_any_ !== undefined && status.not_any_ !== null && status.not_any_.length > 0) checks.push(!status.not_any_.includes(worker.status));
  if (checks.length === 0) return true;
  return filter.operator === "or_" ? checks.some(Boolean) : checks.every(Boolean);
}

/**
 * The pool's workers, latest heartbeat first. The filter runs in memory because `status` is
 * computed from each worker's own interval; a pool has few workers, and the index on
 * (work_pool_id, last_heartbeat_time) serves the read.
 */
export async function readWorkers(database: Database, workPoolName: string, body: WorkerFilterBody, now: number = Date.now()): Promise<Worker[]> {
  const limit = resolveLimit(body.limit);
  const offset = body.offset ?? 0;
  const pool = await readWorkPoolRow(database.db, workPoolName);
  const rows = await database.db
    .selectFrom("worker")
    .selectAll()
    .where("work_pool_id", "=", pool.id)
    .orderBy("last_heartbeat_time", "desc")
    .orderBy("id", "desc")
    .execute();
  const workers = rows.map((r) => workerFromRow(r, now));
  const filter = body.workers;
  const kept = filter ? workers.filter((w) => matches(w, filter)) : workers;
  return kept.slice(offset, offset + limit);
}

export async function deleteWorker(database: Database, workPoolName: string, name: string): Promise<void> {
  const pool = await readWorkPoolRow(database.db, workPoolName);
  const result = await database.db.deleteFrom("worker").where("work_pool_id", "=", pool.id).where("name", "=", name).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new ObjectNotFoundError("Worker not found.");
}
