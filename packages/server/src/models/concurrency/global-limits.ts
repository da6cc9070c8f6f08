import type { Kysely, Transaction } from "kysely";
import type {
  ConcurrencyLimitFilterBody,
  ConcurrencyLimitV2,
  ConcurrencyLimitV2Create,
  ConcurrencyLimitV2Update,
  GlobalConcurrencyLimit,
  MinimalConcurrencyLimit,
  V2DecrementBody,
  V2IncrementBody,
} from "@ecsflow/schemas";
import type { Database, DB } from "../../database/index.js";
import { ConflictError, InvalidRequestError, LockedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { expiredLeaseSlots } from "./lease-expiry.js";
import { lockLimits } from "./limit-locks.js";
import { decayed, giveBackSlots, limitNumbers, type LimitRow } from "./limit-slots.js";
import { isUniqueViolation } from "../shared/constraint-errors.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { fromBool, toBool } from "../shared/json-columns.js";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = LimitRow;

export function concurrencyLimitV2FromRow(raw: Row): ConcurrencyLimitV2 {
  const row = limitNumbers(raw);
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    active: toBool(row.active),
    name: row.name,
    limit: row.limit,
    active_slots: row.active_slots,
    denied_slots: row.denied_slots,
    slot_decay_per_second: row.slot_decay_per_second,
    avg_slot_occupancy_seconds: row.avg_slot_occupancy_seconds,
  };
}

function globalLimitFromRow(raw: Row): GlobalConcurrencyLimit {
  const { denied_slots: _denied, avg_slot_occupancy_seconds: _avg, ...rest } = concurrencyLimitV2FromRow(raw);
  return rest;
}

/** A path's `id_or_name`: a UUID names the id, anything else the name (Prefect tries the UUID first). */
function byIdOrName(idOrName: string): ["id" | "name", string] {
  return UUID_PATTERN.test(idOrName) ? ["id", idOrName.toLowerCase()] : ["name", idOrName];
}

const nameTaken = (name: string) => new ConflictError(`A concurrency limit named ${JSON.stringify(name)} already exists.`);

export async function createConcurrencyLimitV2(database: Database, input: ConcurrencyLimitV2Create): Promise<ConcurrencyLimitV2> {
  const now = nowTimestamp();
  const row: Row = {
    id: newId(),
    created: now,
    updated: now,
    name: input.name,
    active: fromBool(input.active ?? true),
    limit: input.limit,
    active_slots: input.active_slots ?? 0,
    denied_slots: input.denied_slots ?? 0,
    slot_decay_per_second: input.slot_decay_per_second ?? 0,
    avg_slot_occupancy_seconds: 2,
  };
  try {
    await database.db.insertInto("concurrency_limit_v2").values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
  return concurrencyLimitV2FromRow(row);
}

/** A limit as read: slots still counted for expired leases are left out (see concurrency-lease-expiry.ts). */
async function readable(database: Database, rows: Row[]): Promise<GlobalConcurrencyLimit[]> {
  const expired = await expiredLeaseSlots(database.db, rows.map((row) => row.id), Date.now());
  return rows.map((raw) => {
    const limit = globalLimitFromRow(raw);
    return { ...limit, active_slots: Math.max(0, limit.active_slots - (expired.get(limit.id) ?? 0)) };
  });
}

export async function readConcurrencyLimitV2(database: Database, idOrName: string): Promise<GlobalConcurrencyLimit | undefined> {
  const [column, value] = byIdOrName(idOrName);
  const row = await database.db.selectFrom("concurrency_limit_v2").selectAll().where(column, "=", value).executeTakeFirst();
  return row && (await readable(database, [row]))[0];
}

/** Limits in name order, as Prefect lists them. */
export async function readConcurrencyLimitsV2(database: Database, body: ConcurrencyLimitFilterBody): Promise<GlobalConcurrencyLimit[]> {
  const rows = await database.db
    .selectFrom("concurrency_limit_v2")
    .selectAll()
    .orderBy("name")
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0)
    .execute();
  return readable(database, rows);
}

/** Sets the fields sent (a null leaves its field as it is). @returns whether the limit exists. */
export async function updateConcurrencyLimitV2(database: Database, idOrName: string, input: ConcurrencyLimitV2Update): Promise<boolean> {
  const [column, value] = byIdOrName(idOrName);
  const set: Partial<Row> = { updated: nowTimestamp() };
  if (input.active !== undefined && input.active !== null) set.active = fromBool(input.active);
  for (const key of ["name", "limit", "active_slots", "denied_slots", "slot_decay_per_second"] as const) {
    const v = input[key];
    if (v !== undefined && v !== null) (set as Record<string, unknown>)[key] = v;
  }
  try {
    const result = await database.db.updateTable("concurrency_limit_v2").set(set).where(column, "=", value).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(String(input.name));
    throw error;
  }
}

export async function deleteConcurrencyLimitV2(database: Database, idOrName: string): Promise<boolean> {
  const [column, value] = byIdOrName(idOrName);
  const result = await database.db.deleteFrom("concurrency_limit_v2").where(column, "=", value).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export const minimalLimit = (row: Row): MinimalConcurrencyLimit => ({ id: row.id, name: row.name, limit: row.limit });

/** The seconds until the limit that blocks most is likely to have room (Prefect's Retry-After). */
function retryAfterSeconds(active: Row[], slots: number): number {
  const blocking = (row: Row) => (row.slot_decay_per_second > 0 ? slots + row.denied_slots : (slots + row.denied_slots) / row.limit);
  const worst = active.reduce((a, b) => (blocking(b) > blocking(a) ? b : a));
  const perSlot = worst.slot_decay_per_second === 0 ? worst.avg_slot_occupancy_seconds : 1 / worst.slot_decay_per_second;
  return perSlot * blocking(worst);
}

export interface SlotRequest {
  names: string[];
  slots: number;
  mode?: "concurrency" | "rate_limit";
  create_if_missing?: boolean | null;
}

/**
 * Takes `slots` of every active named limit, all or none, inside the caller's transaction. When
 * one has no room, nothing is taken, the refused slots are counted as denied, and `fits` is false.
 * @returns the named limits (inactive ones too, as Prefect answers) and the active ones, whose slots were taken.
 */
export async function takeSlots(trx: Transaction<DB>, database: Database, request: SlotRequest): Promise<{ rows: Row[]; active: Row[]; fits: boolean }> {
  const rows = await lockLimits(trx, database, { names: request.names }, request.create_if_missing === true);
  const active = rows.filter((row) => row.active === 1);
  if (active.some((row) => row.limit < request.slots)) throw new InvalidRequestError("Slots requested is greater than the limit");
  const nonDecaying = active.filter((row) => row.slot_decay_per_second === 0).map((row) => row.name);
  if (request.mode === "rate_limit" && nonDecaying.length > 0) {
    throw new InvalidRequestError(
      `Only concurrency limits with slot decay can be used for rate limiting. The following limits do not have a decay configured: '${nonDecaying.join(",")}'`,
    );
  }
  const now = Date.now();
  const updated = nowTimestamp();
  const fits = active.every((row) => decayed(row, now).active + request.slots <= row.limit);
  for (const row of active) {
    const { active: slotsNow, denied } = decayed(row, now);
    const set = fits ? { active_slots: slotsNow + request.slots, denied_slots: denied } : { active_slots: slotsNow, denied_slots: denied + request.slots };
    await trx.updateTable("concurrency_limit_v2").set({ ...set, updated }).where("id", "=", row.id).execute();
    Object.assign(row, set);
  }
  return { rows, active, fits };
}

/** Prefect's 423 for a refused increment, with its estimate of when to try again. */
export function limitReached(active: Row[], slots: number): LockedError {
  return new LockedError("Concurrency limit reached.", retryAfterSeconds(active, slots));
}

/** `POST /v2/concurrency_limits/increment`: takes slots for as long as the client holds them. */
export async function incrementConcurrencyLimitsV2(database: Database, body: V2IncrementBody): Promise<MinimalConcurrencyLimit[]> {
  const outcome = await (database.db as Kysely<DB>).transaction().execute((trx) => takeSlots(trx, database, body));
  if (!outcome.fits) throw limitReached(outcome.active, body.slots);
  return outcome.rows.map(minimalLimit);
}

/** Gives back `slots` of every active named limit (never below 0), and folds `occupancy_seconds` into the average hold time. */
export async function decrementConcurrencyLimitsV2(database: Database, body: V2DecrementBody): Promise<MinimalConcurrencyLimit[]> {
  return (database.db as Kysely<DB>).transaction().execute(async (trx) => {
    const rows = await lockLimits(trx, database, { names: body.names }, body.create_if_missing === true);
    await giveBackSlots(
      trx,
      rows.filter((r) => r.active === 1),
      body.slots,
      body.occupancy_seconds,
      Date.now(),
    );
    return rows.map(minimalLimit);
  });
}
