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
} from "../../schemas/index.js";
import type { ConcurrencyLimitV2Table, Database, DB } from "../database/index.js";
import { ConflictError, InvalidRequestError, LockedError } from "../errors.js";
import { newId } from "../ids.js";
import { nowTimestamp } from "../timestamps.js";
import { isUniqueViolation } from "./constraint-errors.js";
import { resolveLimit } from "./filters/resolve-limit.js";
import { fromBool, toBool } from "./json-columns.js";

// Prefect's averages of how long a slot is held are taken over limit × 2 samples, and never fall
// below 0.1 s (the wait it suggests would otherwise round to nothing).
const OCCUPANCY_SAMPLES_MULTIPLIER = 2;
const MINIMUM_OCCUPANCY_SECONDS_PER_SLOT = 0.1;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = ConcurrencyLimitV2Table;

function numbers(row: Row): Row {
  return {
    ...row,
    active: Number(row.active),
    limit: Number(row.limit),
    active_slots: Number(row.active_slots),
    denied_slots: Number(row.denied_slots),
    slot_decay_per_second: Number(row.slot_decay_per_second),
    avg_slot_occupancy_seconds: Number(row.avg_slot_occupancy_seconds),
  };
}

export function concurrencyLimitV2FromRow(raw: Row): ConcurrencyLimitV2 {
  const row = numbers(raw);
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

export async function readConcurrencyLimitV2(database: Database, idOrName: string): Promise<GlobalConcurrencyLimit | undefined> {
  const [column, value] = byIdOrName(idOrName);
  const row = await database.db.selectFrom("concurrency_limit_v2").selectAll().where(column, "=", value).executeTakeFirst();
  return row && globalLimitFromRow(row);
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
  return rows.map(globalLimitFromRow);
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

/** Slots decay by `slot_decay_per_second` since the row was last written (whole slots, as in Prefect). */
function decayed(row: Row, now: number): { active: number; denied: number } {
  const seconds = Math.max(0, (now - Date.parse(row.updated)) / 1000);
  const active = Math.max(0, row.active_slots - Math.floor(row.slot_decay_per_second * seconds));
  const deniedRate = row.slot_decay_per_second > 0 ? row.slot_decay_per_second : 1 / row.avg_slot_occupancy_seconds;
  const denied = Math.max(0, row.denied_slots - Math.floor(deniedRate * seconds));
  return { active, denied };
}

/**
 * The named limits, held until the transaction ends (PostgreSQL: row locks in name order; SQLite:
 * the transaction becomes the writer first). A missing name is created inactive when asked
 * (Prefect 2's behaviour, deprecated since), otherwise left out.
 */
async function lockLimits(trx: Transaction<DB>, database: Database, names: string[], createIfMissing: boolean): Promise<Row[]> {
  const unique = [...new Set(names)];
  if (database.engine === "sqlite") {
    await trx.updateTable("concurrency_limit_v2").set((eb) => ({ id: eb.ref("id") })).where("name", "in", unique).execute();
  }
  const select = () => {
    const query = trx.selectFrom("concurrency_limit_v2").selectAll().where("name", "in", unique).orderBy("name");
    return database.engine === "sqlite" ? query : query.forUpdate();
  };
  let rows = (await select().execute()).map(numbers);
  const missing = unique.filter((name) => !rows.some((row) => row.name === name));
  if (createIfMissing && missing.length > 0) {
    const now = nowTimestamp();
    await trx
      .insertInto("concurrency_limit_v2")
      .values(missing.map((name) => ({ id: newId(), created: now, updated: now, name, active: 0, limit: 1, active_slots: 0, denied_slots: 0, slot_decay_per_second: 0, avg_slot_occupancy_seconds: 2 })))
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    rows = (await select().execute()).map(numbers);
  }
  return rows;
}

const minimal = (row: Row): MinimalConcurrencyLimit => ({ id: row.id, name: row.name, limit: row.limit });

/** The seconds until the limit that blocks most is likely to have room (Prefect's Retry-After). */
function retryAfterSeconds(active: Row[], slots: number): number {
  const blocking = (row: Row) => (row.slot_decay_per_second > 0 ? slots + row.denied_slots : (slots + row.denied_slots) / row.limit);
  const worst = active.reduce((a, b) => (blocking(b) > blocking(a) ? b : a));
  const perSlot = worst.slot_decay_per_second === 0 ? worst.avg_slot_occupancy_seconds : 1 / worst.slot_decay_per_second;
  return perSlot * blocking(worst);
}

/**
 * Takes `slots` of every active named limit, all or none. When one has no room, nothing is taken,
 * the refused slots are counted as denied, and the answer is 423 with a Retry-After estimate.
 */
export async function incrementConcurrencyLimitsV2(database: Database, body: V2IncrementBody): Promise<MinimalConcurrencyLimit[]> {
  const outcome = await (database.db as Kysely<DB>).transaction().execute(async (trx) => {
    const rows = await lockLimits(trx, database, body.names, body.create_if_missing === true);
    const active = rows.filter((row) => row.active === 1);
    if (active.some((row) => row.limit < body.slots)) throw new InvalidRequestError("Slots requested is greater than the limit");
    const nonDecaying = active.filter((row) => row.slot_decay_per_second === 0).map((row) => row.name);
    if (body.mode === "rate_limit" && nonDecaying.length > 0) {
      throw new InvalidRequestError(
        `Only concurrency limits with slot decay can be used for rate limiting. The following limits do not have a decay configured: '${nonDecaying.join(",")}'`,
      );
    }
    const now = Date.now();
    const updated = nowTimestamp();
    const fits = active.every((row) => decayed(row, now).active + body.slots <= row.limit);
    for (const row of active) {
      const { active: slotsNow, denied } = decayed(row, now);
      const set = fits ? { active_slots: slotsNow + body.slots, denied_slots: denied } : { active_slots: slotsNow, denied_slots: denied + body.slots };
      await trx.updateTable("concurrency_limit_v2").set({ ...set, updated }).where("id", "=", row.id).execute();
      Object.assign(row, set);
    }
    return { rows, active, fits };
  });
  if (!outcome.fits) throw new LockedError("Concurrency limit reached.", retryAfterSeconds(outcome.active, body.slots));
  return outcome.rows.map(minimal);
}

/** Gives back `slots` of every active named limit (never below 0), and folds `occupancy_seconds` into the average hold time. */
export async function decrementConcurrencyLimitsV2(database: Database, body: V2DecrementBody): Promise<MinimalConcurrencyLimit[]> {
  return (database.db as Kysely<DB>).transaction().execute(async (trx) => {
    const rows = await lockLimits(trx, database, body.names, body.create_if_missing === true);
    const now = Date.now();
    const updated = nowTimestamp();
    for (const row of rows.filter((r) => r.active === 1)) {
      const { active, denied } = decayed(row, now);
      const set: Partial<Row> = { active_slots: Math.max(0, active - body.slots), denied_slots: denied, updated };
      if (body.occupancy_seconds) {
        const perSlot = Math.max(body.occupancy_seconds / body.slots, MINIMUM_OCCUPANCY_SECONDS_PER_SLOT);
        const samples = Math.max(1, row.limit * OCCUPANCY_SAMPLES_MULTIPLIER);
        set.avg_slot_occupancy_seconds = row.avg_slot_occupancy_seconds + perSlot / samples - row.avg_slot_occupancy_seconds / samples;
      }
      await trx.updateTable("concurrency_limit_v2").set(set).where("id", "=", row.id).execute();
    }
    return rows.map(minimal);
  });
}
