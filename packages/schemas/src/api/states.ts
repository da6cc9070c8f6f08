import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";

export const STATE_TYPES = ["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED", "CANCELLING"] as const;
export type StateType = (typeof STATE_TYPES)[number];
/** One string enum rather than a union of literals: the serializer writes it without validating each branch. */
export const StateTypeSchema = Type.Unsafe<StateType>({ type: "string", enum: [...STATE_TYPES] });

export const TERMINAL_STATE_TYPES: readonly StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

/** The display name Prefect gives each type when a client sends none. */
export const DEFAULT_STATE_NAMES: Record<StateType, string> = {
  SCHEDULED: "Scheduled",
  PENDING: "Pending",
  RUNNING: "Running",
  COMPLETED: "Completed",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
  CRASHED: "Crashed",
  PAUSED: "Paused",
  CANCELLING: "Cancelling",
};

export const StateDetailsSchema = Type.Object(
  {
    flow_run_id: Type.Optional(Nullable(Uuid)),
    task_run_id: Type.Optional(Nullable(Uuid)),
    child_flow_run_id: Type.Optional(Nullable(Uuid)),
    scheduled_time: Type.Optional(Nullable(DateTime)),
    cache_key: Type.Optional(Nullable(Type.String())),
    cache_expiration: Type.Optional(Nullable(DateTime)),
    deferred: Type.Optional(Nullable(Type.Boolean())),
    untrackable_result: Type.Optional(Type.Boolean()),
    pause_timeout: Type.Optional(Nullable(DateTime)),
    pause_reschedule: Type.Optional(Type.Boolean()),
    pause_key: Type.Optional(Nullable(Type.String())),
    run_input_keyset: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
    refresh_cache: Type.Optional(Nullable(Type.Boolean())),
    retriable: Type.Optional(Nullable(Type.Boolean())),
    transition_id: Type.Optional(Nullable(Uuid)),
    task_parameters_id: Type.Optional(Nullable(Uuid)),
    traceparent: Type.Optional(Nullable(Type.String())),
    deployment_concurrency_lease_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type StateDetails = Static<typeof StateDetailsSchema>;

/** A state as stored and returned. */
export const StateSchema = Type.Object({
  id: Uuid,
  type: StateTypeSchema,
  name: Nullable(Type.String()),
  timestamp: DateTime,
  message: Nullable(Type.String()),
  data: Type.Unknown(),
  state_details: StateDetailsSchema,
});
export type State = Static<typeof StateSchema>;

/** A state proposed by a client (`StateCreate`). */
export const StateCreateSchema = Type.Object(
  {
    type: StateTypeSchema,
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    message: Type.Optional(Nullable(Type.String({ maxLength: 50_000 }))),
    data: Type.Optional(Type.Unknown()),
    state_details: Type.Optional(StateDetailsSchema),
    timestamp: Type.Optional(Nullable(DateTime)),
  },
  { additionalProperties: false },
);
export type StateCreate = Static<typeof StateCreateSchema>;

export const SetStateStatusSchema = Type.Union([Type.Literal("ACCEPT"), Type.Literal("REJECT"), Type.Literal("ABORT"), Type.Literal("WAIT")]);
export type SetStateStatus = Static<typeof SetStateStatusSchema>;

export const OrchestrationResultSchema = Type.Object({
  state: Nullable(StateSchema),
  status: SetStateStatusSchema,
  details: Type.Union([
    Type.Object({ type: Type.Literal("accept_details") }),
    Type.Object({ type: Type.Literal("wait_details"), delay_seconds: Type.Number(), reason: Nullable(Type.String()) }),
    Type.Object({ type: Type.Literal("reject_details"), reason: Nullable(Type.String()) }),
    Type.Object({ type: Type.Literal("abort_details"), reason: Nullable(Type.String()) }),
  ]),
});
export type OrchestrationResult = Static<typeof OrchestrationResultSchema>;

export const SetStateBodySchema = Type.Object(
  {
    state: StateCreateSchema,
    force: Type.Optional(Type.Boolean()),
    orchestration_parameters: Type.Optional(
      Type.Object(
        {
          /** ecsflow: abort unless the run is in this state type when the proposal is decided. */
          expected_state_type: Type.Optional(StateTypeSchema),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SetStateBody = Static<typeof SetStateBodySchema>;
