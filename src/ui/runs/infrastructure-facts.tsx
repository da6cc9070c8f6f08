import type { FlowRun, State } from "../api/types";
import { Link } from "../router/link";
import { explainMessage, parseEcsTask } from "./ecs-explanations";

/** Where the run ran: pool, queue, the infrastructure id and, for ECS, the task with a console link. */
export function InfrastructureFacts({ run, states }: { run: FlowRun; states: State[] }) {
  const ecs = parseEcsTask(run.infrastructure_pid);
  const explanations = states.flatMap((s) => explainMessage(s.message));
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
            <dt>ECS task</dt>
            <dd className="mono">{ecs.taskArn}</dd>
            <dt>AWS console</dt>
            <dd>
              <a href={ecs.consoleUrl} target="_blank" rel="noreferrer noopener">
                Open task {ecs.taskId.slice(0, 8)} in the ECS console
              </a>
            </dd>
          </>
        )}
        <dt>Run count</dt>
        <dd>{run.run_count}</dd>
      </dl>
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
