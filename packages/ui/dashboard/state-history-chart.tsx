import { STATE_TYPES, type StateType } from "../api/types";
import { formatClock } from "../format/time";
import type { HistoryBucket } from "./run-history";

const COLORS: Record<StateType, string> = {
  SCHEDULED: "var(--s-scheduled)",
  PENDING: "var(--s-pending)",
  RUNNING: "var(--s-running)",
  COMPLETED: "var(--s-completed)",
  FAILED: "var(--s-failed)",
  CANCELLED: "var(--s-cancelled)",
  CRASHED: "var(--s-crashed)",
  PAUSED: "var(--s-paused)",
  CANCELLING: "var(--s-cancelling)",
};

/** Stacked bars per interval; the same numbers are in a table for screen readers. */
export function StateHistoryChart({ buckets }: { buckets: HistoryBucket[] }) {
  const totals = buckets.map((b) => Object.values(b.counts).reduce((s, n) => s + (n ?? 0), 0));
  const max = Math.max(1, ...totals);
  const used = STATE_TYPES.filter((s) => buckets.some((b) => b.counts[s]));
  const W = 720;
  const H = 160;
  const bw = W / Math.max(1, buckets.length);
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label={`Flow runs by state over time, at most ${max} in one interval`}>
        {buckets.map((b, i) => {
          let y = H;
          return (
            <g key={b.start}>
              {STATE_TYPES.map((s) => {
                const n = b.counts[s] ?? 0;
                if (!n) return null;
                const h = (n / max) * H;
                y -= h;
                return (
                  <rect key={s} x={i * bw + 1} y={y} width={Math.max(1, bw - 2)} height={h} fill={COLORS[s]}>
                    <title>{`${formatClock(new Date(b.start), false)}: ${n} ${s.toLowerCase()}`}</title>
                  </rect>
                );
              })}
              {i % Math.ceil(buckets.length / 6) === 0 && (
                <text x={i * bw} y={H + 14} fontSize="9" fill="currentColor">
                  {formatClock(new Date(b.start), false)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <ul className="legend" aria-hidden="true">
        {used.map((s) => (
          <li key={s}>
            <span className="state-dot" style={{ background: COLORS[s] }} />
            {s.charAt(0) + s.slice(1).toLowerCase()}
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>Flow runs by state per interval</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            {used.map((s) => (
              <th scope="col" key={s}>
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.start}>
              <th scope="row">{formatClock(new Date(b.start), false)}</th>
              {used.map((s) => (
                <td key={s}>{b.counts[s] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
