import type { TaskRun } from "../api/types";
import { StateBadge } from "../components/state-badge";
import { formatDuration } from "../format/time";

/** Task runs as bars on one time axis from the first start to the last end (or now). */
export function TaskRunGantt({ taskRuns, now = Date.now() }: { taskRuns: TaskRun[]; now?: number }) {
  const spans = taskRuns.map((t) => {
    const start = Date.parse(t.start_time ?? t.expected_start_time ?? "");
    const end = t.end_time ? Date.parse(t.end_time) : t.state_type === "RUNNING" ? now : start;
    return { t, start, end };
  });
  const valid = spans.filter((s) => !Number.isNaN(s.start));
  const min = Math.min(...valid.map((s) => s.start));
  const max = Math.max(...valid.map((s) => s.end), min + 1);
  const total = max - min;
  return (
    <div role="list" aria-label="Task runs over time">
      {spans.map(({ t, start, end }) => {
        const known = !Number.isNaN(start);
        const left = known ? ((start - min) / total) * 100 : 0;
        const width = known ? Math.max(((end - start) / total) * 100, 0.5) : 0;
        return (
          <div className="gantt-row" role="listitem" key={t.id}>
            <span className="gantt-name" title={t.name}>
              {t.name} <StateBadge type={t.state_type} name={t.state_name} />
            </span>
            <span className="gantt-track" aria-label={known ? `${formatDuration(end - start)}, starting ${formatDuration(start - min)} into the run` : "not started"}>
              {known && <span className={`gantt-bar state-${(t.state_type ?? "none").toLowerCase()}`} style={{ left: `${left}%`, width: `${width}%` }} />}
            </span>
          </div>
        );
      })}
    </div>
  );
}
