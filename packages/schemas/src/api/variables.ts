import { Type, type Static, type TProperties, type TSchema } from "@sinclair/typebox";
import { DateTime, Nullable, Tags, Uuid } from "./common.js";
import { FilterOperatorSchema } from "./filters.js";
import { LimitField, OffsetField } from "./work-pools.js";

/** Prefect's variable names: at most 255 characters, lowercase letters, digits, dashes and underscores. */
export const MAX_VARIABLE_NAME_LENGTH = 255;
export const VARIABLE_NAME_PATTERN = "^[a-z0-9_-]*$";
/** The largest variable value Prefect stores, counted as its JSON text. */
export const MAX_VARIABLE_VALUE_LENGTH = 5000;

const VariableName = Type.String({ maxLength: MAX_VARIABLE_NAME_LENGTH, pattern: VARIABLE_NAME_PATTERN });
/** Any JSON value, null included (the length limit is checked by the server, on the JSON text). */
const VariableValue = Type.Unknown();

const strict = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });

/** `POST /variables/` (Prefect's `VariableCreate`). */
export const VariableCreateSchema = strict({
  name: VariableName,
  value: VariableValue,
  tags: Type.Optional(Nullable(Tags)),
});
export type VariableCreate = Static<typeof VariableCreateSchema>;

/** `PATCH /variables/{id}` and `/variables/name/{name}` (Prefect's `VariableUpdate`): only the keys sent change. */
export const VariableUpdateSchema = strict({
  name: Type.Optional(Nullable(VariableName)),
  value: Type.Optional(VariableValue),
  tags: Type.Optional(Nullable(Tags)),
});
export type VariableUpdate = Static<typeof VariableUpdateSchema>;

/** A variable as the API returns it (Prefect's `Variable`). */
export const VariableSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  value: Type.Unknown(),
  tags: Tags,
});
export type Variable = Static<typeof VariableSchema>;

export const VARIABLE_SORTS = ["CREATED_DESC", "UPDATED_DESC", "NAME_DESC", "NAME_ASC"] as const;
export const VariableSortSchema = Type.Union(VARIABLE_SORTS.map((s) => Type.Literal(s)));
export type VariableSort = (typeof VARIABLE_SORTS)[number];

const optional = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

/** Prefect's `VariableFilter` (`name.like_` is a case-insensitive substring match that honours SQL wildcards). */
export const VariableFilterSchema = strict({
  operator: Type.Optional(FilterOperatorSchema),
  id: optional(strict({ any_: optional(Type.Array(Uuid)) })),
  name: optional(strict({ any_: optional(Type.Array(Type.String())), like_: optional(Type.String()) })),
  tags: optional(strict({ operator: Type.Optional(FilterOperatorSchema), all_: optional(Type.Array(Type.String())), is_null_: optional(Type.Boolean()) })),
});
export type VariableFilter = Static<typeof VariableFilterSchema>;

/** `POST /variables/filter`. */
export const ReadVariablesBodySchema = strict({
  variables: optional(VariableFilterSchema),
  sort: optional(VariableSortSchema),
  offset: OffsetField,
  limit: LimitField,
});
export type ReadVariablesBody = Static<typeof ReadVariablesBodySchema>;

/** `POST /variables/count`. */
export const CountVariablesBodySchema = strict({ variables: optional(VariableFilterSchema) });
export type CountVariablesBody = Static<typeof CountVariablesBodySchema>;

export const VariableNameParamsSchema = Type.Object({ name: Type.String() });
