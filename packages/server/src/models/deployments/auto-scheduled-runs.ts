import { runEventFrom, runEventsFor } from "../../events/run-events.js";
import { sql } from "kysely";
import type { Schedule } from "@ecsflow/schemas";
import type { Database, FlowRunTable } from "../../database/index.js";
import { newId } from "../../ids.js";
import { initialStateColumns, stateHistoryRow } from "../../orchestration/set-run-state.js";
import { toTimestamp } from "../../timestamps.js";
import { parseJson, toJson } from "../shared/json-columns.js";
import { newFlowRunRow } from "../flow-runs/new-flow-run-row.js";
import { upcomingTimes } from "./schedule-times.js";

export interface SchedulingWindow {
  /** At least this many runs ahead (Prefect: 3)… */
  minRuns: number;
  /** …and at least this far ahead (Prefect: 1 h)… */
  minSeconds: number;
  /** …but never more than this many runs per schedule (Prefect: 100; a schedule's max_scheduled_runs wins)… */
  maxRuns: number;
  /** …nor further ahead than this (Prefect: 100 days). */
  maxSeconds: number;
}

export const PREFECT_SCHEDULING_WINDOW: SchedulingWindow = { minRuns: 3, minSeconds: 3600, maxRuns: 100, maxSeconds: 100 * 86_400 };

/** The idempotency key of a scheduled run: one run per deployment and scheduled time, whoever creates it. */
export const scheduledRunKey = (deploymentId: string, time: string) => `scheduled ${deploymentId} ${time}`;

/**
 * Deployments that are not paused, have an active schedule, and have fewer than `minRuns`
 * auto-scheduled runs waiting or none beyond `minSeconds` from now: the ones a scheduler pass
 * must top up. Others are skipped without computing a single date.
 */
export async function deploymentsNeedingRuns(database: Database, now: number, window: SchedulingWindow, limit: number): Promise<string[]> {
  const nowTs = toTimestamp(now);
  const horizon = toTimestamp(now + window.minSeconds * 1000);
  const rows = await database.db
    .selectFrom("deployment as d")
    .select("d.id")
    .where("d.paused", "=", 0)
    .where((eb) => eb.exists(eb.selectFrom("deployment_schedule as s").select("s.id").whereRef("s.deployment_id", "=", "d.id").where("s.active", "=", 1)))
    .where((eb) =>
      eb.or([
        eb.not(
          eb.exists(
            eb
              .selectFrom("flow_run as r")
              .select("r.id")
              .whereRef("r.deployment_id", "=", "d.id")
              .where("r.state_type", "=", "SCHEDULED")
              .where("r.auto_scheduled", "=", 1)
              .where("r.next_scheduled_start_time", ">", horizon),
          ),
        ),
        eb(
          eb
            .selectFrom("flow_run as r")
            .select(sql<number>`count(*)`.as("n"))
            .whereRef("r.deployment_id", "=", "d.id")
            .where("r.state_type", "=", "SCHEDULED")
            .where("r.auto_scheduled", "=", 1)
            .where("r.next_scheduled_start_time", ">=", nowTs),
          "<",
          window.minRuns,
        ),
      ]),
    )
    .orderBy("d.id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The scheduled times a schedule needs from `now`: until both minimums are met (a run beyond the minimum time), within both maximums. */
export function timesToSchedule(schedule: Schedule, maxScheduledRuns: number | null, now: number, window: SchedulingWindow, scheduleCreated?: string): Date[] {
  const limit = Math.min(maxScheduledRuns ?? window.maxRuns, window.maxRuns);
  const end = now + window.maxSeconds * 1000;
  const enoughAt = now + window.minSeconds * 1000;
  const times: Date[] = [];
  for (const t of upcomingTimes(schedule, new Date(now), scheduleCreated ? new Date(Date.parse(scheduleCreated)) : undefined)) {
    if (times.length >= limit || t.getTime() > end) break;
    times.push(t);
    // Enough once there are minRuns and one of them lies beyond the minimum time ahead: that run
    // is also what tells the next pass (deploymentsNeedingRuns) that this deployment is covered.
    if (times.length >= window.minRuns && t.getTime() > enoughAt) break;
  }
  return times;
}

/**
 * Creates the deployments' upcoming runs (SCHEDULED, auto-scheduled, the deployment's parameters
 * with the schedule's on top, tags plus "auto-scheduled"). Each run carries the idempotency key
 * of its deployment and time and is inserted with ON CONFLICT DO NOTHING on the unique
 * (flow_id, idempotency_key) index: a restart, an overlapping pass or a second replica inserts
 * nothing twice. @returns the number of runs created.
 */
export async function createScheduledRuns(database: Database, deploymentIds: string[], now: number, window: SchedulingWindow): Promise<number> {
  if (deploymentIds.length === 0) return 0;
  const deployments = await database.db
    .selectFrom("deployment")
    .leftJoin("work_queue", "work_queue.id", "deployment.work_queue_id")
    .leftJoin("work_pool", "work_pool.id", "work_queue.work_pool_id")
    .selectAll("deployment")
    .select(["work_pool.id as pool_id", "work_pool.name as pool_name"])
    .where("deployment.id", "in", deploymentIds)
    .where("deployment.paused", "=", 0)
    .execute();
  const schedules = await database.db.selectFrom("deployment_schedule").selectAll().where("deployment_id", "in", deploymentIds).where("active", "=", 1).execute();
  const created = toTimestamp(now);
  let inserted = 0;
  for (const deployment of deployments) {
    const runs = new Map<string, { row: FlowRunTable; history: Record<string, unknown> }>();
    for (const s of schedules.filter((x) => x.deployment_id === deployment.id)) {
      const schedule = parseJson<Schedule>(s.schedule, { interval: 3600, anchor_date: s.created, timezone: "UTC" });
      const parameters = { ...parseJson<Record<string, unknown>>(deployment.parameters, {}), ...parseJson<Record<string, unknown>>(s.parameters, {}) };
      for (const time of timesToSchedule(schedule, s.max_scheduled_runs, now, window, s.created)) {
        const scheduledTime = toTimestamp(time);
        const key = scheduledRunKey(deployment.id, scheduledTime);
        if (runs.has(key)) continue; // two schedules firing at one time make one run
        const row = scheduledRunRow(deployment, parameters, key, created);
        const initial = initialStateColumns("flow_run", row, { type: "SCHEDULED", state_details: { scheduled_time: scheduledTime } }, now);
        runs.set(key, { row: { ...row, ...initial.columns } as FlowRunTable, history: stateHistoryRow(row.id, initial.state) });
      }
    }
    if (runs.size === 0) continue;
    const all = [...runs.values()];
    inserted += await database.db.transaction().execute(async (trx) => {
      const ids = await trx
        .insertInto("flow_run")
        .values(all.map((r) => r.row))
        .onConflict((oc) => oc.columns(["flow_id", "idempotency_key"]).doNothing())
        .returning("id")
        .execute();
      const newIds = new Set(ids.map((r) => r.id));
      const history = all.filter((r) => newIds.has(r.row.id)).map((r) => r.history);
      if (history.length > 0) await trx.insertInto("flow_run_state").values(history as never).execute();
      return newIds;
    }).then((newIds) => {
      runEventsFor(database).publish(all.filter((r) => newIds.has(r.row.id)).map((r) => runEventFrom("flow_run", r.row, created)));
      return newIds.size;
    });
  }
  return inserted;
}

type DeploymentWithPool = {
  id: string;
  flow_id: string;
  version: string | null;
  tags: string;
  labels: string;
  job_variables: string;
  work_queue_id: string | null;
  work_queue_name: string | null;
  pool_id: string | null;
  pool_name: string | null;
};

function scheduledRunRow(deployment: DeploymentWithPool, parameters: Record<string, unknown>, key: string, now: string): FlowRunTable {
  const tags = [...new Set([...parseJson<string[]>(deployment.tags, []), "auto-scheduled"])];
  const labels = { ...parseJson<Record<string, unknown>>(deployment.labels, {}), "prefect.flow.id": deployment.flow_id, "prefect.deployment.id": deployment.id };
  return newFlowRunRow(newId(), now, {
    tags: toJson(tags),
    labels: toJson(labels),
    flow_id: deployment.flow_id,
    deployment_id: deployment.id,
    deployment_version: deployment.version,
    work_queue_id: deployment.work_queue_id,
    work_queue_name: deployment.work_queue_name,
    work_pool_id: deployment.pool_id,
    work_pool_name: deployment.pool_name,
    parameters: toJson(parameters),
    idempotency_key: key,
    auto_scheduled: 1,
    job_variables: deployment.job_variables,
  });
}
