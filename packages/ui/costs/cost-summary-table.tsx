import type { CostGrouping, CostSummaryRow } from "../api/costs";
import { formatUsd } from "../format/money";
import { formatDuration } from "../format/time";
import { Link } from "../router/link";

const TITLES: Record<CostGrouping, { caption: string; column: string; none: string }> = {
  deployment: { caption: "Cost per deployment", column: "Deployment", none: "No deployment (ad-hoc runs)" },
  work_pool: { caption: "Cost per work pool", column: "Work pool", none: "No work pool" },
};

// Runs that never started (or are not priced per second) bill no time.
const billed = (seconds: number) => (seconds > 0 ? formatDuration(seconds * 1000) : "None");

function target(groupBy: CostGrouping, row: CostSummaryRow): string | null {
  if (!row.key) return null;
  return groupBy === "deployment" ? `/deployments/${row.key}` : `/work-pools/${encodeURIComponent(row.key)}`;
}

/** The server's sums (GET /api/ecsflow/costs), most expensive first, with their total. */
export function CostSummaryTable({ groupBy, rows }: { groupBy: CostGrouping; rows: CostSummaryRow[] }) {
  const t = TITLES[groupBy];
  const total = rows.reduce((sum, r) => ({ runs: sum.runs + r.runs, priced: sum.priced + r.priced_runs, cost: sum.cost + r.cost_usd, seconds: sum.seconds + r.billed_seconds }), { runs: 0, priced: 0, cost: 0, seconds: 0 });
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <caption className="visually-hidden">{t.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.column}</th>
            <th scope="col" className="num">
              Runs
            </th>
            <th scope="col" className="num">
              Priced
            </th>
            <th scope="col" className="num">
              Billed time
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const to = target(groupBy, row);
            const label = row.name ?? row.key ?? t.none;
            return (
              <tr key={row.key ?? ""}>
                <th scope="row">{to ? <Link to={to}>{label}</Link> : <span className="muted">{label}</span>}</th>
                <td className="num">{row.runs}</td>
                <td className="num">{row.priced_runs}</td>
                <td className="num">{billed(row.billed_seconds)}</td>
                <td className="num">{formatUsd(row.cost_usd)}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num">{total.runs}</td>
            <td className="num">{total.priced}</td>
            <td className="num">{billed(total.seconds)}</td>
            <td className="num">{formatUsd(total.cost)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
