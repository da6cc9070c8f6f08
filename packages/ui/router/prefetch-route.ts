// Imported first by main.tsx, so it runs before React's code is even evaluated: the opened page's
// first data is asked for at once, and is usually back by the time the page mounts (hooks/primed-loads).
// Only loads with no side effects are primed; a page whose loader is not primed here just loads on mount.
import { DASHBOARD_POOLS_KEY, DASHBOARD_RUNS_KEY, loadDashboardPools, loadDashboardRuns } from "../dashboard/dashboard-data";
import { prime } from "../hooks/primed-loads";
import { firstLogsKey, loadFirstLogs } from "../runs/run-logs-data";
import { loadRunDetail, runDetailKey } from "../runs/run-detail-data";
import { parseRunFilters } from "../runs/run-filters";
import { FILTER_CHOICES_KEY, loadFilterChoices, loadRunsList, runsListKey } from "../runs/runs-list-data";
import { matchPath } from "./match-path";

export function prefetchRoute(pathname: string, search: string): void {
  if (matchPath("/", pathname)) {
    prime(DASHBOARD_RUNS_KEY, () => loadDashboardRuns());
    prime(DASHBOARD_POOLS_KEY, () => loadDashboardPools());
  }
  if (matchPath("/runs", pathname)) {
    const filters = parseRunFilters(new URLSearchParams(search));
    prime(runsListKey(filters), () => loadRunsList(filters));
    prime(FILTER_CHOICES_KEY, () => loadFilterChoices());
  }
  const detail = matchPath("/runs/:id", pathname);
  if (detail) {
    prime(runDetailKey(detail.id), () => loadRunDetail(detail.id));
    prime(firstLogsKey(detail.id), () => loadFirstLogs(detail.id));
  }
}

prefetchRoute(window.location.pathname, window.location.search);
