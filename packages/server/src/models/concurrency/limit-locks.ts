import type { Transaction } from "kysely";
import type { Database, DB } from "../../database/index.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { releaseExpiredLeases } from "./lease-expiry.js";
import { limitNumbers, type LimitRow } from "./limit-slots.js";

export type LimitSelector = { names: string[] } | { ids: string[] };

/**
 * The selected limits, held until the transaction ends (PostgreSQL: row locks in name order, the
 * same order for every caller, so two lockers never wait on each other in a cycle; SQLite: the
 * transaction becomes the writer first). A missing name is created inactive when asked (Prefect
 * 2's behaviour, deprecated since), otherwise left out. Slots of expired leases on these limits
 * are given back before the caller sees them: the lock makes that happen once.
 */
export async function lockLimits(trx: Transaction<DB>, database: Database, selector: LimitSelector, createIfMissing = false): Promise<LimitRow[]> {
  const [column, values] = "names" in selector ? (["name", [...new Set(selector.names)]] as const) : (["id", [...new Set(selector.ids)]] as const);
  if (values.length === 0) return [];
  if (database.engine === "sqlite") {
    await trx.updateTable("concurrency_limit_v2").set((eb) => ({ id: eb.ref("id") })).where(column, "in", values).execute();
  }
  const select = () => {
    const query = trx.selectFrom("concurrency_limit_v2").selectAll().where(column, "in", values).orderBy("name");
    return database.engine === "sqlite" ? query : query.forUpdate();
  };
  let rows = (await select().execute()).map(limitNumbers);
  if (column === "name" && createIfMissing) {
    const missing = values.filter((name) => !rows.some((row) => row.name === name));
    if (missing.length > 0) {
      const now = nowTimestamp();
      await trx
        .insertInto("concurrency_limit_v2")
        .values(missing.map((name) => ({ id: newId(), created: now, updated: now, name, active: 0, limit: 1, active_slots: 0, denied_slots: 0, slot_decay_per_second: 0, avg_slot_occupancy_seconds: 2 })))
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      rows = (await select().execute()).map(limitNumbers);
    }
  }
  await releaseExpiredLeases(trx, rows, Date.now());
  return rows;
}
