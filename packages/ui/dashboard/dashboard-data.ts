import { countFlowRuns, readFlowRuns } from "../api/flow-runs";
import { resolveNames } from "../api/names-cache";
import { readWorkers, readWorkPools } from "../api/work-pools";
import { loadRunHistory } from "./run-history";

const DAY = 86_400_000;
/** A scheduled run this long past its start time is late (Prefect's Late). */
const LATE_AFTER_MS = 60_000;

/** useApi's keys for the dashboard's two loads, which the route prefetch primes under the same keys. */
export const DASHBOARD_RUNS_KEY = "dashboard-runs";
export const DASHBOARD_POOLS_KEY = "dashboard-pools";

/** The last day's runs by state, its failures, the late runs and the names they need. */
export async function loadDashboardRuns(signal?: AbortSignal) {
  const now = Date.now();
  const since = new Date(now - DAY).toISOString();
  const lateQuery = { flow_runs: { state: { type: { any_: ["SCHEDULED"] } }, expected_start_time: { before_: new Date(now - LATE_AFTER_MS).toISOString() } } };
  const [history, failures, late, lateCount] = await Promise.all([
    loadRunHistory(DAY, 24, now, signal),
    readFlowRuns({ flow_runs: { state: { type: { any_: ["FAILED", "CRASHED"] } }, expected_start_time: { after_: since } } }, { sort: "EXPECTED_START_TIME_DESC", limit: 10 }, signal),
    readFlowRuns(lateQuery, { sort: "EXPECTED_START_TIME_ASC", limit: 5 }, signal),
    countFlowRuns(lateQuery, signal),
  ]);
  const shown = [...failures, ...late];
  const names = await resolveNames(
    shown.map((r) => r.flow_id),
    shown.map((r) => r.deployment_id),
    signal,
  );
  return { history, failures, late, lateCount, names };
}

/** Every work pool with its online workers and its backlog. */
export async function loadDashboardPools(signal?: AbortSignal) {
  const list = await readWorkPools(signal);
  return Promise.all(
    list.map(async (pool) => {
      const [workers, backlog] = await Promise.all([
        readWorkers(pool.name, signal),
        countFlowRuns({ work_pools: { name: { any_: [pool.name] } }, flow_runs: { state: { type: { any_: ["SCHEDULED", "PENDING"] } } } }, signal).catch(() => null),
      ]);
      return { pool, online: workers.filter((w) => w.status === "ONLINE").length, backlog };
    }),
  );
}
