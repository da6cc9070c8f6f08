import type { Kysely } from "kysely";
import { Cron } from "croner";
import rrule from "rrule";
import type { DeploymentSchedule, DeploymentScheduleCreate, Schedule, ScheduleInput } from "@ecsflow/schemas";
import type { DB, DeploymentScheduleTable } from "../../database/index.js";
import { ValidationFailedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { normalizeTimestamp, nowTimestamp } from "../../timestamps.js";
import { parseJson, toBool, toJson } from "../shared/json-columns.js";

const { rrulestr } = rrule;

// Prefect's limit: about a year of RDATEs.
const MAX_RRULE_LENGTH = 6500;

type Loc = (string | number)[];

function invalid(loc: Loc, msg: string): never {
  throw new ValidationFailedError(msg, [{ loc, msg, type: "value_error" }]);
}

function checkTimezone(timezone: string, loc: Loc): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    invalid([...loc, "timezone"], `Invalid timezone: "${timezone}" (specify in IANA tzdata format, for example, America/New_York)`);
  }
  return timezone;
}

function onlyKeys(input: ScheduleInput, allowed: string[], kind: string, loc: Loc): void {
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) invalid([...loc, key], `Extra inputs are not permitted in a ${kind} schedule`);
  }
}

/**
 * Checks a client's schedule and fills Prefect's defaults: an interval schedule is anchored now
 * in UTC unless told otherwise, a cron schedule ORs day-of-month and day-of-week, an rrule
 * schedule is in UTC. Invalid input is a 422 naming the field.
 */
export function normalizeSchedule(input: ScheduleInput, loc: Loc): Schedule {
  const kinds = (["interval", "cron", "rrule"] as const).filter((k) => input[k] !== undefined);
  if (kinds.length !== 1) invalid(loc, "A schedule needs exactly one of interval, cron or rrule.");
  const timezone = input.timezone;
  if (input.interval !== undefined) {
    onlyKeys(input, ["interval", "anchor_date", "timezone"], "interval", loc);
    if (!(input.interval > 0)) invalid([...loc, "interval"], "The interval must be positive.");
    return {
      interval: input.interval,
      anchor_date: input.anchor_date ? normalizeTimestamp(input.anchor_date) : nowTimestamp(),
      timezone: timezone ? checkTimezone(timezone, loc) : "UTC",
    };
  }
  if (input.cron !== undefined) {
    onlyKeys(input, ["cron", "timezone", "day_or"], "cron", loc);
    const cron = input.cron;
    if (cron.split(/\s+/).some((part) => ["r", "h"].includes(part.toLowerCase()))) invalid([...loc, "cron"], `Random and Hashed expressions are unsupported, received: "${cron}"`);
    try {
      new Cron(cron, { paused: true });
    } catch {
      invalid([...loc, "cron"], `Invalid cron string: "${cron}"`);
    }
    return { cron, timezone: timezone ? checkTimezone(timezone, loc) : null, day_or: input.day_or ?? true };
  }
  onlyKeys(input, ["rrule", "timezone"], "rrule", loc);
  const text = input.rrule as string;
  if (text.length > MAX_RRULE_LENGTH) invalid([...loc, "rrule"], `Invalid RRule string: max length is ${MAX_RRULE_LENGTH}, got ${text.length}`);
  try {
    rrulestr(text);
  } catch (error) {
    invalid([...loc, "rrule"], `Invalid RRule string "${text}": ${(error as Error).message}`);
  }
  return { rrule: text, timezone: timezone ? checkTimezone(timezone, loc) : "UTC" };
}

export function scheduleFromRow(row: DeploymentScheduleTable): DeploymentSchedule {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    deployment_id: row.deployment_id,
    schedule: parseJson<Schedule>(row.schedule, { interval: 0, anchor_date: row.created, timezone: "UTC" }),
    active: toBool(row.active),
    max_scheduled_runs: row.max_scheduled_runs,
    parameters: parseJson(row.parameters, {}),
    slug: row.slug,
  };
}

/** Checks every schedule before anything is written, so a bad one changes nothing. */
export function normalizeSchedules(schedules: DeploymentScheduleCreate[], loc: Loc): (DeploymentScheduleCreate & { schedule: Schedule })[] {
  const slugs = new Set<string>();
  return schedules.map((s, i) => {
    if (s.slug) {
      if (slugs.has(s.slug)) invalid([...loc, i, "slug"], "Schedule slugs must be unique within a deployment.");
      slugs.add(s.slug);
    }
    return { ...s, schedule: normalizeSchedule(s.schedule, [...loc, i, "schedule"]) };
  });
}

export async function insertSchedules(db: Kysely<DB>, deploymentId: string, schedules: (DeploymentScheduleCreate & { schedule: Schedule })[]): Promise<void> {
  if (schedules.length === 0) return;
  const now = nowTimestamp();
  await db
    .insertInto("deployment_schedule")
    .values(
      schedules.map((s) => ({
        id: newId(),
        created: now,
        updated: now,
        deployment_id: deploymentId,
        schedule: toJson(s.schedule),
        active: s.active === false ? 0 : 1,
        max_scheduled_runs: s.max_scheduled_runs ?? null,
        parameters: toJson(s.parameters ?? {}),
        slug: s.slug ?? null,
      })),
    )
    .execute();
}

/** Schedules of the given deployments, in creation order, grouped by deployment id (one query). */
export async function readSchedules(db: Kysely<DB>, deploymentIds: string[]): Promise<Map<string, DeploymentSchedule[]>> {
  const byDeployment = new Map<string, DeploymentSchedule[]>();
  if (deploymentIds.length === 0) return byDeployment;
  const rows = await db.selectFrom("deployment_schedule").selectAll().where("deployment_id", "in", deploymentIds).orderBy("created").orderBy("id").execute();
  for (const row of rows) {
    const list = byDeployment.get(row.deployment_id) ?? [];
    list.push(scheduleFromRow(row));
    byDeployment.set(row.deployment_id, list);
  }
  return byDeployment;
}
