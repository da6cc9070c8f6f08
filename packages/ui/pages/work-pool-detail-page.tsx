import { useState } from "react";
import { countFlowRuns } from "../api/flow-runs";
import { readWorkers, readWorkPool, readWorkQueues, updateWorkPool, updateWorkQueue } from "../api/work-pools";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { JsonView } from "../components/json-view";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { TimeAgo } from "../components/time-ago";
import { useApi } from "../hooks/use-api";
import { Link } from "../router/link";
import { BaseJobTemplateEditor } from "../work-pools/base-job-template-editor";
import { ConcurrencyLimitEditor } from "../work-pools/concurrency-limit-editor";
import { PauseButton } from "../work-pools/pause-button";
import { QueueCreateForm } from "../work-pools/queue-create-form";
import { PoolStatus } from "../work-pools/pool-status";

/** Runs waiting in a queue: scheduled or pending, not yet running. */
const WAITING = { flow_runs: { state: { type: { any_: ["SCHEDULED", "PENDING"] } } } };

export function WorkPoolDetailPage({ name }: { name: string }) {
  const detail = useApi(
    async (signal) => {
      const [pool, queues, workers] = await Promise.all([readWorkPool(name, signal), readWorkQueues(name, signal), readWorkers(name, signal)]);
      let backlog: number[] | null = null;
      let backlogError: unknown = null;
      try {
        backlog = await Promise.all(queues.map((q) => countFlowRuns({ ...WAITING, work_pools: { name: { any_: [name] } }, work_pool_queues: { name: { any_: [q.name] } } }, signal)));
      } catch (err) {
        if ((err as Error).name === "AbortError") throw err;
        backlogError = err;
      }
      return { pool, queues, workers, backlog, backlogError };
    },
    name,
    // Polled, not live: workers' heartbeats are not run events.
    { pollMs: 5000 },
  );
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [addingQueue, setAddingQueue] = useState(false);
  const [queueAdded, setQueueAdded] = useState<string | null>(null);

  if (!detail.data) {
    return (
      <>
        <PageHeader title={name} />
        <ErrorMessage error={detail.error} title="The work pool could not be loaded" />
        {!detail.error && <Loading />}
      </>
    );
  }
  const { pool, queues, workers, backlog, backlogError } = detail.data;
  // Every change goes through the API (which validates it), then the page reloads what it shows.
  const patchPool = async (patch: Parameters<typeof updateWorkPool>[1]) => {
    await updateWorkPool(pool.name, patch);
    detail.reload();
  };
  const patchQueue = async (queue: string, patch: Parameters<typeof updateWorkQueue>[2]) => {
    await updateWorkQueue(pool.name, queue, patch);
    detail.reload();
  };
  return (
    <>
      <PageHeader title={pool.name} subtitle={<>Type {pool.type} · <PoolStatus pool={pool} /></>} actions={<Link to={`/runs?pool=${encodeURIComponent(pool.name)}`}>Runs in this pool</Link>} />
      <ErrorMessage error={detail.error} title="Refreshing failed; showing what was last loaded" />
      <Section title="Pool settings">
        <dl className="facts">
          <dt>Paused</dt>
          <dd>
            {pool.is_paused ? "Paused: workers get no runs from this pool" : "No"} <PauseButton what={`pool ${pool.name}`} paused={pool.is_paused} onChange={(is_paused) => patchPool({ is_paused })} />
          </dd>
          <dt>Concurrency limit</dt>
          <dd>
            <ConcurrencyLimitEditor label="concurrency limit of the pool" value={pool.concurrency_limit} onSave={(concurrency_limit) => patchPool({ concurrency_limit })} />
          </dd>
          {pool.description && (
            <>
              <dt>Description</dt>
              <dd>{pool.description}</dd>
            </>
          )}
        </dl>
      </Section>
      <Section title="Workers">
        {workers.length === 0 ? (
          <EmptyState title="No workers have polled this pool.">
            Start one: <code>ecsflow worker start --pool {pool.name}</code>
          </EmptyState>
        ) : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <caption className="visually-hidden">Workers</caption>
              <thead>
                <tr>
                  <th scope="col">Worker</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last heartbeat</th>
                </tr>
              </thead>
              <tbody>
                {workers.map((w) => (
                  <tr key={w.id}>
                    <td>{w.name}</td>
                    <td className={w.status === "ONLINE" ? "status-online" : "status-offline"}>{w.status === "ONLINE" ? "Online" : "Offline"}</td>
                    <td>
                      <TimeAgo iso={w.last_heartbeat_time} fallback="Never" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section
        title="Queues"
        actions={
          !addingQueue && (
            <button type="button" onClick={() => { setQueueAdded(null); setAddingQueue(true); }}>
              Add queue
            </button>
          )
        }
      >
        {queueAdded && (
          <p role="status" className="notice">
            Queue {queueAdded} added.
          </p>
        )}
        {addingQueue && (
          <QueueCreateForm
            poolName={pool.name}
            onCancel={() => setAddingQueue(false)}
            onCreated={(queue) => {
              setAddingQueue(false);
              setQueueAdded(queue);
              detail.reload();
            }}
          />
        )}
        <ErrorMessage error={backlogError} title="The backlog could not be counted" />
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">Queues</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" className="num">
                  Priority
                </th>
                <th scope="col" className="num">
                  Concurrency limit
                </th>
                <th scope="col">Paused</th>
                <th scope="col" className="num">
                  Backlog
                </th>
                <th scope="col">Last polled</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q, i) => (
                <tr key={q.id}>
                  <td>{q.name}</td>
                  <td className="num">{q.priority}</td>
                  <td className="num">
                    <ConcurrencyLimitEditor label={`concurrency limit of queue ${q.name}`} value={q.concurrency_limit} onSave={(concurrency_limit) => patchQueue(q.name, { concurrency_limit })} />
                  </td>
                  <td>{q.is_paused ? "Paused" : "No"}</td>
                  <td className="num">{backlog ? <Link to={`/runs?pool=${encodeURIComponent(pool.name)}&state=SCHEDULED&state=PENDING`}>{backlog[i]}</Link> : "–"}</td>
                  <td>
                    <TimeAgo iso={q.last_polled} fallback="Never" />
                  </td>
                  <td>
                    <PauseButton what={`queue ${q.name}`} paused={q.is_paused} onChange={(is_paused) => patchQueue(q.name, { is_paused })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section
        title="Base job template"
        actions={
          !editing && (
            <button type="button" onClick={() => { setSaved(false); setEditing(true); }}>
              Edit template
            </button>
          )
        }
      >
        {saved && (
          <p role="status" className="notice">
            Template saved.
          </p>
        )}
        {editing ? (
          <BaseJobTemplateEditor
            poolName={pool.name}
            template={pool.base_job_template}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              setSaved(true);
              detail.reload();
            }}
          />
        ) : (
          <JsonView value={pool.base_job_template} label="Base job template (JSON)" empty="Empty: the worker's default template for this pool type applies." />
        )}
      </Section>
    </>
  );
}
