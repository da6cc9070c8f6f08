import { readDeployments } from "../api/deployments";
import { readFlowRuns } from "../api/flow-runs";
import { readFlows } from "../api/flows";
import { MAX_PAGE } from "../api/max-page";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { StateBadge } from "../components/state-badge";
import { useApi } from "../hooks/use-api";
import { Link } from "../router/link";

/** Each flow with its deployments and the states of its latest runs. */
export function FlowsPage() {
  const list = useApi(
    async (signal) => {
      const flows = await readFlows({ limit: MAX_PAGE }, signal);
      const ids = flows.map((f) => f.id);
      if (ids.length === 0) return [];
      // Two requests for the whole page, not two per flow: the newest runs of all these flows, grouped here.
      const [deployments, runs] = await Promise.all([
        readDeployments({ flowIds: ids, limit: MAX_PAGE }, signal),
        readFlowRuns({ flows: { id: { any_: ids } } }, { sort: "EXPECTED_START_TIME_DESC", limit: Math.min(MAX_PAGE, ids.length * 5) }, signal),
      ]);
      return flows.map((f) => ({ flow: f, deployments: deployments.filter((d) => d.flow_id === f.id), recent: runs.filter((r) => r.flow_id === f.id).slice(0, 5) }));
    },
    "flows",
    { pollMs: 15_000 },
  );
  return (
    <>
      <PageHeader title="Flows" />
      <ErrorMessage error={list.error} title="Flows could not be loaded" />
      {!list.data && !list.error && <Loading what="Loading flows" />}
      {list.data?.length === 0 && (
        <EmptyState title="No flows yet.">A flow appears here the first time it runs or is deployed.</EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Flows</caption>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">Deployments</th>
                <th scope="col">Recent runs</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map(({ flow, deployments, recent }) => (
                <tr key={flow.id}>
                  <td>
                    <Link to={`/runs?flow=${flow.id}`}>{flow.name}</Link>
                  </td>
                  <td>
                    {deployments.length
                      ? deployments.map((d, i) => (
                          <span key={d.id}>
                            {i > 0 && ", "}
                            <Link to={`/deployments/${d.id}`}>{d.name}</Link>
                          </span>
                        ))
                      : <span className="muted">None</span>}
                  </td>
                  <td>
                    {recent.length ? recent.map((r) => (
                      <Link key={r.id} to={`/runs/${r.id}`} aria-label={`${r.name}: ${r.state_name ?? r.state_type}`} style={{ marginRight: 4 }}>
                        <StateBadge type={r.state_type} name={r.state_name} />
                      </Link>
                    )) : <span className="muted">No runs</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
