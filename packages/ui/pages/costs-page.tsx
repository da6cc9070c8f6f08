import { useState } from "react";
import { readCostSummary } from "../api/costs";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { CostSummaryTable } from "../costs/cost-summary-table";
import { useApi } from "../hooks/use-api";

const PERIODS = [
  { value: "all", label: "All time", hours: null },
  { value: "24h", label: "Last 24 hours", hours: 24 },
  { value: "7d", label: "Last 7 days", hours: 24 * 7 },
  { value: "30d", label: "Last 30 days", hours: 24 * 30 },
] as const;

/** Run costs summed per deployment and per work pool by the server (the same sums as `ecsflow cost`). */
export function CostsPage() {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]["value"]>("all");
  const hours = PERIODS.find((p) => p.value === period)?.hours ?? null;
  const summary = useApi(
    async (signal) => {
      // Rounded to the minute so the key, and the since sent, stay still while the page is open.
      const since = hours === null ? null : new Date(Math.floor((Date.now() - hours * 3_600_000) / 60_000) * 60_000).toISOString();
      const [deployments, pools] = await Promise.all([readCostSummary("deployment", since, signal), readCostSummary("work_pool", since, signal)]);
      return { deployments, pools };
    },
    `costs:${period}`,
    { pollMs: 30_000 },
  );
  return (
    <>
      <PageHeader
        title="Costs"
        subtitle="What runs' ECS tasks cost, priced by the server from each task's launch type, size and duration."
        actions={
          <div className="field">
            <label htmlFor="cost-period">Tasks stopped</label>
            <select id="cost-period" value={period} onChange={(e) => setPeriod(e.target.value as typeof period)}>
              {PERIODS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
        }
      />
      <ErrorMessage error={summary.error} title="Costs could not be loaded" />
      {!summary.data && !summary.error && <Loading what="Loading costs" />}
      {summary.data && summary.data.pools.length === 0 && (
        <EmptyState title="No run costs recorded.">A worker reports a run's cost when its ECS task stops; runs on other infrastructure have none.</EmptyState>
      )}
      {summary.data && summary.data.pools.length > 0 && (
        <div className="grid">
          <Section title="Per deployment">
            <CostSummaryTable groupBy="deployment" rows={summary.data.deployments} />
          </Section>
          <Section title="Per work pool">
            <CostSummaryTable groupBy="work_pool" rows={summary.data.pools} />
          </Section>
        </div>
      )}
    </>
  );
}
