import { resolveNames } from "../api/names-cache";
import { TERMINAL_STATE_TYPES } from "../api/types";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { JsonView } from "../components/json-view";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { StateBadge } from "../components/state-badge";
import { TimeAgo } from "../components/time-ago";
import { formatDuration } from "../format/time";
import { RunCostFacts } from "../costs/run-cost-facts";
import { useApi } from "../hooks/use-api";
import { Link } from "../router/link";
import { InfrastructureFacts } from "../runs/infrastructure-facts";
import { RunActions } from "../runs/run-actions";
import { runDurationMs } from "../runs/run-duration";
import { loadRunDetail, runDetailKey } from "../runs/run-detail-data";
import { RunLogs } from "../runs/run-logs";
import { StateTimeline } from "../runs/state-timeline";
import { TaskRunGantt } from "../runs/task-run-gantt";

/**
 * The page refreshes on the run's events (its states and its task runs'), so a retry of a finished
 * run shows too; without the event stream it polls every 2 s until the run is finished.
 */
export const RUN_POLL_MS = 2000;

export function RunDetailPage({ id }: { id: string }) {
  const detail = useApi(
    (signal) => loadRunDetail(id, signal),
    runDetailKey(id),
    { pollMs: RUN_POLL_MS, keepPolling: (d) => !d.run.state_type || !TERMINAL_STATE_TYPES.includes(d.run.state_type), live: { query: { flow_run_id: id } } },
  );
  const run = detail.data?.run;
  const finished = !!run?.state_type && TERMINAL_STATE_TYPES.includes(run.state_type);
  // Names come after the run, and never hold up its first render.
  const names = useApi((signal) => resolveNames([run!.flow_id], [run!.deployment_id], signal), `${run?.flow_id}:${run?.deployment_id}`, { enabled: !!run }).data;
  // Logs load alongside the run rather than after it.
  const logs = (
    <Section title="Logs">
      <RunLogs flowRunId={id} runName={run?.name ?? id} live={!finished} />
    </Section>
  );

  // The logs keep one place in the tree while the rest arrives, so they are not loaded twice.
  const logsSlot = <div hidden={!detail.data}>{logs}</div>;
  if (!detail.data) {
    return (
      <>
        <>
          <PageHeader title="Flow run" />
          <ErrorMessage error={detail.error} title="This run could not be loaded" />
          {!detail.error && <Loading what="Loading the run" />}
        </>
        {logsSlot}
        {null}
      </>
    );
  }
  const { states, taskRuns } = detail.data;
  const r = run!;
  return (
    <>
      <>
      <PageHeader
        title={r.name}
        subtitle={
          <>
            <StateBadge type={r.state_type} name={r.state_name} /> Flow {names?.flow(r.flow_id) ?? "…"}
            {r.deployment_id && (
              <>
                {" · deployment "}
                <Link to={`/deployments/${r.deployment_id}`}>{names?.deployment(r.deployment_id) ?? "deployment"}</Link>
              </>
            )}
          </>
        }
        actions={<RunActions run={r} onChanged={detail.reload} />}
      />
      <ErrorMessage error={detail.error} title="Refreshing the run failed; showing what was last loaded" />
      {r.state?.message && (
        <p className={r.state_type === "FAILED" || r.state_type === "CRASHED" ? "error-message" : "notice"}>
          <strong>{r.state_name}: </strong>
          {r.state.message}
        </p>
      )}
      <div className="grid">
        <Section title="Overview">
          <dl className="facts">
            <dt>Scheduled for</dt>
            <dd>
              <TimeAgo iso={r.expected_start_time} />
            </dd>
            <dt>Started</dt>
            <dd>
              <TimeAgo iso={r.start_time} fallback="Not yet" />
            </dd>
            <dt>Ended</dt>
            <dd>
              <TimeAgo iso={r.end_time} fallback={finished ? "–" : "Not yet"} />
            </dd>
            <dt>Duration</dt>
            <dd>{formatDuration(runDurationMs(r))}</dd>
            <dt>Tags</dt>
            <dd>{r.tags.length ? r.tags.map((t) => <span className="tag" key={t}>{t}</span>) : "None"}</dd>
            <dt>Run id</dt>
            <dd className="mono">{r.id}</dd>
          </dl>
        </Section>
        <Section title="State history">
          <StateTimeline states={states} />
        </Section>
        <Section title="Infrastructure">
          <InfrastructureFacts run={r} states={states} />
        </Section>
        <Section title="Cost">
          <RunCostFacts runId={r.id} finished={finished} />
        </Section>
      </div>
      <Section title="Task runs">
        {taskRuns.length ? <TaskRunGantt taskRuns={taskRuns} /> : <EmptyState title="No task runs.">Task runs appear here when the flow calls tasks.</EmptyState>}
      </Section>
      </>
      {logsSlot}
      <div className="grid">
        <Section title="Parameters">
          <JsonView value={r.parameters} label="Parameters" empty="No parameters." />
        </Section>
        <Section title="Job variables">
          <JsonView value={r.job_variables} label="Job variables" empty="No job variable overrides: the pool's and deployment's defaults apply." />
        </Section>
      </div>
    </>
  );
}
