import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { StateTypeSchema } from "./states.js";

export const NOTIFICATION_FORMATS = ["json", "slack"] as const;
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number];

const Names = (maxItems: number) => Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems });

/**
 * `POST /api/ecsflow/notifications`: a webhook called when a flow run enters one of the listed
 * states. Empty lists match everything: no state types and no state names means every state; no
 * deployments, pools or tags means every run. Lists are OR within, AND across.
 */
export const NotificationCreateSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    /** `json`: ecsflow's event object; `slack`: Slack's incoming-webhook `{"text": …}`. */
    format: Type.Optional(Type.Union(NOTIFICATION_FORMATS.map((f) => Type.Literal(f)), { default: "json" })),
    state_types: Type.Optional(Type.Array(StateTypeSchema, { maxItems: 20, default: [] })),
    state_names: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50, default: [] })),
    deployment_ids: Type.Optional(Type.Array(Uuid, { maxItems: 100, default: [] })),
    work_pool_names: Type.Optional(Names(100)),
    tags: Type.Optional(Names(100)),
  },
  { additionalProperties: false },
);
export type NotificationCreate = Static<typeof NotificationCreateSchema>;

/** A subscription as listed: never its secret. */
export const NotificationSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  url: Type.String(),
  format: Type.String(),
  state_types: Type.Array(Type.String()),
  state_names: Type.Array(Type.String()),
  deployment_ids: Type.Array(Type.String()),
  work_pool_names: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  /** DELIVERED, PENDING (retrying) or FAILED; null before the first delivery. */
  last_delivery_status: Nullable(Type.String()),
  last_delivery_attempts: Nullable(Type.Integer()),
  last_delivery_error: Nullable(Type.String()),
  last_delivery_at: Nullable(DateTime),
});
export type Notification = Static<typeof NotificationSchema>;

/** The answer to creation: the only time the signing secret is shown. */
export const NotificationCreatedSchema = Type.Composite([NotificationSchema, Type.Object({ secret: Type.String() })]);
export type NotificationCreated = Static<typeof NotificationCreatedSchema>;

/** The JSON body of a `json` delivery (`slack` sends `{"text": …}` instead). */
export interface NotificationEvent {
  event: "flow_run.state_changed";
  delivery_id: string;
  subscription_id: string;
  occurred: string;
  flow_run: {
    id: string;
    name: string;
    deployment_id: string | null;
    work_pool_name: string | null;
    tags: string[];
    state: { type: string; name: string; message: string | null; timestamp: string };
  };
}
