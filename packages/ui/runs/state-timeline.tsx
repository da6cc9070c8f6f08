import type { State } from "../api/types";
import { TERMINAL_STATE_TYPES } from "../api/types";
import { StateBadge } from "../components/state-badge";
import { formatAbsolute, formatDuration } from "../format/time";

/** Every state the run went through, with when it began and how long it lasted. */
export function StateTimeline({ states, now = Date.now() }: { states: State[]; now?: number }) {
  const sorted = [...states].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return (
    <ol className="timeline" aria-label="State history">
      {sorted.map((s, i) => {
        const next = sorted[i + 1];
        const end = next ? Date.parse(next.timestamp) : TERMINAL_STATE_TYPES.includes(s.type) ? null : now;
        return (
          <li key={s.id}>
            <StateBadge type={s.type} name={s.name} />
            <time dateTime={s.timestamp}>{formatAbsolute(s.timestamp)}</time>
            <span className="muted">{end === null ? "final" : `${formatDuration(end - Date.parse(s.timestamp))}${next ? "" : " so far"}`}</span>
            {s.message && <span className="message">{s.message}</span>}
          </li>
        );
      })}
    </ol>
  );
}
