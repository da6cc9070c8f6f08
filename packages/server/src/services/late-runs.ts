import { ObjectNotFoundError } from "../errors.js";
import { setRunState } from "../orchestration/set-run-state.js";
import { toTimestamp } from "../timestamps.js";
import type { BackgroundService, ServiceContext } from "./background-service.js";

export interface LateRunsOptions {
  intervalSeconds: number;
  /** A SCHEDULED run this long past its scheduled time is Late (Prefect: 15 s). */
  afterSeconds: number;
  batchSize?: number;
}

/**
 * Prefect's MarkLateRuns: a run still "Scheduled" well after its scheduled time is renamed
 * "Late" (it stays SCHEDULED, keeps its scheduled time, and workers still pick it up). Each run
 * moves in its own small transition, so a big backlog never holds the write lock for long; a run
 * claimed in the meantime loses nothing (its compare-and-set fails and the rules then refuse Late).
 */
export function lateRunsService(options: LateRunsOptions): BackgroundService {
  const batchSize = options.batchSize ?? 200;
  return {
    name: "late-runs",
    intervalSeconds: options.intervalSeconds,
    async run({ database, now }: ServiceContext) {
      const rows = await database.db
        .selectFrom("flow_run")
        .select(["id", "next_scheduled_start_time"])
        .where("state_type", "=", "SCHEDULED")
        .where("state_name", "=", "Scheduled")
        .where("next_scheduled_start_time", "<=", toTimestamp(now - options.afterSeconds * 1000))
        .orderBy("next_scheduled_start_time")
        .limit(batchSize)
        .execute();
      let marked = 0;
      for (const row of rows) {
        try {
          const result = await setRunState(database, {
            kind: "flow_run",
            runId: row.id,
            state: { type: "SCHEDULED", name: "Late", state_details: { scheduled_time: row.next_scheduled_start_time } },
          });
          if (result.status === "ACCEPT") marked++;
        } catch (error) {
          if (!(error instanceof ObjectNotFoundError)) throw error; // deleted meanwhile
        }
      }
      return marked;
    },
  };
}
