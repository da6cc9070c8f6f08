import type { CountFlowsBody, Flow, FlowCreate, FlowUpdate, ReadFlowsBody } from "@ecsflow/schemas";
import type { Database, FlowTable } from "../../database/index.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { flowsMatching } from "../filters/related-filters.js";
import { parseJson, toJson } from "../shared/json-columns.js";
import { flowOrder } from "../shared/sort-orders.js";
import { resolveLimit } from "../filters/resolve-limit.js";

export function flowFromRow(row: FlowTable): Flow {
  return { id: row.id, created: row.created, updated: row.updated, name: row.name, tags: parseJson(row.tags, []), labels: parseJson(row.labels, {}) };
}

/** Creates a flow, or returns the one with that name (Prefect upserts flows by name). */
export async function createFlow(database: Database, input: FlowCreate): Promise<{ flow: Flow; created: boolean }> {
  const now = nowTimestamp();
  const id = newId();
  await database.db
    .insertInto("flow")
    .values({ id, created: now, updated: now, name: input.name, tags: toJson(input.tags ?? []), labels: toJson(input.labels ?? {}) })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await database.db.selectFrom("flow").selectAll().where("name", "=", input.name).executeTakeFirstOrThrow();
  return { flow: flowFromRow(row), created: row.id === id };
}

export async function readFlow(database: Database, id: string): Promise<Flow | undefined> {
  const row = await database.db.selectFrom("flow").selectAll().where("id", "=", id).executeTakeFirst();
  return row && flowFromRow(row);
}

export async function readFlowByName(database: Database, name: string): Promise<Flow | undefined> {
  const row = await database.db.selectFrom("flow").selectAll().where("name", "=", name).executeTakeFirst();
  return row && flowFromRow(row);
}

/** @returns whether the flow exists. */
export async function updateFlow(database: Database, id: string, input: FlowUpdate): Promise<boolean> {
  const result = await database.db
    .updateTable("flow")
    .set({ updated: nowTimestamp(), ...(input.tags !== undefined ? { tags: toJson(input.tags) } : {}) })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a flow; its deployments and runs go with it (foreign keys cascade). */
export async function deleteFlow(database: Database, id: string): Promise<boolean> {
  const result = await database.db.deleteFrom("flow").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function readFlows(database: Database, body: ReadFlowsBody): Promise<Flow[]> {
  let query = database.db
    .selectFrom("flow")
    .selectAll()
    .where(flowsMatching(database.engine, body))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of flowOrder(body.sort)) query = query.orderBy(term);
  return (await query.execute()).map(flowFromRow);
}

export async function countFlows(database: Database, body: CountFlowsBody): Promise<number> {
  const row = await database.db
    .selectFrom("flow")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where(flowsMatching(database.engine, body))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
