import { sql } from "kysely";
import type { FlowRunInput, FlowRunInputCreate, FlowRunInputFilterBody } from "@ecsflow/schemas";
import type { Database, FlowRunInputTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { isForeignKeyViolation, isUniqueViolation } from "../shared/constraint-errors.js";

const fromRow = (row: FlowRunInputTable): FlowRunInput => ({ ...row });

/** One value per key and run: a second create of a key is a 409, as in Prefect, never an overwrite. */
export async function createFlowRunInput(database: Database, flowRunId: string, input: FlowRunInputCreate): Promise<FlowRunInput> {
  const now = nowTimestamp();
  const row: FlowRunInputTable = { id: newId(), created: now, updated: now, flow_run_id: flowRunId, key: input.key, value: input.value, sender: input.sender ?? null };
  try {
    await database.db.insertInto("flow_run_input").values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("A flow run input with this key already exists.");
    if (isForeignKeyViolation(error)) throw new ObjectNotFoundError("Flow run not found");
    throw error;
  }
  return fromRow(row);
}

export async function readFlowRunInput(database: Database, flowRunId: string, key: string): Promise<FlowRunInput | undefined> {
  const row = await database.db.selectFrom("flow_run_input").selectAll().where("flow_run_id", "=", flowRunId).where("key", "=", key).executeTakeFirst();
  return row && fromRow(row);
}

/**
 * Inputs whose key starts with `prefix` (a plain prefix: `_` and `%` in it match only themselves,
 * unlike Prefect's LIKE), minus `exclude_keys`, oldest first. An unknown run has none.
 */
export async function filterFlowRunInputs(database: Database, flowRunId: string, body: FlowRunInputFilterBody): Promise<FlowRunInput[]> {
  const exclude = body.exclude_keys ?? [];
  let query = database.db
    .selectFrom("flow_run_input")
    .selectAll()
    .where("flow_run_id", "=", flowRunId)
    .where(sql<string>`substr(key, 1, ${body.prefix.length})`, "=", body.prefix)
    .orderBy("created")
    .orderBy("id")
    .limit(body.limit ?? 1);
  if (exclude.length > 0) query = query.where("key", "not in", exclude);
  return (await query.execute()).map(fromRow);
}

/** @returns whether the input existed. */
export async function deleteFlowRunInput(database: Database, flowRunId: string, key: string): Promise<boolean> {
  const result = await database.db.deleteFrom("flow_run_input").where("flow_run_id", "=", flowRunId).where("key", "=", key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
