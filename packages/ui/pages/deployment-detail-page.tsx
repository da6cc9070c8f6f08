import { useState } from "react";
import { describeError } from "../api/api-error";
import { readDeployment, readDeploymentSchedules, setDeploymentPaused } from "../api/deployments";
import { readFlowRuns } from "../api/flow-runs";
import { resolveNames } from "../api/names-cache";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { JsonView } from "../components/json-view";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { TimeAgo } from "../components/time-ago";
import { ScheduleForm } from "../deployments/schedule-form";
import { ScheduleList } from "../deployments/schedule-list";
import { useApi } from "../hooks/use-api";
import { Link } from "../router/link";
import { RunsTable } from "../runs/runs-table";

export function DeploymentDetailPage({ id }: { id: string }) {
  const detail = useApi(
    async (signal) => {
      const byDeployment = { deployments: { id: { any_: [id] } } };
      const [deployment, schedules, upcoming, recent] = await Promise.all([
        readDeployment(id, signal),
        readDeploymentSchedules(id, signal),
        readFlowRuns({ ...byDeployment, flow_runs: { state: { type: { any_: ["SCHEDULED"] } } } }, { sort: "EXPECTED_START_TIME_ASC", limit: 5 }, signal),
        readFlowRuns(byDeployment, { sort: "EXPECTED_START_TIME_DESC", limit: 10 }, signal),
      ]);
      const names = await resolveNames([deployment.flow_id], [id], signal);
      return { deployment, schedules, upcoming, recent, names };
    },
    id,
    { pollMs: 5000 },
  );
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [addingSchedule, setAddingSchedule] = useState(false);

  if (!detail.data) {
    return (
      <>
        <PageHeader title="Deployment" />
        <ErrorMessage error={detail.error} title="The deployment could not be loaded" />
        {!detail.error && <Loading />}
      </>
    );
  }
  const { deployment: d, schedules, upcoming, recent, names } = detail.data;
  const togglePause = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await setDeploymentPaused(d.id, !d.paused);
      detail.reload();
    } catch (err) {
      setActionError(`Could not ${d.paused ? "resume" : "pause"} the deployment: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageHeader
        title={d.name}
        subtitle={`Flow ${names.flow(d.flow_id)}${d.paused ? " · paused" : ""}`}
        actions={
          <>
            <button type="button" onClick={() => void togglePause()} disabled={busy}>
              {d.paused ? "Resume schedules" : "Pause schedules"}
            </button>
            <Link className="button primary" to={`/deployments/${d.id}/run`}>
              Run
            </Link>
          </>
        }
      />
      {actionError && (
        <p className="error-message" role="alert">
          {actionError}
        </p>
      )}
      <ErrorMessage error={detail.error} title="Refreshing failed; showing what was last loaded" />
      <div className="grid">
        <Section title="Overview">
          <dl className="facts">
            <dt>Work pool</dt>
            <dd>{d.work_pool_name ? <Link to={`/work-pools/${encodeURIComponent(d.work_pool_name)}`}>{d.work_pool_name}</Link> : "None"}</dd>
            <dt>Queue</dt>
            <dd>{d.work_queue_name ?? "default"}</dd>
            <dt>Version</dt>
            <dd>{d.version ?? "–"}</dd>
            <dt>Tags</dt>
            <dd>{d.tags.length ? d.tags.map((t) => <span className="tag" key={t}>{t}</span>) : "None"}</dd>
            <dt>Description</dt>
            <dd>{d.description || "–"}</dd>
          </dl>
        </Section>
        <Section
          title="Schedules"
          actions={
            !addingSchedule && (
              <button type="button" onClick={() => setAddingSchedule(true)}>
                Add schedule
              </button>
            )
          }
        >
          {d.paused && <p className="notice">The deployment is paused: no schedule creates runs until it is resumed.</p>}
          <ScheduleList deploymentId={d.id} schedules={schedules} onChanged={detail.reload} />
          {addingSchedule && (
            <ScheduleForm
              deploymentId={d.id}
              onCancel={() => setAddingSchedule(false)}
              onCreated={() => {
                setAddingSchedule(false);
                detail.reload();
              }}
            />
          )}
          <h3>Next runs</h3>
          {upcoming.length === 0 ? (
            <p className="muted">None scheduled.</p>
          ) : (
            <ul>
              {upcoming.map((r) => (
                <li key={r.id}>
                  <Link to={`/runs/${r.id}`}>{r.name}</Link> <TimeAgo iso={r.expected_start_time} />
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>
      <Section title="Recent runs" actions={<Link to={`/runs?deployment=${d.id}`}>All runs of this deployment</Link>}>
        {recent.length ? <RunsTable runs={recent} names={names} caption="Recent runs of this deployment" /> : <EmptyState title="No runs yet.">Start one with Run.</EmptyState>}
      </Section>
      <div className="grid">
        <Section title="Default parameters">
          <JsonView value={d.parameters} label="Default parameters" empty="No default parameters." />
        </Section>
        <Section title="Job variables">
          <JsonView value={d.job_variables} label="Job variables" empty="None: the pool's defaults apply." />
        </Section>
      </div>
    </>
  );
}
