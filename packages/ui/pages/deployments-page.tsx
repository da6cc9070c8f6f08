import { countDeployments, readDeployments } from "../api/deployments";
import { resolveNames } from "../api/names-cache";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Pagination } from "../components/pagination";
import { describeSchedule } from "../format/schedule";
import { useApi } from "../hooks/use-api";
import { updateSearch, useLocation } from "../router/history";
import { Link } from "../router/link";

const PAGE = 50;

export function DeploymentsPage() {
  const { search } = useLocation();
  const offset = Math.max(0, Number(search.get("offset")) || 0);
  const list = useApi(
    async (signal) => {
      const [deployments, total] = await Promise.all([readDeployments({ limit: PAGE, offset }, signal), countDeployments(signal)]);
      const names = await resolveNames(deployments.map((d) => d.flow_id), [], signal);
      return { deployments, total, names };
    },
    String(offset),
    { pollMs: 10_000 },
  );
  return (
    <>
      <PageHeader title="Deployments" subtitle={list.data ? `${list.data.total} deployments` : undefined} />
      <ErrorMessage error={list.error} title="Deployments could not be loaded" />
      {!list.data && !list.error && <Loading what="Loading deployments" />}
      {list.data?.deployments.length === 0 && (
        <EmptyState title="No deployments yet.">
          Deploy a flow to a work pool with the SDK or a Prefect client (the API takes <code>POST /api/deployments/</code>); it then shows here with a Run button.
        </EmptyState>
      )}
      {list.data && list.data.deployments.length > 0 && (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <caption className="visually-hidden">Deployments</caption>
              <thead>
                <tr>
                  <th scope="col">Deployment</th>
                  <th scope="col">Flow</th>
                  <th scope="col">Work pool / queue</th>
                  <th scope="col">Schedules</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.deployments.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/deployments/${d.id}`}>{d.name}</Link>
                    </td>
                    <td>{list.data!.names.flow(d.flow_id)}</td>
                    <td>
                      {d.work_pool_name ? <Link to={`/work-pools/${encodeURIComponent(d.work_pool_name)}`}>{d.work_pool_name}</Link> : "None"}
                      {d.work_queue_name && <span className="muted"> / {d.work_queue_name}</span>}
                    </td>
                    <td>{d.schedules.length ? d.schedules.map((s) => describeSchedule(s.schedule)).join("; ") : <span className="muted">None</span>}</td>
                    <td>{d.paused ? "Paused" : d.status === "NOT_READY" ? "Not ready" : "Active"}</td>
                    <td>
                      <Link className="button" to={`/deployments/${d.id}/run`} aria-label={`Run ${d.name}`}>
                        Run
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination offset={offset} limit={PAGE} total={list.data.total} onChange={(o) => updateSearch({ offset: o ? String(o) : null })} />
        </>
      )}
    </>
  );
}
