import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { TimeAgo } from "../components/time-ago";
import { DASHBOARD_POOLS_KEY, DASHBOARD_RUNS_KEY, loadDashboardPools, loadDashboardRuns } from "../dashboard/dashboard-data";
import { StateHistoryChart } from "../dashboard/state-history-chart";
import { useApi } from "../hooks/use-api";
import { Link } from "../router/link";
import { PoolStatus } from "../work-pools/pool-status";

export function DashboardPage() {
  // The dashboard reads a day of runs: at most one refresh every few seconds, however busy.
  const runs = useApi(loadDashboardRuns, DASHBOARD_RUNS_KEY, { pollMs: 10_000, live: { query: {}, match: (e) => e.kind === "flow_run", delayMs: 3000 } });
  const pools = useApi(loadDashboardPools, DASHBOARD_POOLS_KEY, { pollMs: 10_000 });

  return (
    <>
      <PageHeader title="Dashboard" subtitle="The last 24 hours" />
      <Section title="Runs by state">
        <ErrorMessage error={runs.error} title="Runs could not be loaded" />
        {!runs.data && !runs.error && <Loading what="Loading runs" />}
        {runs.data && (
          <StateHistoryChart buckets={runs.data.history.buckets} />
        )}
      </Section>
      <div className="grid">
        <Section title="Failures" actions={<Link to="/runs?state=FAILED&state=CRASHED&range=24h">All failures</Link>}>
          {runs.data?.failures.length === 0 && <p className="muted">No failed runs in the last 24 hours.</p>}
          {runs.data && runs.data.failures.length > 0 && (
            <ul className="timeline">
              {runs.data.failures.map((r) => (
                <li key={r.id}>
                  <Link to={`/runs/${r.id}`}>{r.name}</Link>
                  <span className="muted">{runs.data!.names.flow(r.flow_id)}</span>
                  <TimeAgo iso={r.end_time ?? r.expected_start_time} />
                  <span className="message">{r.state?.message || r.state_name}</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Late runs" actions={<Link to="/runs?state=SCHEDULED&sort=EXPECTED_START_TIME_ASC">Scheduled runs</Link>}>
          {runs.data?.lateCount === 0 && <p className="muted">No late runs.</p>}
          {runs.data && runs.data.lateCount > 0 && (
            <>
              <p>
                <strong>{runs.data.lateCount}</strong> scheduled run{runs.data.lateCount === 1 ? " is" : "s are"} past their start time: is a worker polling their pool?
              </p>
              <ul>
                {runs.data.late.map((r) => (
                  <li key={r.id}>
                    <Link to={`/runs/${r.id}`}>{r.name}</Link> due <TimeAgo iso={r.expected_start_time} /> in {r.work_pool_name ?? "no pool"}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Section>
      </div>
      <Section title="Work pools" actions={<Link to="/work-pools">All work pools</Link>}>
        <ErrorMessage error={pools.error} title="Work pools could not be loaded" />
        {!pools.data && !pools.error && <Loading what="Loading work pools" />}
        {pools.data?.length === 0 && (
          <EmptyState title="No work pools yet.">
            <Link to="/work-pools/new">Create a work pool</Link>, then start a worker: <code>ecsflow worker start --pool my-pool</code>
          </EmptyState>
        )}
        {pools.data && pools.data.length > 0 && (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <caption className="visually-hidden">Work pools</caption>
              <thead>
                <tr>
                  <th scope="col">Pool</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Workers online
                  </th>
                  <th scope="col" className="num">
                    Backlog
                  </th>
                </tr>
              </thead>
              <tbody>
                {pools.data.map(({ pool, online, backlog }) => (
                  <tr key={pool.id}>
                    <td>
                      <Link to={`/work-pools/${encodeURIComponent(pool.name)}`}>{pool.name}</Link>
                    </td>
                    <td>
                      <PoolStatus pool={pool} />
                      {online === 0 && (
                        <div className="muted">
                          Start a worker: <code>ecsflow worker start --pool {pool.name}</code>
                        </div>
                      )}
                    </td>
                    <td className="num">{online}</td>
                    <td className="num">{backlog ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
