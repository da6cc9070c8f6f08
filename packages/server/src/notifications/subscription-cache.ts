import type { Database, NotificationSubscriptionTable } from "../database/index.js";

/**
 * Subscriptions as every transition checks them: read once and kept for a few seconds, so
 * set_state (the server's hottest path) costs no extra query while nobody subscribes. This
 * replica forgets them the moment one is created or deleted; another replica sees the change
 * within TTL_MS.
 */
const TTL_MS = 5_000;

type Cached = { rows: NotificationSubscriptionTable[]; expires: number } | { pending: Promise<NotificationSubscriptionTable[]> };
const caches = new WeakMap<object, Cached>();

export function forgetSubscriptions(database: Database): void {
  caches.delete(database.db);
}

export async function activeSubscriptions(database: Database, now = Date.now()): Promise<NotificationSubscriptionTable[]> {
  const cached = caches.get(database.db);
  if (cached && "pending" in cached) return cached.pending;
  if (cached && cached.expires > now) return cached.rows;
  const pending = database.db.selectFrom("notification_subscription").selectAll().execute();
  caches.set(database.db, { pending });
  try {
    const rows = await pending;
    if ((caches.get(database.db) as { pending?: unknown } | undefined)?.pending === pending) caches.set(database.db, { rows, expires: now + TTL_MS });
    return rows;
  } catch (error) {
    caches.delete(database.db);
    throw error;
  }
}
