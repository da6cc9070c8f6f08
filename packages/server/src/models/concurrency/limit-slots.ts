import type { Transaction } from "kysely";
import type { ConcurrencyLimitV2Table, DB } from "../../database/index.js";
import { nowTimestamp } from "../../timestamps.js";

export type LimitRow = ConcurrencyLimitV2Table;

/** The counters as numbers (PostgreSQL's driver returns some numeric types as strings). */
export function limitNumbers(row: LimitRow): LimitRow {
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

/** Slots decay by `slot_decay_per_second` since the row was last written (whole slots, as in Prefect). */
export function decayed(row: LimitRow, now: number): { active: number; denied: number } {
  const seconds = Math.max(0, (now - Date.parse(row.updated)) / 1000);
  const active = Math.max(0, row.active_slots - Math.floor(row.slot_decay_per_second * seconds));
  const deniedRate = row.slot_decay_per_second > 0 ? row.slot_decay_per_second : 1 / row.avg_slot_occupancy_seconds;
  const denied = Math.max(0, row.denied_slots - Math.floor(deniedRate * seconds));
  return { active, denied };
}

// Prefect's averages of how long a slot is held are taken over limit × 2 samples, and never fall
// below 0.1 s (the wait it suggests would otherwise round to nothing).
const OCCUPANCY_SAMPLES_MULTIPLIER = 2;
const MINIMUM_OCCUPANCY_SECONDS_PER_SLOT = 0.1;

/**
 * Gives back `slots` of each locked row (never below 0), folding `occupancySeconds` into the
 * average hold time; the rows are updated in place to what was written.
 */
export async function giveBackSlots(trx: Transaction<DB>, rows: LimitRow[], slots: number, occupancySeconds: number | null | undefined, now: number): Promise<void> {
  const updated = nowTimestamp();
  for (const row of rows) {
    const { active, denied } = decayed(row, now);
    const set: Partial<LimitRow> = { active_slots: Math.max(0, active - slots), denied_slots: denied, updated };
    if (occupancySeconds) {
      const perSlot = Math.max(occupancySeconds / slots, MINIMUM_OCCUPANCY_SECONDS_PER_SLOT);
      const samples = Math.max(1, row.limit * OCCUPANCY_SAMPLES_MULTIPLIER);
      set.avg_slot_occupancy_seconds = row.avg_slot_occupancy_seconds + perSlot / samples - row.avg_slot_occupancy_seconds / samples;
    }
    await trx.updateTable("concurrency_limit_v2").set(set).where("id", "=", row.id).execute();
    Object.assign(row, set);
  }
}
