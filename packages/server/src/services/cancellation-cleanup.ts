import { ObjectNotFoundError } from "../errors.js";
import { setRunState } from "../orchestration/set-run-state.js";
import { toTimestamp } from "../timestamps.js";
import type { BackgroundService, ServiceContext } from "./background-service.js";

export interface CancellationCleanupOptions {
  intervalSeconds: number;
  /** How long a run may stay CANCELLING before the server gives up waiting for its worker. */
  timeoutSeconds: number;
  batchSize?: number;
}

/**
 * A run stays CANCELLING until the worker that launched it confirms it stopped it. If that
 * worker is gone, nobody ever will: after the timeout the server marks the run CANCELLED and
 * says why (its infrastructure may still be running; the message names it so a person can check).
 */
export function cancellationCleanupService(options: CancellationCleanupOptions): BackgroundService {
  const batchSize = options.batchSize ?? 200;
  return {
    name: "cancellation-cleanup",
    intervalSeconds: options.intervalSeconds,
    async run({ database, now }: ServiceContext) {
      const rows = await database.db
        .selectFrom("flow_run")
        .select(["id", "infrastructure_pid"])
        .where("state_type", "=", "CANCELLING")
        .where("state_timestamp", "<=", toTimestamp(now - options.timeoutSeconds * 1000))
        .limit(batchSize)
        .execute();
      let cancelled = 0;
      for (const row of rows) {
        const infrastructure = row.infrastructure_pid ? ` Its infrastructure (${row.infrastructure_pid}) may still be running.` : "";
        const message = `No worker confirmed the cancellation within ${options.timeoutSeconds} s; the server marked the run cancelled.${infrastructure}`;
        try {
          const result = await setRunState(database, { kind: "flow_run", runId: row.id, state: { type: "CANCELLED", message } });
          if (result.status === "ACCEPT") cancelled++;
        } catch (error) {
          if (!(error instanceof ObjectNotFoundError)) throw error;
        }
      }
      return cancelled;
    },
  };
}
