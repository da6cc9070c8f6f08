import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { LimitField, NAME_PATTERN, OffsetField, OperatorSchema } from "./work-pools.js";

export const WORK_QUEUE_STATUSES = ["READY", "NOT_READY", "PAUSED"] as const;
export const WorkQueueStatusSchema = Type.Union(WORK_QUEUE_STATUSES.map((s) => Type.Literal(s)));
export type WorkQueueStatus = (typeof WORK_QUEUE_STATUSES)[number];

/** Prefect's deprecated queue `filter`: accepted and ignored (work pool queues route runs by id). */
export const QueueFilterSchema = Type.Object({
  tags: Type.Optional(Nullable(Type.Array(Type.String()))),
  deployment_ids: Type.Optional(Nullable(Type.Array(Uuid))),
});

/** `POST /work_pools/{work_pool_name}/queues` (Prefect's `WorkQueueCreate`). */
export const WorkQueueCreateSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    description: Type.Optional(Nullable(Type.String())),
    is_paused: Type.Optional(Type.Boolean()),
    concurrency_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    /** 1 is the highest; when not given, the first free priority of the pool. */
    priority: Type.Optional(Nullable(Type.Integer({ exclusiveMinimum: 0 }))),
    filter: Type.Optional(Nullable(QueueFilterSchema)),
  },
  { additionalProperties: false },
);
export type WorkQueueCreate = Static<typeof WorkQueueCreateSchema>;

/** `PATCH /work_pools/{work_pool_name}/queues/{name}` (Prefect's `WorkQueueUpdate`): only the keys sent change. */
export const WorkQueueUpdateSchema = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ pattern: NAME_PATTERN }))),
    description: Type.Optional(Nullable(Type.String())),
    is_paused: Type.Optional(Nullable(Type.Boolean())),
    concurrency_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    priority: Type.Optional(Nullable(Type.Integer({ exclusiveMinimum: 0 }))),
    last_polled: Type.Optional(Nullable(DateTime)),
    filter: Type.Optional(Nullable(QueueFilterSchema)),
  },
  { additionalProperties: false },
);
export type WorkQueueUpdate = Static<typeof WorkQueueUpdateSchema>;

/** A work pool queue as the API returns it (Prefect's `WorkQueueResponse`). */
export const WorkQueueSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  description: Nullable(Type.String()),
  is_paused: Type.Boolean(),
  concurrency_limit: Nullable(Type.Integer()),
  priority: Type.Integer(),
  work_pool_id: Nullable(Uuid),
  filter: Nullable(QueueFilterSchema),
  last_polled: Nullable(DateTime),
  work_pool_name: Nullable(Type.String()),
  status: Nullable(WorkQueueStatusSchema),
  /** Runs holding a slot of the queue's concurrency limit; null when the queue has no limit. */
  active_slots: Nullable(Type.Integer()),
});
export type WorkQueue = Static<typeof WorkQueueSchema>;

/** Prefect's `WorkQueueFilter` (`name.startswith_` is a case-insensitive prefix match). */
export const WorkQueueFilterSchema = Type.Object(
  {
    operator: Type.Optional(OperatorSchema),
    id: Type.Optional(Nullable(Type.Object({ any_: Type.Optional(Nullable(Type.Array(Uuid))) }, { additionalProperties: false }))),
    name: Type.Optional(
      Nullable(
        Type.Object(
          {
            any_: Type.Optional(Nullable(Type.Array(Type.String()))),
            startswith_: Type.Optional(Nullable(Type.Array(Type.String()))),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type WorkQueueFilter = Static<typeof WorkQueueFilterSchema>;

export const WorkQueueFilterBodySchema = Type.Object(
  { work_queues: Type.Optional(Nullable(WorkQueueFilterSchema)), offset: OffsetField, limit: LimitField },
  { additionalProperties: false },
);
export type WorkQueueFilterBody = Static<typeof WorkQueueFilterBodySchema>;

export const WorkPoolPathParamsSchema = Type.Object({ work_pool_name: Type.String() });
export const WorkQueuePathParamsSchema = Type.Object({ work_pool_name: Type.String(), name: Type.String() });
