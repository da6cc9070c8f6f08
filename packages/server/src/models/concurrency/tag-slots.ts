import type { Kysely } from "kysely";
import type { DB, Engine } from "../../database/index.js";
import { nowTimestamp } from "../../timestamps.js";
import { parseJson, toJson } from "../shared/json-columns.js";

/** A tag's v1 concurrency limit with its slot holders parsed. */
export interface TagLimit {
  id: string;
  tag: string;
  concurrency_limit: number;
  active_slots: string[];
}

/** Why a run cannot have a slot of a tag: its limit is 0 (it never can), or all slots are held. */
export type SlotRefusal = { reason: "zero" | "full"; tag: string } | null;

/**
 * The limits of these tags, in tag order. With `lockOn` (the engine), the rows are held until the transaction
 * ends: on PostgreSQL with row locks (taken in tag order, so two runs sharing tags cannot
 * deadlock), on SQLite by making the transaction the writer before it reads.
 */
export async function readTagLimits(db: Kysely<DB>, tags: readonly string[], lockOn?: Engine): Promise<TagLimit[]> {
  if (tags.length === 0) return [];
  if (lockOn === "sqlite") {
    await db.updateTable("concurrency_limit").set((eb) => ({ id: eb.ref("id") })).where("tag", "in", [...tags]).execute();
  }
  let query = db.selectFrom("concurrency_limit").select(["id", "tag", "concurrency_limit", "active_slots"]).where("tag", "in", [...tags]).orderBy("tag");
  if (lockOn === "postgresql") query = query.forUpdate();
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, concurrency_limit: Number(row.concurrency_limit), active_slots: parseJson<string[]>(row.active_slots, []) }));
}

/** The first tag whose limit refuses `runId` a slot (a slot it already holds counts as its own). */
export function refusedSlot(limits: readonly TagLimit[], runId: string): SlotRefusal {
  for (const limit of limits) {
    if (limit.concurrency_limit === 0) return { reason: "zero", tag: limit.tag };
  }
  for (const limit of limits) {
    if (limit.active_slots.includes(runId)) continue;
    if (limit.active_slots.length >= limit.concurrency_limit) return { reason: "full", tag: limit.tag };
  }
  return null;
}

async function writeSlots(db: Kysely<DB>, limit: TagLimit, slots: string[]): Promise<void> {
  await db.updateTable("concurrency_limit").set({ active_slots: toJson(slots), updated: nowTimestamp() }).where("id", "=", limit.id).execute();
}

/**
 * Takes a slot of every limited tag for `runId`, all or none: call inside a transaction. The
 * limits are locked, checked and written in one go, so of two runs racing for a tag's last slot
 * only one gets it. @returns the refusal, or null and the limits the run now holds a slot of.
 */
export async function takeTagSlots(db: Kysely<DB>, engine: Engine, tags: readonly string[], runId: string): Promise<{ refused: SlotRefusal; limits: TagLimit[] }> {
  const limits = await readTagLimits(db, tags, engine);
  const refused = refusedSlot(limits, runId);
  if (refused) return { refused, limits: [] };
  for (const limit of limits) {
    if (!limit.active_slots.includes(runId)) await writeSlots(db, limit, [...limit.active_slots, runId]);
  }
  return { refused: null, limits };
}

/** Gives back `runId`'s slots of these tags: call inside a transaction. @returns the limits it held a slot of. */
export async function releaseTagSlots(db: Kysely<DB>, engine: Engine, tags: readonly string[], runId: string): Promise<TagLimit[]> {
  const limits = await readTagLimits(db, tags, engine);
  const held = limits.filter((limit) => limit.active_slots.includes(runId));
  for (const limit of held) await writeSlots(db, limit, limit.active_slots.filter((id) => id !== runId));
  return held;
}
