import { readDeployments } from "../api/deployments";
import { countFlowRuns, readFlowRuns } from "../api/flow-runs";
import { readFlows } from "../api/flows";
import { resolveNames } from "../api/names-cache";
import { readWorkPools } from "../api/work-pools";
import { PAGE_SIZE, runFiltersToQuery, type RunFilters } from "./run-filters";

/** useApi's key for one page of the runs list, which the route prefetch primes under the same key. */
export const runsListKey = (filters: RunFilters) => `runs-list:${JSON.stringify(filters)}`;

/** One page of runs matching `filters`, how many match in all, and the names of their flows and deployments. */
export async function loadRunsList(filters: RunFilters, signal?: AbortSignal) {
  const query = runFiltersToQuery(filters);
  const [page, total] = await Promise.all([readFlowRuns(query, { sort: filters.sort, limit: PAGE_SIZE, offset: filters.offset }, signal), countFlowRuns(query, signal)]);
  const names = await resolveNames(
    page.map((r) => r.flow_id),
    page.map((r) => r.deployment_id),
    signal,
  );
  return { page, total, names };
}

export const FILTER_CHOICES_KEY = "run-filter-choices";

/** The choices of the filter menus. */
export async function loadFilterChoices(signal?: AbortSignal) {
  const [flows, deployments, pools] = await Promise.all([readFlows({ limit: 200 }, signal), readDeployments({ limit: 200 }, signal), readWorkPools(signal)]);
  return { flows, deployments, pools };
}
