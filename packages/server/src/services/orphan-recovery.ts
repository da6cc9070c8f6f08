import { ObjectNotFoundError } from "../errors.js";
import { workerStatus } from "../models/workers/status.js";
import { setRunState } from "../orchestration/set-run-state.js";
import { toTimestamp } from "../timestamps.js";
import type { BackgroundService, ServiceContext } from "./background-service.js";

export interface OrphanRecoveryOptions {
  intervalSeconds: number;
  /** How long a run may stay PENDING (claimed, not yet running) before it counts as orphaned. */
  timeoutSeconds: number;
  batchSize?: number;
}

/**
 * A run a worker claimed (PENDING) but never started is stuck if that worker died. Prefect's
 * set_state carries no worker identity, so the claimant is not known for Prefect's workers; what
 * is known is the run's work pool, and only that pool's workers can have claimed it. So a run
 * PENDING longer than the timeout whose pool has no ONLINE worker left (none heartbeating within
 * 3 × its interval) goes back to SCHEDULED, for the next worker to claim.
 *
 * Remaining risks (see the report): a dead claimant in a pool that still has other online workers
 * is not detected (the run stays PENDING until a person reschedules it); and a worker that was
 * only cut off (not dead) may still launch the run after it was rescheduled and claimed again.
 * For ECS the worker passes the flow run id as RunTask's `clientToken`, so a second launch within
 * ECS's idempotency window returns the first task instead of starting another; outside it, or
 * with other infrastructure, the run could start twice.
 */
export function orphanRecoveryService(options: OrphanRecoveryOptions): BackgroundService {
  const batchSize = options.batchSize ?? 200;
  return {
    name: "orphan-recovery",
    intervalSeconds: options.intervalSeconds,
    async run({ database, now }: ServiceContext) {
      const rows = await database.db
        .selectFrom("flow_run")
        .select(["id", "work_pool_id"])
        .where("state_type", "=", "PENDING")
        .where("state_timestamp", "<=", toTimestamp(now - options.timeoutSeconds * 1000))
        .where("work_pool_id", "is not", null)
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return 0;
      const poolIds = [...new Set(rows.map((r) => r.work_pool_id!))];
      const workers = await database.db.selectFrom("worker").select(["work_pool_id", "last_heartbeat_time", "heartbeat_interval_seconds"]).where("work_pool_id", "in", poolIds).execute();
      const poolsWithOnlineWorker = new Set(workers.filter((w) => workerStatus(w.last_heartbeat_time, w.heartbeat_interval_seconds, now) === "ONLINE").map((w) => w.work_pool_id));
      let recovered = 0;
      for (const row of rows) {
        if (poolsWithOnlineWorker.has(row.work_pool_id!)) continue;
        const message = `Claimed more than ${options.timeoutSeconds} s ago and never started, and no worker of its pool is online; rescheduled by the server.`;
        try {
          const result = await setRunState(database, {
            kind: "flow_run",
            runId: row.id,
            state: { type: "SCHEDULED", name: "Scheduled", message, state_details: { scheduled_time: toTimestamp(now) } },
          });
          if (result.status === "ACCEPT") recovered++;
        } catch (error) {
          if (!(error instanceof ObjectNotFoundError)) throw error;
        }
      }
      return recovered;
    },
  };
}
