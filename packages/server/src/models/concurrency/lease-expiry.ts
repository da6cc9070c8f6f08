import type { Kysely, Transaction } from "kysely";
import type { DB } from "../../database/index.js";
import { toTimestamp } from "../../timestamps.js";
import { giveBackSlots, type LimitRow } from "./limit-slots.js";

/**
 * Leases expire lazily: nothing runs on a timer. Whoever locks a limit (an increment, a
 * decrement, a renewal) first gives back the slots that expired leases still hold on it, and a
 * read subtracts them (`expiredLeaseSlots`) without writing.
 */

/** The slots that expired leases hold, per limit id. */
export async function expiredLeaseSlots(db: Kysely<DB> | Transaction<DB>, limitIds: string[], now: number): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  if (limitIds.length === 0) return held;
  const rows = await db
    .selectFrom("concurrency_lease_slot as s")
    .innerJoin("concurrency_lease as l", "l.id", "s.lease_id")
    .select(["s.limit_id", "l.slots"])
    .where("s.limit_id", "in", limitIds)
    .where("l.expiration", "<=", toTimestamp(now))
    .execute();
  for (const row of rows) held.set(row.limit_id, (held.get(row.limit_id) ?? 0) + Number(row.slots));
  return held;
}

/**
 * Gives back, on the locked `rows`, the slots of every lease expired by `now`, and forgets those
 * leases' hold on them. The caller holds the rows' locks, so each lease's slots on a limit are
 * given back once, however many requests race.
 */
export async function releaseExpiredLeases(trx: Transaction<DB>, rows: LimitRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const expired = await trx
    .selectFrom("concurrency_lease_slot as s")
    .innerJoin("concurrency_lease as l", "l.id", "s.lease_id")
    .select(["s.lease_id", "s.limit_id", "l.slots"])
    .where("s.limit_id", "in", rows.map((row) => row.id))
    .where("l.expiration", "<=", toTimestamp(now))
    .execute();
  if (expired.length === 0) return;
  for (const slot of expired) {
    const row = rows.find((r) => r.id === slot.limit_id)!;
    await trx.deleteFrom("concurrency_lease_slot").where("lease_id", "=", slot.lease_id).where("limit_id", "=", slot.limit_id).execute();
    await giveBackSlots(trx, [row], Number(slot.slots), null, now);
  }
  await deleteEmptyLeases(trx, [...new Set(expired.map((slot) => slot.lease_id))]);
}

/** Leases that hold no slot any more are deleted (a lease expired on several limits empties as each is locked). */
export async function deleteEmptyLeases(trx: Transaction<DB>, leaseIds: string[]): Promise<void> {
  if (leaseIds.length === 0) return;
  await trx
    .deleteFrom("concurrency_lease")
    .where("id", "in", leaseIds)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("concurrency_lease_slot").select("lease_id").whereRef("concurrency_lease_slot.lease_id", "=", "concurrency_lease.id"))))
    .execute();
}
