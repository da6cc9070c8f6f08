import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { NotificationEvent } from "@ecsflow/schemas";
import { isLinkLocal } from "../notifications/webhook-url.js";
import { SIGNATURE_HEADER, signBody } from "../notifications/sign-body.js";
import { toTimestamp } from "../timestamps.js";
import type { BackgroundService, ServiceContext } from "./background-service.js";

export interface NotificationDeliveryOptions {
  intervalSeconds: number;
  /** The wait before the second attempt; each later one waits twice as long, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Attempts before a delivery is given up as FAILED. */
  maxAttempts: number;
  /** How long one webhook call may take before it counts as failed. */
  timeoutMs: number;
  batchSize?: number;
}

function slackText(event: NotificationEvent): string {
  const run = event.flow_run;
  const where = [run.work_pool_name && `pool ${run.work_pool_name}`, run.deployment_id && `deployment ${run.deployment_id}`].filter(Boolean).join(", ");
  const message = run.state.message ? `: ${run.state.message}` : "";
  return `Flow run ${run.name} (${run.id}) is ${run.state.name} [${run.state.type}]${where ? ` (${where})` : ""}${message}`;
}

/** A name that resolves to a link-local address is refused at delivery too (the URL check saw only the name). */
async function resolvesToLinkLocal(hostname: string): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return isLinkLocal(host);
  const addresses = await lookup(host, { all: true });
  return addresses.some((a) => isLinkLocal(a.address));
}

/** The outcome of one call: a status code, or an error in words (never the secret or headers). */
async function post(url: string, body: string, secret: string, timeoutMs: number): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    if (await resolvesToLinkLocal(new URL(url).hostname)) return { ok: false, status: null, error: "the host resolves to a link-local (instance metadata) address" };
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "ecsflow-notifications", [SIGNATURE_HEADER]: signBody(secret, body) },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, status: null, error: reason };
  }
}

/**
 * Sends queued webhook deliveries: each due one is POSTed (signed with its subscription's secret),
 * retried with exponential backoff until it is answered 2xx or runs out of attempts; the
 * subscription keeps the last delivery's status, attempts and error. A row is claimed (its next
 * attempt moved past the call's timeout) before it is sent, so a pass that overlaps another
 * replica's after a lease change sends it once.
 */
export function notificationDeliveryService(options: NotificationDeliveryOptions): BackgroundService {
  const batchSize = options.batchSize ?? 50;
  return {
    name: "notification-delivery",
    intervalSeconds: options.intervalSeconds,
    async run({ database, now }: ServiceContext) {
      const db = database.db;
      const due = await db
        .selectFrom("notification_delivery")
        .innerJoin("notification_subscription", "notification_subscription.id", "notification_delivery.subscription_id")
        .select([
          "notification_delivery.id",
          "notification_delivery.body",
          "notification_delivery.attempts",
          "notification_delivery.next_attempt_at",
          "notification_subscription.id as subscription_id",
          "notification_subscription.url",
          "notification_subscription.format",
          "notification_subscription.secret",
        ])
        .where("notification_delivery.status", "=", "PENDING")
        .where("notification_delivery.next_attempt_at", "<=", toTimestamp(now))
        .orderBy("notification_delivery.next_attempt_at")
        .limit(batchSize)
        .execute();
      let delivered = 0;
      for (const row of due) {
        const claimed = await db
          .updateTable("notification_delivery")
          .set({ next_attempt_at: toTimestamp(Date.now() + options.timeoutMs * 2 + 1000) })
          .where("id", "=", row.id)
          .where("next_attempt_at", "=", row.next_attempt_at)
          .where("status", "=", "PENDING")
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) continue;
        const body = row.format === "slack" ? JSON.stringify({ text: slackText(JSON.parse(row.body) as NotificationEvent) }) : row.body;
        const outcome = await post(row.url, body, row.secret, options.timeoutMs);
        const attempts = row.attempts + 1;
        const at = Date.now();
        const status = outcome.ok ? "DELIVERED" : attempts >= options.maxAttempts ? "FAILED" : "PENDING";
        const backoff = Math.min(options.maxBackoffMs, options.baseBackoffMs * 2 ** (attempts - 1));
        await db
          .updateTable("notification_delivery")
          .set({ status, attempts, updated: toTimestamp(at), next_attempt_at: toTimestamp(at + backoff), last_status_code: outcome.status, last_error: outcome.error })
          .where("id", "=", row.id)
          .execute();
        await db
          .updateTable("notification_subscription")
          .set({ last_delivery_status: status, last_delivery_attempts: attempts, last_delivery_error: outcome.error, last_delivery_at: toTimestamp(at) })
          .where("id", "=", row.subscription_id)
          .execute();
        if (outcome.ok) delivered++;
      }
      return delivered;
    },
  };
}
