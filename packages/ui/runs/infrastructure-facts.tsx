import type { FlowRun, State } from "../api/types";
import { Link } from "../router/link";
import { TimeAgo } from "../components/time-ago";
import { STOP_CODES, explainExitCode, explainMessage, parseEcsPlacement, parseEcsStopMessage, parseEcsTask, type EcsPlacement, type EcsStopReport } from "./ecs-explanations";

/** The newest state whose message reports how the infrastructure stopped (the worker's CRASHED message). */
function latestStopReport(states: State[]): { state: State; report: EcsStopReport } | null {
  for (let i = states.length - 1; i >= 0; i--) {
    const report = parseEcsStopMessage(states[i].message);
    if (report) return { state: states[i], report };
  }
  return null;
}

/** Where the run ran: pool, queue, the infrastructure id and, for ECS, the task with a console link and why it stopped. */
export function InfrastructureFacts({ run, states }: { run: FlowRun; states: State[] }) {
  const ecs = parseEcsTask(run.infrastructure_pid);
  const placement = ecs ? parseEcsPlacement(run.labels, ecs) : null;
  const stop = latestStopReport(states);
  // Without a report the worker wrote, fall back to glossing codes found in any state's message.
  const explanations = stop ? [] : states.flatMap((s) => explainMessage(s.message));
  return (
    <>
      <dl className="facts">
        <dt>Work pool</dt>
        <dd>{run.work_pool_name ? <Link to={`/work-pools/${encodeURIComponent(run.work_pool_name)}`}>{run.work_pool_name}</Link> : "None"}</dd>
        <dt>Queue</dt>
        <dd>{run.work_queue_name ?? "None"}</dd>
        <dt>Infrastructure id</dt>
        <dd className="mono">{run.infrastructure_pid ?? "Not started on any infrastructure yet"}</dd>
        {ecs && (
          <>
            <dt>ECS cluster</dt>
            <dd>{ecs.cluster}</dd>
            <dt>ECS task ARN</dt>
            <dd className="mono">{ecs.taskArn}</dd>
            {ecs.region && (
              <>
                <dt>Region</dt>
                <dd>
                  {ecs.region}
                  {ecs.account && <> · account {ecs.account}</>}
                </dd>
              </>
            )}
            <dt>AWS console</dt>
            <dd>
              {ecs.consoleUrl ? (
                <a href={ecs.consoleUrl} target="_blank" rel="noreferrer noopener">
                  Open task {ecs.taskId.slice(0, 8)} in the ECS console
                </a>
              ) : (
                <span className="muted">No link: the task id carries no region.</span>
              )}
            </dd>
            {placement ? <Placement placement={placement} cluster={ecs.cluster} /> : (
              <>
                <dt>Task definition and launch type</dt>
                <dd className="muted">Not recorded: the worker that started this task did not report them.</dd>
              </>
            )}
          </>
        )}
        <dt>Run count</dt>
        <dd>{run.run_count}</dd>
      </dl>
      {stop && <StopReport {...stop} />}
      {explanations.length > 0 && (
        <>
          <h3>What the infrastructure reported</h3>
          <dl className="facts">
            {explanations.map((e) => (
              <div key={e.term} style={{ display: "contents" }}>
                <dt className="mono">{e.term}</dt>
                <dd>{e.meaning}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </>
  );
}

/** The task definition revision and launch type ECS used, as the worker recorded them, each explained and linked. */
function Placement({ placement, cluster }: { placement: EcsPlacement; cluster: string }) {
  const { taskDefinition, launchType, capacityProvider, capacityConsoleUrl } = placement;
  return (
    <>
      {taskDefinition && (
        <>
          <dt>Task definition</dt>
          <dd>
            <span className="mono">{taskDefinition.revision}</span> — the blueprint ECS started the task from (image, command, CPU, memory,
            roles). The worker registers one revision per distinct configuration and reuses it for later runs.
            <br />
            <span className="mono">{taskDefinition.arn}</span>
            <br />
            {taskDefinition.consoleUrl ? (
              <a href={taskDefinition.consoleUrl} target="_blank" rel="noreferrer noopener">
                Open task definition {taskDefinition.revision} in the ECS console
              </a>
            ) : (
              <span className="muted">No link: the ARN carries no region.</span>
            )}
          </dd>
        </>
      )}
      {(launchType || capacityProvider) && (
        <>
          <dt>Launch type</dt>
          <dd>
            {launchType && (
              <>
                <span className="mono">{launchType.name}</span> — {launchType.meaning}
              </>
            )}
            {capacityProvider && (
              <>
                {launchType && <br />}
                Capacity provider <span className="mono">{capacityProvider.name}</span> — {capacityProvider.meaning}
              </>
            )}
            {capacityConsoleUrl && (
              <>
                <br />
                <a href={capacityConsoleUrl} target="_blank" rel="noreferrer noopener">
                  Open cluster {cluster}&apos;s capacity in the ECS console
                </a>
              </>
            )}
          </dd>
        </>
      )}
    </>
  );
}

/** Each part of the worker's stop report on its own line, the codes with what they mean. */
function StopReport({ state, report }: { state: State; report: EcsStopReport }) {
  return (
    <section aria-labelledby="stop-report-title">
      <h3 id="stop-report-title">
        Why it stopped <span className="muted">({state.name ?? state.type}, <TimeAgo iso={state.timestamp} fallback="unknown time" />)</span>
      </h3>
      {report.explanation && <p className="notice">{report.explanation}</p>}
      <dl className="facts" aria-label="Stop details">
        {report.stopCode && (
          <>
            <dt>Stop code</dt>
            <dd>
              <span className="mono">{report.stopCode}</span>
              {STOP_CODES[report.stopCode] && <> — {STOP_CODES[report.stopCode]}</>}
            </dd>
          </>
        )}
        {report.stoppedReason && (
          <>
            <dt>Stopped reason</dt>
            <dd>{report.stoppedReason}</dd>
          </>
        )}
        {report.container && (
          <>
            <dt>Container {report.container.name}</dt>
            <dd>{report.container.reason}</dd>
          </>
        )}
        {report.exitCode !== null && (
          <>
            <dt>Exit code</dt>
            <dd>
              <span className="mono">{report.exitCode}</span>
              {/* The worker's explanation above usually says it already; do not say it twice. */}
              {!report.explanation?.includes(`Exit code ${report.exitCode}`) && <> — {explainExitCode(report.exitCode)}</>}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
