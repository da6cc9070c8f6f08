import type { Log, LogCreate, ReadLogsBody } from "@ecsflow/schemas";
import type { Database, LogTable } from "../../database/index.js";
import { newId } from "../../ids.js";
import { normalizeTimestamp, toTimestamp } from "../../timestamps.js";
import { logCondition } from "../filters/log-filter.js";
import { logOrder } from "../shared/sort-orders.js";
import { resolveLimit } from "../filters/resolve-limit.js";

// Rows per INSERT: well under SQLite's 32,766 bound parameters (9 columns each) and PostgreSQL's 65,535.
const ROWS_PER_STATEMENT = 500;

function logFromRow(row: LogTable): Log {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    level: row.level,
    message: row.message,
    timestamp: row.timestamp,
    flow_run_id: row.flow_run_id,
    task_run_id: row.task_run_id,
  };
}

/** Writes a batch of logs in one transaction: all of them or, on failure, none. */
export async function createLogs(database: Database, logs: LogCreate[]): Promise<void> {
  if (logs.length === 0) return;
  const now = Date.now();
  const created = toTimestamp(now);
  const rows: LogTable[] = logs.map((l) => ({
    id: newId(now),
    created,
    updated: created,
    name: l.name,
    level: l.level,
    message: l.message,
    timestamp: normalizeTimestamp(l.timestamp),
    flow_run_id: l.flow_run_id ?? null,
    task_run_id: l.task_run_id ?? null,
  }));
  await database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      await trx.insertInto("log").values(rows.slice(i, i + ROWS_PER_STATEMENT)).execute();
    }
  });
}

export async function readLogs(database: Database, body: ReadLogsBody): Promise<Log[]> {
  let query = database.db
    .selectFrom("log")
    .selectAll()
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  if (body.logs) query = query.where(logCondition(body.logs));
  for (const term of logOrder(body.sort)) query = query.orderBy(term);
  return (await query.execute()).map(logFromRow);
}
