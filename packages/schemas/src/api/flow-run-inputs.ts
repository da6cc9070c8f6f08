import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";

// A flow run's key/value inputs (`/flow_runs/{id}/input`): what `pause_flow_run(wait_for_input=…)`
// waits for and `send_input` sends. The value is text the client chose (Prefect's clients send JSON).

/** Prefect's rule for input keys: lowercase letters, digits and dashes. */
export const FLOW_RUN_INPUT_KEY_PATTERN = "^[a-z0-9-]+$";

/** Large enough for any input a person or a flow sends; bounded so one request cannot fill the database. */
export const FLOW_RUN_INPUT_VALUE_MAX_LENGTH = 1_000_000;

export const FlowRunInputCreateSchema = Type.Object(
  {
    key: Type.String({ pattern: FLOW_RUN_INPUT_KEY_PATTERN }),
    value: Type.String({ maxLength: FLOW_RUN_INPUT_VALUE_MAX_LENGTH }),
    sender: Type.Optional(Nullable(Type.String())),
  },
  { additionalProperties: false },
);
export type FlowRunInputCreate = Static<typeof FlowRunInputCreateSchema>;

/** `POST /flow_runs/{id}/input/filter`: inputs whose key starts with `prefix`, oldest first. */
export const FlowRunInputFilterBodySchema = Type.Object(
  {
    prefix: Type.String(),
    limit: Type.Optional(Type.Integer({ minimum: 0, default: 1 })),
    exclude_keys: Type.Optional(Type.Array(Type.String(), { default: [] })),
  },
  { additionalProperties: false },
);
export type FlowRunInputFilterBody = Static<typeof FlowRunInputFilterBodySchema>;

/** Prefect's `FlowRunInput`. */
export const FlowRunInputSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  flow_run_id: Uuid,
  key: Type.String(),
  value: Type.String(),
  sender: Nullable(Type.String()),
});
export type FlowRunInput = Static<typeof FlowRunInputSchema>;

export const FlowRunInputKeyParamsSchema = Type.Object({ id: Uuid, key: Type.String() });
