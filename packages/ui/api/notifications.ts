import { apiRequest } from "./api-client";
import type { StateType } from "./types";

/** A webhook subscription as the server lists it (never its secret). */
export interface Notification {
  id: string;
  created: string;
  name: string;
  url: string;
  format: string;
  state_types: string[];
  state_names: string[];
  deployment_ids: string[];
  work_pool_names: string[];
  tags: string[];
  /** DELIVERED, PENDING (retrying) or FAILED; null before the first delivery. */
  last_delivery_status: string | null;
  last_delivery_attempts: number | null;
  last_delivery_error: string | null;
  last_delivery_at: string | null;
}

export interface NotificationCreateInput {
  name?: string;
  url: string;
  format: "json" | "slack";
  state_types: StateType[];
  work_pool_names: string[];
  deployment_ids: string[];
  tags: string[];
}

export const readNotifications = (signal?: AbortSignal) => apiRequest<Notification[]>("GET", "/ecsflow/notifications", undefined, { signal });

/** The answer carries the signing secret, shown this once. */
export const createNotification = (input: NotificationCreateInput) => apiRequest<Notification & { secret: string }>("POST", "/ecsflow/notifications", input);

export const deleteNotification = (id: string) => apiRequest<void>("DELETE", `/ecsflow/notifications/${encodeURIComponent(id)}`);
