import type { Kysely } from "kysely";
import type { ConcurrencyLimit, ConcurrencyLimitCreate, ConcurrencyLimitFilterBody, MinimalConcurrencyLimit, TaskRunSlotsBody } from "@ecsflow/schemas";
import type { ConcurrencyLimitTable, Database, DB } from "../../database/index.js";
import { LockedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { parseJson, toJson } from "../shared/json-columns.js";
import { releaseTagSlots, takeTagSlots, type TagLimit } from "./tag-slots.js";

/** How long a task run refused a tag's slot is told to wait (Prefect's task-run tag slot wait). */
export const TAG_SLOT_WAIT_SECONDS = 30;

export function concurrencyLimitFromRow(row: ConcurrencyLimitTable): ConcurrencyLimit {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    tag: row.tag,
    concurrency_limit: Number(row.concurrency_limit),
    active_slots: parseJson<string[]>(row.active_slots, []),
  };
}

/** Creates the tag's limit, or sets the limit of the existing one (Prefect upserts by tag; its holders stay). */
export async function createConcurrencyLimit(database: Database, input: ConcurrencyLimitCreate): Promise<{ limit: ConcurrencyLimit; created: boolean }> {
  const now = nowTimestamp();
  const id = newId();
  await database.db
    .insertInto("concurrency_limit")
    .values({ id, created: now, updated: now, tag: input.tag, concurrency_limit: input.concurrency_limit, active_slots: "[]" })
    .onConflict((oc) => oc.column("tag").doUpdateSet({ concurrency_limit: input.concurrency_limit, updated: now }))
    .execute();
  const row = await database.db.selectFrom("concurrency_limit").selectAll().where("tag", "=", input.tag).executeTakeFirstOrThrow();
  return { limit: concurrencyLimitFromRow(row), created: row.id === id };
}

export async function readConcurrencyLimit(database: Database, id: string): Promise<ConcurrencyLimit | undefined> {
  const row = await database.db.selectFrom("concurrency_limit").selectAll().where("id", "=", id).executeTakeFirst();
  return row && concurrencyLimitFromRow(row);
}

export async function readConcurrencyLimitByTag(database: Database, tag: string): Promise<ConcurrencyLimit | undefined> {
  const row = await database.db.selectFrom("concurrency_limit").selectAll().where("tag", "=", tag).executeTakeFirst();
  return row && concurrencyLimitFromRow(row);
}

/** Limits in tag order, as Prefect lists them. */
export async function readConcurrencyLimits(database: Database, body: ConcurrencyLimitFilterBody): Promise<ConcurrencyLimit[]> {
  const rows = await database.db
    .selectFrom("concurrency_limit")
    .selectAll()
    .orderBy("tag")
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0)
    .execute();
  return rows.map(concurrencyLimitFromRow);
}

/** Empties the tag's slots, or sets them to `slotOverride`. @returns whether the tag has a limit. */
export async function resetConcurrencyLimitByTag(database: Database, tag: string, slotOverride: string[] | null | undefined): Promise<boolean> {
  const result = await database.db
    .updateTable("concurrency_limit")
    .set({ active_slots: toJson([...new Set(slotOverride ?? [])]), updated: nowTimestamp() })
    .where("tag", "=", tag)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteConcurrencyLimit(database: Database, id: string): Promise<boolean> {
  const result = await database.db.deleteFrom("concurrency_limit").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteConcurrencyLimitByTag(database: Database, tag: string): Promise<boolean> {
  const result = await database.db.deleteFrom("concurrency_limit").where("tag", "=", tag).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

const minimal = (limit: TagLimit): MinimalConcurrencyLimit => ({ id: limit.id, name: limit.tag, limit: limit.concurrency_limit });

/**
 * A task run takes a slot of each of its tags' limits, all or none (Prefect's client-side tag
 * concurrency). A limit of 0 or a full one answers 423 and nothing is taken.
 */
export async function incrementTagSlots(database: Database, body: TaskRunSlotsBody): Promise<MinimalConcurrencyLimit[]> {
  const { refused, limits } = await (database.db as Kysely<DB>).transaction().execute((trx) => takeTagSlots(trx, database.engine, body.names, body.task_run_id));
  if (refused?.reason === "zero") throw new LockedError(`The concurrency limit on tag "${refused.tag}" is 0 and will deadlock if the task tries to run again.`);
  if (refused) throw new LockedError(`Concurrency limit for the ${refused.tag} tag has been reached`, TAG_SLOT_WAIT_SECONDS);
  return limits.map(minimal);
}

/** A task run gives back its slots of these tags. @returns the limits it held a slot of. */
export async function decrementTagSlots(database: Database, body: TaskRunSlotsBody): Promise<MinimalConcurrencyLimit[]> {
  const released = await (database.db as Kysely<DB>).transaction().execute((trx) => releaseTagSlots(trx, database.engine, body.names, body.task_run_id));
  return released.map(minimal);
}
