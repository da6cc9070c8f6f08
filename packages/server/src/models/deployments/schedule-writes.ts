import type { DeploymentSchedule, DeploymentScheduleCreate, DeploymentScheduleUpdate } from "@ecsflow/schemas";
import type { Database } from "../../database/index.js";
import { ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { nowTimestamp } from "../../timestamps.js";
import { insertSchedules, normalizeSchedule, normalizeSchedules, readSchedules } from "./schedules.js";
import { toJson } from "../shared/json-columns.js";

const deploymentNotFound = () => new ObjectNotFoundError("Deployment not found");
const scheduleNotFound = () => new ObjectNotFoundError("Schedule not found.");

async function assertDeployment(database: Database, deploymentId: string): Promise<void> {
  const row = await database.db.selectFrom("deployment").select("id").where("id", "=", deploymentId).executeTakeFirst();
  if (!row) throw deploymentNotFound();
}

/**
 * Deletes the deployment's future auto-scheduled runs that never ran, as Prefect does when a
 * schedule changes or goes: the scheduler's next pass recreates them from the schedules as they are now.
 */
async function deleteFutureAutoScheduledRuns(database: Database, deploymentId: string): Promise<void> {
  await database.db
    .deleteFrom("flow_run")
    .where("deployment_id", "=", deploymentId)
    .where("state_type", "=", "SCHEDULED")
    .where("state_name", "<>", "AwaitingConcurrencySlot")
    .where("auto_scheduled", "=", 1)
    .where("run_count", "=", 0)
    .where("next_scheduled_start_time", ">", nowTimestamp())
    .execute();
}

async function assertSlugsFree(database: Database, deploymentId: string, slugs: { slug: string; loc: (string | number)[] }[], exceptId?: string): Promise<void> {
  if (slugs.length === 0) return;
  let query = database.db
    .selectFrom("deployment_schedule")
    .select("slug")
    .where("deployment_id", "=", deploymentId)
    .where(
      "slug",
      "in",
      slugs.map((s) => s.slug),
    );
  if (exceptId) query = query.where("id", "!=", exceptId);
  const taken = new Set((await query.execute()).map((r) => r.slug));
  const clash = slugs.find((s) => taken.has(s.slug));
  if (clash) {
    const msg = `This deployment already has a schedule with slug "${clash.slug}".`;
    throw new ValidationFailedError(msg, [{ loc: clash.loc, msg }]);
  }
}

/** `POST /deployments/{id}/schedules`: adds schedules (all checked before any is written). */
export async function createDeploymentSchedules(database: Database, deploymentId: string, body: DeploymentScheduleCreate[]): Promise<DeploymentSchedule[]> {
  await assertDeployment(database, deploymentId);
  const schedules = normalizeSchedules(body, ["body"]);
  await assertSlugsFree(
    database,
    deploymentId,
    schedules.flatMap((s, i) => (s.slug ? [{ slug: s.slug, loc: ["body", i, "slug"] }] : [])),
  );
  const before = new Set((await database.db.selectFrom("deployment_schedule").select("id").where("deployment_id", "=", deploymentId).execute()).map((r) => r.id));
  await insertSchedules(database.db, deploymentId, schedules);
  return ((await readSchedules(database.db, [deploymentId])).get(deploymentId) ?? []).filter((s) => !before.has(s.id));
}

/** `PATCH /deployments/{id}/schedules/{schedule_id}`: changes the fields sent. */
export async function updateDeploymentSchedule(database: Database, deploymentId: string, scheduleId: string, body: DeploymentScheduleUpdate): Promise<void> {
  await assertDeployment(database, deploymentId);
  const existing = await database.db.selectFrom("deployment_schedule").select("id").where("id", "=", scheduleId).where("deployment_id", "=", deploymentId).executeTakeFirst();
  if (!existing) throw scheduleNotFound();
  const set: Record<string, unknown> = { updated: nowTimestamp() };
  if (body.schedule) set.schedule = toJson(normalizeSchedule(body.schedule, ["body", "schedule"]));
  if (body.active !== undefined && body.active !== null) set.active = body.active ? 1 : 0;
  if (body.max_scheduled_runs !== undefined) set.max_scheduled_runs = body.max_scheduled_runs;
  if (body.parameters !== undefined) set.parameters = toJson(body.parameters);
  if (body.slug !== undefined) {
    if (body.slug) await assertSlugsFree(database, deploymentId, [{ slug: body.slug, loc: ["body", "slug"] }], scheduleId);
    set.slug = body.slug;
  }
  await database.db.updateTable("deployment_schedule").set(set).where("id", "=", scheduleId).execute();
  await deleteFutureAutoScheduledRuns(database, deploymentId);
}

/** `DELETE /deployments/{id}/schedules/{schedule_id}`. */
export async function deleteDeploymentSchedule(database: Database, deploymentId: string, scheduleId: string): Promise<void> {
  await assertDeployment(database, deploymentId);
  const result = await database.db.deleteFrom("deployment_schedule").where("id", "=", scheduleId).where("deployment_id", "=", deploymentId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw scheduleNotFound();
  await deleteFutureAutoScheduledRuns(database, deploymentId);
}
