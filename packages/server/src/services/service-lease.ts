import type { Kysely } from "kysely";
import type { DB } from "../database/index.js";
import { toTimestamp } from "../timestamps.js";

/**
 * Takes or renews the lease of a service for `holder` until `now + ttlMs`: true when this holder
 * has it. A lease is taken over only once it has expired, so of several server replicas on one
 * database exactly one runs each service at a time; if that replica dies, another takes over
 * after the TTL. Both statements are single-row compare-and-set writes, safe on either engine.
 * Assumes the replicas' clocks differ by much less than the TTL.
 */
export async function acquireLease(db: Kysely<DB>, name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
  const expires = toTimestamp(now + ttlMs);
  const renewed = await db
    .updateTable("service_lease")
    .set({ holder, expires })
    .where("name", "=", name)
    .where((eb) => eb.or([eb("holder", "=", holder), eb("expires", "<", toTimestamp(now))]))
    .executeTakeFirst();
  if (Number(renewed.numUpdatedRows) === 1) return true;
  const inserted = await db
    .insertInto("service_lease")
    .values({ name, holder, expires })
    .onConflict((oc) => oc.column("name").doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Gives a lease up (on shutdown), so another replica need not wait for it to expire. */
export async function releaseLease(db: Kysely<DB>, name: string, holder: string): Promise<void> {
  await db.deleteFrom("service_lease").where("name", "=", name).where("holder", "=", holder).execute();
}
