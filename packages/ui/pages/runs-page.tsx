import { useMemo, useState } from "react";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Pagination } from "../components/pagination";
import { formatCount } from "../format/time";
import { useApi } from "../hooks/use-api";
import { updateSearch, useLocation } from "../router/history";
import { Link } from "../router/link";
import { BulkCancel } from "../runs/bulk-cancel";
import { canCancel } from "../runs/cancel-run";
import { RunFilterBar } from "../runs/run-filter-bar";
import { hasFilters, PAGE_SIZE, parseRunFilters, runFiltersToSearch, type RunFilters } from "../runs/run-filters";
import { RunsTable } from "../runs/runs-table";
import { FILTER_CHOICES_KEY, loadFilterChoices, loadRunsList, runsListKey } from "../runs/runs-list-data";

/** Live list: refreshed on the server's run events (polled every 5 s where there are none) while the tab is visible. */
export const RUNS_POLL_MS = 5000;

export function RunsPage() {
  const { search } = useLocation();
  const filters = useMemo(() => parseRunFilters(search), [search]);
  const key = JSON.stringify(filters);
  const [selected, setSelected] = useState<Set<string>>(new Set());

  const runs = useApi((signal) => loadRunsList(filters, signal), runsListKey(filters), {
    pollMs: RUNS_POLL_MS,
    live: { query: {}, match: (e) => e.kind === "flow_run" },
  });
  // The choices for the filter menus; loaded once per visit.
  const choices = useApi(loadFilterChoices, FILTER_CHOICES_KEY);

  const change = (changes: Partial<RunFilters>) => {
    setSelected(new Set());
    updateSearch(runFiltersToSearch({ ...changes, offset: changes.offset ?? 0 }));
  };

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = (ids: string[]) => setSelected((s) => (ids.every((id) => s.has(id)) ? new Set() : new Set(ids)));
  const selectedRuns = (runs.data?.page ?? []).filter((r) => selected.has(r.id));

  return (
    <>
      <PageHeader title="Runs" subtitle={runs.data ? `${formatCount(runs.data.total)} flow runs match` : undefined} actions={<BulkCancel runs={selectedRuns} onDone={() => { setSelected(new Set()); runs.reload(); }} />} />
      <ErrorMessage error={choices.error} title="Filter choices could not be loaded" />
      <RunFilterBar key={key} filters={filters} flows={choices.data?.flows ?? []} deployments={choices.data?.deployments ?? []} pools={choices.data?.pools ?? []} onChange={change} />
      <ErrorMessage error={runs.error} title="Runs could not be loaded" />
      {!runs.data && !runs.error && <Loading what="Loading runs" />}
      {runs.data && runs.data.page.length === 0 && (
        <EmptyState title={hasFilters(filters) ? "No runs match these filters." : "No flow runs yet."}>
          {hasFilters(filters) ? (
            <Link to="/runs">Clear all filters</Link>
          ) : (
            <>
              Start one with the Run button of a <Link to="/deployments">deployment</Link>; a worker for its pool then picks it up.
            </>
          )}
        </EmptyState>
      )}
      {runs.data && runs.data.page.length > 0 && (
        <>
          <RunsTable runs={runs.data.page} names={runs.data.names} caption="Flow runs" selection={{ selected, toggle, toggleAll, selectable: canCancel }} />
          <Pagination offset={filters.offset} limit={PAGE_SIZE} total={runs.data.total} onChange={(offset) => change({ offset })} />
        </>
      )}
    </>
  );
}
