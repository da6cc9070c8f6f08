import { readWorkers, readWorkPools } from "../api/work-pools";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { useApi } from "../hooks/use-api";
import { Link } from "../router/link";
import { PoolStatus } from "../work-pools/pool-status";

export function WorkPoolsPage() {
  const list = useApi(
    async (signal) => {
      const pools = await readWorkPools(signal);
      const workers = await Promise.all(pools.map((p) => readWorkers(p.name, signal)));
      return pools.map((pool, i) => ({ pool, online: workers[i].filter((w) => w.status === "ONLINE").length, workers: workers[i].length }));
    },
    "pools",
    { pollMs: 10_000 },
  );
  return (
    <>
      <PageHeader
        title="Work pools"
        actions={
          <Link className="button primary" to="/work-pools/new">
            Create work pool
          </Link>
        }
      />
      <ErrorMessage error={list.error} title="Work pools could not be loaded" />
      {!list.data && !list.error && <Loading what="Loading work pools" />}
      {list.data?.length === 0 && (
        <EmptyState title="No work pools yet.">
          <Link to="/work-pools/new">Create one here</Link>, then start a worker for it with <code>ecsflow worker start --pool my-pool</code>.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Work pools</caption>
            <thead>
              <tr>
                <th scope="col">Pool</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Workers online
                </th>
                <th scope="col" className="num">
                  Concurrency limit
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map(({ pool, online, workers }) => (
                <tr key={pool.id}>
                  <td>
                    <Link to={`/work-pools/${encodeURIComponent(pool.name)}`}>{pool.name}</Link>
                    {pool.description && <div className="muted">{pool.description}</div>}
                  </td>
                  <td>{pool.type}</td>
                  <td>
                    <PoolStatus pool={pool} />
                  </td>
                  <td className="num">
                    {online} of {workers}
                  </td>
                  <td className="num">{pool.concurrency_limit ?? "None"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
