import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { LimitField, OffsetField, OperatorSchema } from "./work-pools.js";

export const WORKER_STATUSES = ["ONLINE", "OFFLINE"] as const;
export const WorkerStatusSchema = Type.Union(WORKER_STATUSES.map((s) => Type.Literal(s)));
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** `POST /work_pools/{work_pool_name}/workers/heartbeat`. */
export const WorkerHeartbeatBodySchema = Type.Object(
  {
    name: Type.String(),
    heartbeat_interval_seconds: Type.Optional(Nullable(Type.Integer())),
  },
  { additionalProperties: false },
);
export type WorkerHeartbeatBody = Static<typeof WorkerHeartbeatBodySchema>;

/** A worker as the API returns it (Prefect's `WorkerResponse`). */
export const WorkerSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  work_pool_id: Uuid,
  last_heartbeat_time: Nullable(DateTime),
  heartbeat_interval_seconds: Nullable(Type.Integer()),
  status: WorkerStatusSchema,
});
export type Worker = Static<typeof WorkerSchema>;

/** Prefect's `WorkerFilter`. */
export const WorkerFilterSchema = Type.Object(
  {
    operator: Type.Optional(OperatorSchema),
    last_heartbeat_time: Type.Optional(
      Nullable(
        Type.Object(
          { before_: Type.Optional(Nullable(DateTime)), after_: Type.Optional(Nullable(DateTime)) },
          { additionalProperties: false },
        ),
      ),
    ),
    status: Type.Optional(
      Nullable(
        Type.Object(
          {
            any_: Type.Optional(Nullable(Type.Array(WorkerStatusSchema))),
            not_any_: Type.Optional(Nullable(Type.Array(WorkerStatusSchema))),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type WorkerFilter = Static<typeof WorkerFilterSchema>;

export const WorkerFilterBodySchema = Type.Object(
  { workers: Type.Optional(Nullable(WorkerFilterSchema)), offset: OffsetField, limit: LimitField },
  { additionalProperties: false },
);
export type WorkerFilterBody = Static<typeof WorkerFilterBodySchema>;

export const WorkerPathParamsSchema = Type.Object({ work_pool_name: Type.String(), name: Type.String() });
