import type { Kysely } from "kysely";
import type { ConcurrencyLimitWithLease, V2IncrementWithLeaseBody } from "@ecsflow/schemas";
import type { Database, DB } from "../../database/index.js";
import { ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { toTimestamp } from "../../timestamps.js";
import { deleteEmptyLeases } from "./lease-expiry.js";
import { lockLimits } from "./limit-locks.js";
import { giveBackSlots } from "./limit-slots.js";
import { limitReached, minimalLimit, takeSlots } from "./global-limits.js";
import { toJson } from "../shared/json-columns.js";

/** Prefect's default lease: five minutes, renewed by the holder while it works. */
const DEFAULT_LEASE_SECONDS = 300;

const leaseNotFound = () => new ObjectNotFoundError("Lease not found");

/**
 * `increment-with-lease`: takes slots as `increment` does, and records a lease on the limits
 * whose slots were taken, in the same transaction. Unless renewed, the slots go back when the
 * lease expires (concurrency-lease-expiry.ts), so a holder that dies does not keep them.
 */
export async function incrementWithLease(database: Database, body: V2IncrementWithLeaseBody): Promise<ConcurrencyLimitWithLease> {
  const outcome = await (database.db as Kysely<DB>).transaction().execute(async (trx) => {
    const taken = await takeSlots(trx, database, body);
    if (!taken.fits) return { ...taken, leaseId: null };
    const now = Date.now();
    const leaseId = newId();
    await trx
      .insertInto("concurrency_lease")
      .values({
        id: leaseId,
        created: toTimestamp(now),
        expiration: toTimestamp(now + (body.lease_duration ?? DEFAULT_LEASE_SECONDS) * 1000),
        slots: body.slots,
        holder: body.holder ? toJson(body.holder) : null,
      })
      .execute();
    if (taken.active.length > 0) {
      await trx
        .insertInto("concurrency_lease_slot")
        .values(taken.active.map((row) => ({ lease_id: leaseId, limit_id: row.id })))
        .execute();
    }
    return { ...taken, leaseId };
  });
  if (outcome.leaseId === null) throw limitReached(outcome.active, body.slots);
  return { lease_id: outcome.leaseId, limits: outcome.rows.map(minimalLimit) };
}

/**
 * SQLite: the transaction takes the write lock before it reads, as lockLimits does (a read
 * first could see a snapshot another process then writes past, and the write would fail busy).
 */
async function writeFirst(trx: Kysely<DB>, database: Database, leaseId: string): Promise<void> {
  if (database.engine === "sqlite") await trx.updateTable("concurrency_lease").set((eb) => ({ id: eb.ref("id") })).where("id", "=", leaseId).execute();
}

/** The limits a lease holds slots of, as last read (the caller locks them, then reads again). */
async function leaseLimitIds(db: Kysely<DB>, leaseId: string): Promise<string[]> {
  const rows = await db.selectFrom("concurrency_lease_slot").select("limit_id").where("lease_id", "=", leaseId).execute();
  return rows.map((row) => row.limit_id);
}

/**
 * `decrement-with-lease`: gives back the lease's slots and ends it. An unknown lease, or one
 * whose slots already went back, is answered alike (Prefect: 204 either way), so a retried
 * release never gives back twice.
 */
export async function decrementWithLease(database: Database, leaseId: string): Promise<void> {
  await (database.db as Kysely<DB>).transaction().execute(async (trx) => {
    await writeFirst(trx, database, leaseId);
    const rows = await lockLimits(trx, database, { ids: await leaseLimitIds(trx, leaseId) });
    const lease = await trx.selectFrom("concurrency_lease").select(["created", "slots"]).where("id", "=", leaseId).executeTakeFirst();
    if (!lease) return;
    // Read again under the locks: what another release gave back meanwhile is not ours to give.
    const held = new Set(await leaseLimitIds(trx, leaseId));
    const now = Date.now();
    const occupancySeconds = Math.max(0, (now - Date.parse(lease.created)) / 1000);
    await giveBackSlots(
      trx,
      rows.filter((row) => held.has(row.id)),
      Number(lease.slots),
      occupancySeconds,
      now,
    );
    await trx.deleteFrom("concurrency_lease").where("id", "=", leaseId).execute();
  });
}

/**
 * `leases/{id}/renew`: the lease now ends `lease_duration` seconds from now. A lease that has
 * already expired is not renewed (404, as for an unknown one): its slots may be someone else's by now.
 */
export async function renewLease(database: Database, leaseId: string, leaseDuration: number | undefined): Promise<void> {
  const renewed = await (database.db as Kysely<DB>).transaction().execute(async (trx) => {
    await writeFirst(trx, database, leaseId);
    // Under the limits' locks, so an expiry being given back and this renewal happen in one order.
    await lockLimits(trx, database, { ids: await leaseLimitIds(trx, leaseId) });
    const now = Date.now();
    const result = await trx
      .updateTable("concurrency_lease")
      .set({ expiration: toTimestamp(now + (leaseDuration ?? DEFAULT_LEASE_SECONDS) * 1000) })
      .where("id", "=", leaseId)
      .where("expiration", ">", toTimestamp(now))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    await deleteEmptyLeases(trx, [leaseId]);
    return false;
  });
  if (!renewed) throw leaseNotFound();
}
