import type { Notification, NotificationCreate, NotificationCreated } from "@ecsflow/schemas";
import type { Database, NotificationSubscriptionTable } from "../../database/index.js";
import { ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { newSecret } from "../../notifications/sign-body.js";
import { webhookUrlProblem } from "../../notifications/webhook-url.js";
import { forgetSubscriptions } from "../../notifications/subscription-cache.js";
import { nowTimestamp } from "../../timestamps.js";
import { parseJson, toJson } from "../shared/json-columns.js";

export function notificationFromRow(row: NotificationSubscriptionTable): Notification {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    url: row.url,
    format: row.format,
    state_types: parseJson<string[]>(row.state_types, []),
    state_names: parseJson<string[]>(row.state_names, []),
    deployment_ids: parseJson<string[]>(row.deployment_ids, []),
    work_pool_names: parseJson<string[]>(row.work_pool_names, []),
    tags: parseJson<string[]>(row.tags, []),
    last_delivery_status: row.last_delivery_status,
    last_delivery_attempts: row.last_delivery_attempts,
    last_delivery_error: row.last_delivery_error,
    last_delivery_at: row.last_delivery_at,
  };
}

/** Creates a subscription; its secret is returned here and never again. */
export async function createNotification(database: Database, body: NotificationCreate): Promise<NotificationCreated> {
  const problem = webhookUrlProblem(body.url);
  if (problem) throw new ValidationFailedError(`url ${problem}`, [{ loc: ["body", "url"], msg: `url ${problem}`, type: "value_error" }]);
  const now = nowTimestamp();
  const url = new URL(body.url);
  const row: NotificationSubscriptionTable = {
    id: newId(),
    created: now,
    updated: now,
    name: body.name ?? url.host,
    url: body.url,
    format: body.format ?? "json",
    secret: newSecret(),
    state_types: toJson(body.state_types ?? []),
    state_names: toJson(body.state_names ?? []),
    deployment_ids: toJson(body.deployment_ids ?? []),
    work_pool_names: toJson(body.work_pool_names ?? []),
    tags: toJson(body.tags ?? []),
    last_delivery_status: null,
    last_delivery_attempts: null,
    last_delivery_error: null,
    last_delivery_at: null,
  };
  await database.db.insertInto("notification_subscription").values(row).execute();
  forgetSubscriptions(database);
  return { ...notificationFromRow(row), secret: row.secret };
}

export async function readNotifications(database: Database): Promise<Notification[]> {
  const rows = await database.db.selectFrom("notification_subscription").selectAll().orderBy("created").orderBy("id").execute();
  return rows.map(notificationFromRow);
}

export async function readNotification(database: Database, id: string): Promise<Notification> {
  const row = await database.db.selectFrom("notification_subscription").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ObjectNotFoundError("Notification not found");
  return notificationFromRow(row);
}

export async function deleteNotification(database: Database, id: string): Promise<void> {
  const result = await database.db.deleteFrom("notification_subscription").where("id", "=", id).executeTakeFirst();
  forgetSubscriptions(database);
  if (Number(result.numDeletedRows) === 0) throw new ObjectNotFoundError("Notification not found");
}
