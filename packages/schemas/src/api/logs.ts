import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";

/**
 * The most logs one `POST /logs/` may carry. Prefect's client sends batches of at most a few
 * thousand lines; a cap keeps one request from holding the write lock for long.
 */
export const MAX_LOGS_PER_REQUEST = 5_000;

/** `POST /logs/` takes an array of these (Prefect's `LogCreate`). */
export const LogCreateSchema = Type.Object(
  {
    name: Type.String(),
    level: Type.Integer(),
    message: Type.String(),
    timestamp: DateTime,
    flow_run_id: Type.Optional(Nullable(Uuid)),
    task_run_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type LogCreate = Static<typeof LogCreateSchema>;

export const LogCreateBatchSchema = Type.Array(LogCreateSchema, { maxItems: MAX_LOGS_PER_REQUEST });

/** A log line as the API returns it (Prefect's `Log`). */
export const LogSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  level: Type.Integer(),
  message: Type.String(),
  timestamp: DateTime,
  flow_run_id: Nullable(Uuid),
  task_run_id: Nullable(Uuid),
});
export type Log = Static<typeof LogSchema>;
