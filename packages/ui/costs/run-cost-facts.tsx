import { readRunCost, type RunCost } from "../api/costs";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { TimeAgo } from "../components/time-ago";
import { formatUsd } from "../format/money";
import { formatDuration } from "../format/time";
import { useApi } from "../hooks/use-api";

/** The prices table's date, as the server wrote it into the pricing text ("…, checked 2026-12-07)."). */
export function priceTableDate(pricing: string): string | null {
  return /checked (\d{4}-\d{2}-\d{2})/.exec(pricing)?.[1] ?? null;
}

function launchLabel(cost: RunCost): string {
  const parts = [cost.launch_type];
  if (cost.capacity_provider && cost.capacity_provider !== cost.launch_type) parts.push(`(${cost.capacity_provider})`);
  if (cost.instance_type) parts.push(`on ${cost.instance_type}`);
  return parts.join(" ");
}

const vcpu = (units: number | null) => (units === null ? "Unknown" : `${units / 1024} vCPU (${units} units)`);
const gb = (mib: number | null) => (mib === null ? "Unknown" : `${mib / 1024} GB (${mib} MiB)`);

/**
 * What the run's ECS task cost, as the server priced it from what the worker saw when it stopped.
 * Loaded once the run is finished (a worker reports the cost when its task stops).
 */
export function RunCostFacts({ runId, finished }: { runId: string; finished: boolean }) {
  // The key changes when the run finishes, so a cost reported at the end is fetched then.
  const cost = useApi((signal) => readRunCost(runId, signal), `run-cost:${runId}:${finished}`);
  if (cost.error) return <ErrorMessage error={cost.error} title="The run's cost could not be loaded" />;
  if (cost.data === undefined) return <Loading what="Loading the run's cost" />;
  const c = cost.data;
  if (!c)
    return (
      <EmptyState title={finished ? "No cost recorded." : "No cost yet."}>
        {finished ? "Only runs whose ECS task started and stopped have a cost." : "A worker reports the cost when the run's ECS task stops."}
      </EmptyState>
    );
  const checked = priceTableDate(c.pricing);
  return (
    <dl className="facts" aria-label="Run cost">
      <dt>Total</dt>
      <dd>
        <strong>{c.cost_usd === null ? "Not priced" : formatUsd(c.cost_usd)}</strong>
      </dd>
      <dt>Launch type</dt>
      <dd>{launchLabel(c)}</dd>
      <dt>vCPU</dt>
      <dd>{vcpu(c.cpu)}</dd>
      <dt>Memory</dt>
      <dd>{gb(c.memory)}</dd>
      <dt>Billed duration</dt>
      <dd>{c.billed_seconds === null ? "None" : `${formatDuration(c.billed_seconds * 1000)} (${Math.round(c.billed_seconds * 1000) / 1000} s)`}</dd>
      <dt>Task ran</dt>
      <dd>
        <TimeAgo iso={c.started_at} /> to <TimeAgo iso={c.stopped_at} />
      </dd>
      <dt>Price</dt>
      <dd>{c.pricing}</dd>
      <dt>Price table</dt>
      <dd>{checked ? `Checked ${checked}` : "Date not recorded"}</dd>
    </dl>
  );
}
