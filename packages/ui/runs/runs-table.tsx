import type { NameLookup } from "../api/names-cache";
import type { FlowRun } from "../api/types";
import { StateBadge } from "../components/state-badge";
import { TimeAgo } from "../components/time-ago";
import { formatDuration } from "../format/time";
import { Link } from "../router/link";
import { runDurationMs } from "./run-duration";

interface Props {
  runs: FlowRun[];
  names: NameLookup | undefined;
  caption: string;
  /** With a selection, each row gets a checkbox (bulk actions). */
  selection?: { selected: Set<string>; toggle: (id: string) => void; toggleAll: (ids: string[]) => void; selectable: (run: FlowRun) => boolean };
}

export function RunsTable({ runs, names, caption, selection }: Props) {
  const selectableIds = selection ? runs.filter(selection.selectable).map((r) => r.id) : [];
  const allSelected = selectableIds.length > 0 && selectableIds.every((id) => selection!.selected.has(id));
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col">
                <input type="checkbox" aria-label="Select all cancellable runs on this page" checked={allSelected} disabled={selectableIds.length === 0} onChange={() => selection.toggleAll(selectableIds)} />
              </th>
            )}
            <th scope="col">Run</th>
            <th scope="col">State</th>
            <th scope="col">Flow / deployment</th>
            <th scope="col" className="hide-narrow">
              Pool / queue
            </th>
            <th scope="col" className="hide-narrow">
              Tags
            </th>
            <th scope="col">Start</th>
            <th scope="col" className="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              {selection && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${run.name}`}
                    checked={selection.selected.has(run.id)}
                    disabled={!selection.selectable(run)}
                    onChange={() => selection.toggle(run.id)}
                  />
                </td>
              )}
              <td>
                <Link to={`/runs/${run.id}`}>{run.name}</Link>
              </td>
              <td>
                <StateBadge type={run.state_type} name={run.state_name} />
              </td>
              <td>
                {names?.flow(run.flow_id) ?? "…"}
                {run.deployment_id && (
                  <>
                    {" / "}
                    <Link to={`/deployments/${run.deployment_id}`}>{names?.deployment(run.deployment_id) ?? "…"}</Link>
                  </>
                )}
              </td>
              <td className="hide-narrow">
                {run.work_pool_name ? <Link to={`/work-pools/${encodeURIComponent(run.work_pool_name)}`}>{run.work_pool_name}</Link> : "–"}
                {run.work_queue_name && <span className="muted"> / {run.work_queue_name}</span>}
              </td>
              <td className="hide-narrow">
                {run.tags.map((t) => (
                  <span className="tag" key={t}>
                    {t}
                  </span>
                ))}
              </td>
              <td>
                <TimeAgo iso={run.start_time ?? run.expected_start_time} />
              </td>
              <td className="num">{formatDuration(runDurationMs(run))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
