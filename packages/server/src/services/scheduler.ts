import { createScheduledRuns, deploymentsNeedingRuns, PREFECT_SCHEDULING_WINDOW, type SchedulingWindow } from "../models/deployments/auto-scheduled-runs.js";
import type { BackgroundService, ServiceContext } from "./background-service.js";

export interface SchedulerOptions {
  intervalSeconds: number;
  window?: Partial<SchedulingWindow>;
  /** Deployments topped up per batch; a pass continues batch by batch until none needs runs. */
  batchSize?: number;
}

/**
 * Prefect's scheduler: keeps every active schedule of every unpaused deployment at least 3 runs
 * and 1 hour ahead (at most 100 runs, 100 days). Runs are inserted idempotently per deployment and
 * scheduled time, so the lease only saves work: two replicas scheduling at once still create
 * each run once.
 */
export function schedulerService(options: SchedulerOptions): BackgroundService {
  const window = { ...PREFECT_SCHEDULING_WINDOW, ...options.window };
  const batchSize = options.batchSize ?? 200;
  return {
    name: "scheduler",
    intervalSeconds: options.intervalSeconds,
    async run({ database, now }: ServiceContext) {
      let created = 0;
      const seen = new Set<string>();
      for (;;) {
        const ids = (await deploymentsNeedingRuns(database, now, window, batchSize + seen.size)).filter((id) => !seen.has(id));
        if (ids.length === 0) return created;
        ids.forEach((id) => seen.add(id));
        created += await createScheduledRuns(database, ids, now, window);
      }
    },
  };
}
