import type { CostSummaryQuery, CostSummaryRow, RunCost, RunUsage } from "@ecsflow/schemas";
import type { Database, FlowRunCostTable } from "../../database/index.js";
import { priceRun } from "../../cost/price-run.js";
import { ObjectNotFoundError } from "../../errors.js";
import { normalizeTimestamp, nowTimestamp } from "../../timestamps.js";

function costFromRow(row: FlowRunCostTable): RunCost {
  return {
    flow_run_id: row.flow_run_id,
    created: row.created,
    updated: row.updated,
    launch_type: row.launch_type,
    capacity_provider: row.capacity_provider,
    cpu_architecture: row.cpu_architecture,
    region: row.region,
    cpu: row.cpu_units,
    memory: row.memory_mib,
    instance_type: row.instance_type,
    started_at: row.started_at,
    stopped_at: row.stopped_at,
    billed_seconds: row.billed_seconds === null ? null : Number(row.billed_seconds),
    cost_usd: row.cost_usd === null ? null : Number(row.cost_usd),
    pricing: row.pricing,
  };
}

const stamp = (value: string | null | undefined) => (value ? normalizeTimestamp(value) : null);

/**
 * Prices what a worker reported about a run's stopped task and stores it as the run's cost. A
 * second report for the same run (a restarted worker adopting it) replaces the first.
 */
export async function recordRunCost(database: Database, flowRunId: string, usage: RunUsage): Promise<RunCost> {
  const run = await database.db.selectFrom("flow_run").select("id").where("id", "=", flowRunId).executeTakeFirst();
  if (!run) throw new ObjectNotFoundError("Flow run not found");
  const priced = priceRun(usage);
  const now = nowTimestamp();
  const values = {
    updated: now,
    launch_type: usage.launch_type,
    capacity_provider: usage.capacity_provider ?? null,
    cpu_architecture: usage.cpu_architecture ?? null,
    region: usage.region ?? null,
    cpu_units: usage.cpu ?? null,
    memory_mib: usage.memory ?? null,
    instance_type: usage.instance_type ?? null,
    // The stored start is the billed one (Fargate: the image pull's start), so a reader can redo the sum.
    started_at: stamp(usage.launch_type.toUpperCase().startsWith("FARGATE") ? (usage.pull_started_at ?? usage.started_at) : usage.started_at),
    stopped_at: stamp(usage.stopped_at),
    billed_seconds: priced.billedSeconds,
    cost_usd: priced.costUsd,
    pricing: priced.pricing,
  };
  await database.db
    .insertInto("flow_run_cost")
    .values({ flow_run_id: flowRunId, created: now, ...values })
    .onConflict((oc) => oc.column("flow_run_id").doUpdateSet(values))
    .execute();
  return (await readRunCost(database, flowRunId))!;
}

export async function readRunCost(database: Database, flowRunId: string): Promise<RunCost | undefined> {
  const row = await database.db.selectFrom("flow_run_cost").selectAll().where("flow_run_id", "=", flowRunId).executeTakeFirst();
  return row ? costFromRow(row) : undefined;
}

/** Every costed run's cost summed per deployment or per work pool, most expensive first. */
export async function summarizeCosts(database: Database, query: CostSummaryQuery): Promise<CostSummaryRow[]> {
  const byDeployment = query.group_by === "deployment";
  let select = database.db
    .selectFrom("flow_run_cost")
    .innerJoin("flow_run", "flow_run.id", "flow_run_cost.flow_run_id")
    .leftJoin("deployment", "deployment.id", "flow_run.deployment_id")
    .select((eb) => [
      (byDeployment ? eb.ref("flow_run.deployment_id") : eb.ref("flow_run.work_pool_name")).as("key"),
      eb.fn.max(byDeployment ? "deployment.name" : "flow_run.work_pool_name").as("name"),
      eb.fn.countAll<number>().as("runs"),
      eb.fn.count<number>("flow_run_cost.cost_usd").as("priced_runs"),
      eb.fn.coalesce(eb.fn.sum<number>("flow_run_cost.cost_usd"), eb.val(0)).as("cost_usd"),
      eb.fn.coalesce(eb.fn.sum<number>("flow_run_cost.billed_seconds"), eb.val(0)).as("billed_seconds"),
    ])
    .groupBy(byDeployment ? "flow_run.deployment_id" : "flow_run.work_pool_name");
  if (query.since) select = select.where("flow_run_cost.stopped_at", ">=", normalizeTimestamp(query.since));
  const rows = await select.execute();
  return rows
    .map((r) => ({
      key: (r.key as string | null) ?? null,
      name: (r.name as string | null) ?? null,
      runs: Number(r.runs),
      priced_runs: Number(r.priced_runs),
      cost_usd: Number(r.cost_usd),
      billed_seconds: Number(r.billed_seconds),
    }))
    .sort((a, b) => b.cost_usd - a.cost_usd || String(a.name).localeCompare(String(b.name)));
}
