import { Type, type Static, type TProperties, type TSchema } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { DeploymentFilterSchema, FilterOperatorSchema, FlowFilterSchema, FlowRunFilterSchema, TaskRunFilterSchema } from "./filters.js";
import { LimitField, OffsetField } from "./work-pools.js";

/** Prefect's artifact keys: lowercase letters, digits and dashes. */
export const ARTIFACT_KEY_PATTERN = "^[a-z0-9-]*$";
/** Prefect shortens each metadata value to this many characters, then adds "...". */
export const MAX_ARTIFACT_METADATA_VALUE_LENGTH = 500;

const strict = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
const optional = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));
const Metadata = Type.Record(Type.String(), Type.String());

/** `POST /artifacts/` (Prefect's `ArtifactCreate`). */
export const ArtifactCreateSchema = strict({
  key: optional(Type.String({ pattern: ARTIFACT_KEY_PATTERN })),
  type: optional(Type.String()),
  description: optional(Type.String()),
  /** Any JSON value; its shape depends on `type`. */
  data: Type.Optional(Type.Unknown()),
  metadata_: optional(Metadata),
  flow_run_id: optional(Uuid),
  task_run_id: optional(Uuid),
});
export type ArtifactCreate = Static<typeof ArtifactCreateSchema>;

/** `PATCH /artifacts/{id}` (Prefect's `ArtifactUpdate`): only the keys sent change; null clears. */
export const ArtifactUpdateSchema = strict({
  data: Type.Optional(Type.Unknown()),
  description: optional(Type.String()),
  metadata_: optional(Metadata),
});
export type ArtifactUpdate = Static<typeof ArtifactUpdateSchema>;

const artifactFields = {
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  type: Nullable(Type.String()),
  description: Nullable(Type.String()),
  data: Type.Unknown(),
  metadata_: Nullable(Metadata),
  flow_run_id: Nullable(Uuid),
  task_run_id: Nullable(Uuid),
};

/** An artifact version as the API returns it (Prefect's `Artifact`). */
export const ArtifactSchema = Type.Object({ ...artifactFields, key: Nullable(Type.String()) });
export type Artifact = Static<typeof ArtifactSchema>;

/** The newest artifact of a key (Prefect's `ArtifactCollection`): `id` is the key's, `latest_id` the artifact's. */
export const ArtifactCollectionSchema = Type.Object({ ...artifactFields, key: Type.String(), latest_id: Uuid });
export type ArtifactCollection = Static<typeof ArtifactCollectionSchema>;

export const ARTIFACT_SORTS = ["CREATED_DESC", "UPDATED_DESC", "ID_DESC", "KEY_DESC", "KEY_ASC"] as const;
export const ArtifactSortSchema = Type.Union(ARTIFACT_SORTS.map((s) => Type.Literal(s)));
export type ArtifactSort = (typeof ARTIFACT_SORTS)[number];

const uuids = optional(Type.Array(Uuid));
const sharedCriteria = {
  operator: Type.Optional(FilterOperatorSchema),
  key: optional(strict({ any_: optional(Type.Array(Type.String())), like_: optional(Type.String()), exists_: optional(Type.Boolean()) })),
  flow_run_id: optional(strict({ any_: uuids })),
  task_run_id: optional(strict({ any_: uuids })),
  type: optional(strict({ any_: optional(Type.Array(Type.String())), not_any_: optional(Type.Array(Type.String())) })),
};

/** Prefect's `ArtifactFilter`. */
export const ArtifactFilterSchema = strict({ ...sharedCriteria, id: optional(strict({ any_: uuids })) });
export type ArtifactFilter = Static<typeof ArtifactFilterSchema>;

/** Prefect's `ArtifactCollectionFilter`: as `ArtifactFilter`, with `latest_id` for the artifact's id. */
export const ArtifactCollectionFilterSchema = strict({ ...sharedCriteria, latest_id: optional(strict({ any_: uuids })) });
export type ArtifactCollectionFilter = Static<typeof ArtifactCollectionFilterSchema>;

const related = {
  flow_runs: optional(FlowRunFilterSchema),
  task_runs: optional(TaskRunFilterSchema),
  flows: optional(FlowFilterSchema),
  deployments: optional(DeploymentFilterSchema),
};
const page = { sort: optional(ArtifactSortSchema), offset: OffsetField, limit: LimitField };

/** `POST /artifacts/filter`. */
export const ReadArtifactsBodySchema = strict({ artifacts: optional(ArtifactFilterSchema), ...related, ...page });
export type ReadArtifactsBody = Static<typeof ReadArtifactsBodySchema>;
/** `POST /artifacts/count`. */
export const CountArtifactsBodySchema = strict({ artifacts: optional(ArtifactFilterSchema), ...related });
export type CountArtifactsBody = Static<typeof CountArtifactsBodySchema>;
/** `POST /artifacts/latest/filter`. */
export const ReadLatestArtifactsBodySchema = strict({ artifacts: optional(ArtifactCollectionFilterSchema), ...related, ...page });
export type ReadLatestArtifactsBody = Static<typeof ReadLatestArtifactsBodySchema>;
/** `POST /artifacts/latest/count`. */
export const CountLatestArtifactsBodySchema = strict({ artifacts: optional(ArtifactCollectionFilterSchema), ...related });
export type CountLatestArtifactsBody = Static<typeof CountLatestArtifactsBodySchema>;

export const ArtifactKeyParamsSchema = Type.Object({ key: Type.String() });
