import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { LimitField, NAME_PATTERN, OffsetField } from "./work-pools.js";

// Prefect's tag-based (v1) concurrency limits, `/concurrency_limits`.

/**
 * `POST /concurrency_limits/` (Prefect's `ConcurrencyLimitCreate`): creates the tag's limit or
 * changes it. Unlike Prefect a negative limit is refused: every run of the tag would wait forever.
 */
export const ConcurrencyLimitCreateSchema = Type.Object(
  {
    tag: Type.String(),
    concurrency_limit: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type ConcurrencyLimitCreate = Static<typeof ConcurrencyLimitCreateSchema>;

/** A tag's limit (Prefect's `ConcurrencyLimit`): `active_slots` lists the task runs holding a slot. */
export const ConcurrencyLimitSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  tag: Type.String(),
  concurrency_limit: Type.Integer(),
  active_slots: Type.Array(Uuid),
});
export type ConcurrencyLimit = Static<typeof ConcurrencyLimitSchema>;

export const ConcurrencyLimitFilterBodySchema = Type.Object({ offset: OffsetField, limit: LimitField }, { additionalProperties: false });
export type ConcurrencyLimitFilterBody = Static<typeof ConcurrencyLimitFilterBodySchema>;

export const ConcurrencyLimitResetBodySchema = Type.Object({ slot_override: Type.Optional(Nullable(Type.Array(Uuid))) }, { additionalProperties: false });

export const TagPathParamsSchema = Type.Object({ tag: Type.String() });

/** `POST /concurrency_limits/increment` and `/decrement`: a task run takes or gives back a slot of each tag. */
export const TaskRunSlotsBodySchema = Type.Object({ names: Type.Array(Type.String()), task_run_id: Uuid }, { additionalProperties: false });
export type TaskRunSlotsBody = Static<typeof TaskRunSlotsBodySchema>;

/** The limits an increment or decrement touched (Prefect's `MinimalConcurrencyLimitResponse`). */
export const MinimalConcurrencyLimitSchema = Type.Object({ id: Uuid, name: Type.String(), limit: Type.Integer() });
export type MinimalConcurrencyLimit = Static<typeof MinimalConcurrencyLimitSchema>;

// Prefect's global (v2) concurrency limits, `/v2/concurrency_limits`.

export const ConcurrencyLimitV2CreateSchema = Type.Object(
  {
    active: Type.Optional(Type.Boolean()),
    name: Type.String({ pattern: NAME_PATTERN }),
    limit: Type.Integer({ minimum: 0 }),
    active_slots: Type.Optional(Type.Integer({ minimum: 0 })),
    denied_slots: Type.Optional(Type.Integer({ minimum: 0 })),
    slot_decay_per_second: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ConcurrencyLimitV2Create = Static<typeof ConcurrencyLimitV2CreateSchema>;

/** `PATCH /v2/concurrency_limits/{id_or_name}`: only the keys sent (and not null) change. */
export const ConcurrencyLimitV2UpdateSchema = Type.Object(
  {
    active: Type.Optional(Nullable(Type.Boolean())),
    name: Type.Optional(Nullable(Type.String({ pattern: NAME_PATTERN }))),
    limit: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    active_slots: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    denied_slots: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    slot_decay_per_second: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  },
  { additionalProperties: false },
);
export type ConcurrencyLimitV2Update = Static<typeof ConcurrencyLimitV2UpdateSchema>;

/** A global limit as created (Prefect's `ConcurrencyLimitV2`). */
export const ConcurrencyLimitV2Schema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  active: Type.Boolean(),
  name: Type.String(),
  limit: Type.Integer(),
  active_slots: Type.Integer(),
  denied_slots: Type.Integer(),
  slot_decay_per_second: Type.Number(),
  avg_slot_occupancy_seconds: Type.Number(),
});
export type ConcurrencyLimitV2 = Static<typeof ConcurrencyLimitV2Schema>;

/** A global limit as read (Prefect's `GlobalConcurrencyLimitResponse`): slots after decay. */
export const GlobalConcurrencyLimitSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  active: Type.Boolean(),
  name: Type.String(),
  limit: Type.Integer(),
  active_slots: Type.Integer(),
  slot_decay_per_second: Type.Number(),
});
export type GlobalConcurrencyLimit = Static<typeof GlobalConcurrencyLimitSchema>;

export const IdOrNameParamsSchema = Type.Object({ id_or_name: Type.String() });

export const V2IncrementBodySchema = Type.Object(
  {
    slots: Type.Integer({ exclusiveMinimum: 0 }),
    names: Type.Array(Type.String(), { minItems: 1 }),
    mode: Type.Optional(Type.Union([Type.Literal("concurrency"), Type.Literal("rate_limit")])),
    /** Deprecated in Prefect; true creates missing limits inactive, as Prefect 2 did. */
    create_if_missing: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
export type V2IncrementBody = Static<typeof V2IncrementBodySchema>;

export const V2DecrementBodySchema = Type.Object(
  {
    slots: Type.Integer({ exclusiveMinimum: 0 }),
    names: Type.Array(Type.String(), { minItems: 1 }),
    occupancy_seconds: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0 }))),
    create_if_missing: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
export type V2DecrementBody = Static<typeof V2DecrementBodySchema>;

// Leases (`/v2/concurrency_limits/increment-with-lease`, `decrement-with-lease`, `leases/{id}/renew`):
// slots taken for a time, given back by the holder or, once the lease expires, by the server.

/** Seconds a lease lasts before it must be renewed: a minute to a day, 5 minutes by default (Prefect's bounds). */
const LeaseDurationField = Type.Optional(Type.Number({ minimum: 60, maximum: 86_400 }));

/** Who holds a lease (Prefect's `ConcurrencyLeaseHolder`). */
export const ConcurrencyLeaseHolderSchema = Type.Object(
  { type: Type.Union([Type.Literal("flow_run"), Type.Literal("task_run"), Type.Literal("deployment")]), id: Uuid },
  { additionalProperties: false },
);
export type ConcurrencyLeaseHolder = Static<typeof ConcurrencyLeaseHolderSchema>;

export const V2IncrementWithLeaseBodySchema = Type.Object(
  {
    slots: Type.Integer({ exclusiveMinimum: 0 }),
    names: Type.Array(Type.String(), { minItems: 1 }),
    mode: Type.Optional(Type.Union([Type.Literal("concurrency"), Type.Literal("rate_limit")])),
    lease_duration: LeaseDurationField,
    holder: Type.Optional(Nullable(ConcurrencyLeaseHolderSchema)),
  },
  { additionalProperties: false },
);
export type V2IncrementWithLeaseBody = Static<typeof V2IncrementWithLeaseBodySchema>;

export const V2DecrementWithLeaseBodySchema = Type.Object({ lease_id: Uuid }, { additionalProperties: false });
export type V2DecrementWithLeaseBody = Static<typeof V2DecrementWithLeaseBodySchema>;

export const LeaseRenewBodySchema = Type.Object({ lease_duration: LeaseDurationField }, { additionalProperties: false });
export type LeaseRenewBody = Static<typeof LeaseRenewBodySchema>;

export const LeaseIdParamsSchema = Type.Object({ lease_id: Uuid });

/** Prefect's `ConcurrencyLimitWithLeaseResponse`. */
export const ConcurrencyLimitWithLeaseSchema = Type.Object({ lease_id: Uuid, limits: Type.Array(MinimalConcurrencyLimitSchema) });
export type ConcurrencyLimitWithLease = Static<typeof ConcurrencyLimitWithLeaseSchema>;
