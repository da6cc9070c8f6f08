import { sql, type RawBuilder } from "kysely";
import type { FlowRunHistoryBody, HistoryResponse, StateType } from "@ecsflow/schemas";
import type { Database } from "../../database/index.js";
import type { Engine } from "../../database/engine.js";
import { ValidationFailedError } from "../../errors.js";
import { toTimestamp } from "../../timestamps.js";
import { flowRunsMatching } from "../filters/related-filters.js";

/** As Prefect: a history of more intervals than a chart can show is a mistake in the request. */
export const MAX_HISTORY_INTERVALS = 500;

function invalid(field: string, msg: string): never {
  throw new ValidationFailedError(msg, [{ loc: ["body", field], msg }]);
}

/** Seconds since the epoch of a stored timestamp (fixed-width ISO text on both engines). */
function epoch(engine: Engine, column: string): RawBuilder<number> {
  return engine === "sqlite"
    ? sql<number>`((julianday(${sql.ref(column)}) - 2440587.5) * 86400.0)`
    : sql<number>`cast(extract(epoch from cast(${sql.ref(column)} as timestamptz)) as double precision)`;
}

interface Row {
  bucket: number | string;
  state_type: string;
  state_name: string | null;
  count_runs: number | string;
  run_time: number | string | null;
  lateness: number | string | null;
}

/**
 * Prefect's flow run history: the runs whose expected start falls in each interval of
 * [history_start, history_end), counted per state with their estimated run time and lateness.
 * Aggregated by the database in one query on both engines: the interval of a run comes from
 * comparing its timestamp text with the interval bounds (exact; the text form sorts as time), the
 * sums from the engine's epoch arithmetic. Every interval is returned, empty ones with no states.
 */
export async function readFlowRunHistory(database: Database, body: FlowRunHistoryBody, now: number = Date.now()): Promise<HistoryResponse[]> {
  const start = Date.parse(body.history_start);
  const end = Date.parse(body.history_end);
  const stepMs = Math.round(body.history_interval_seconds * 1000);
  if (!(body.history_interval_seconds >= 1)) invalid("history_interval_seconds", "History interval must not be less than 1 second.");
  if (!(end > start)) invalid("history_end", "history_end must be after history_start.");
  const count = Math.ceil((end - start) / stepMs);
  if (count > MAX_HISTORY_INTERVALS) {
    invalid("history_interval_seconds", `The history would have ${count} intervals; at most ${MAX_HISTORY_INTERVALS} are allowed: widen the interval or shorten the range.`);
  }
  const starts = Array.from({ length: count }, (_, i) => start + i * stepMs);
  const startText = toTimestamp(start);
  const endText = toTimestamp(end);

  const { engine } = database;
  const nowS = sql.lit(now / 1000);
  const expected = epoch(engine, "flow_run.expected_start_time");
  const started = epoch(engine, "flow_run.start_time");
  const stateAt = epoch(engine, "flow_run.state_timestamp");
  // Interval index: the first upper bound the run is below; literal numbers keep PostgreSQL from
  // having to guess a parameter's type in a CASE result.
  const bucket =
    count === 1
      ? sql<number>`0`
      : sql<number>`case ${sql.join(
          starts.slice(1).map((s, i) => sql`when flow_run.expected_start_time < ${toTimestamp(s)} then ${sql.lit(i)}`),
          sql` `,
        )} else ${sql.lit(count - 1)} end`;
  const runTime = sql<number>`flow_run.total_run_time + case when flow_run.state_type = 'RUNNING' and flow_run.state_timestamp is not null and ${nowS} > ${stateAt} then ${nowS} - ${stateAt} else 0 end`;
  const lateness = sql<number>`case
    when flow_run.start_time is not null then case when ${started} > ${expected} then ${started} - ${expected} else 0 end
    when flow_run.state_type in ('SCHEDULED', 'PENDING') and ${nowS} > ${expected} then ${nowS} - ${expected}
    else 0 end`;

  const filters = { ...body, work_pool_queues: body.work_queues };
  const rows = (await database.db
    .selectFrom("flow_run")
    .select([
      bucket.as("bucket"),
      "flow_run.state_type",
      "flow_run.state_name",
      (eb) => eb.fn.countAll<number>().as("count_runs"),
      sql<number>`sum(${runTime})`.as("run_time"),
      sql<number>`sum(${lateness})`.as("lateness"),
    ])
    .where("flow_run.expected_start_time", ">=", startText)
    .where("flow_run.expected_start_time", "<", endText)
    .where("flow_run.state_type", "is not", null)
    .where(flowRunsMatching(engine, filters))
    .groupBy([sql`1`, "flow_run.state_type", "flow_run.state_name"])
    .execute()) as Row[];

  const out: HistoryResponse[] = starts.map((s) => ({ interval_start: toTimestamp(s), interval_end: toTimestamp(s + stepMs), states: [] }));
  for (const r of rows) {
    out[Number(r.bucket)].states.push({
      state_type: r.state_type as StateType,
      state_name: r.state_name ?? r.state_type,
      count_runs: Number(r.count_runs),
      sum_estimated_run_time: Number(r.run_time ?? 0),
      sum_estimated_lateness: Number(r.lateness ?? 0),
    });
  }
  for (const interval of out) interval.states.sort((a, b) => a.state_type.localeCompare(b.state_type) || a.state_name.localeCompare(b.state_name));
  return out;
}
