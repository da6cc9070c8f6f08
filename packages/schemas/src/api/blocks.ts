import { Type, type Static } from "@sinclair/typebox";
import { DateTime, JsonObject, Nullable, Uuid } from "./common.js";

/** Names appear in URL paths, so Prefect bans these characters. */
const BlockTypeName = Type.String({ minLength: 1, pattern: "^[^/%&><]+$" });
/** Slugs and document names: lowercase letters, numbers and dashes (Prefect's rule). */
const Slug = Type.String({ minLength: 1, pattern: "^[a-z0-9-]+$" });
const OptionalText = Type.Optional(Nullable(Type.String()));

export const BlockTypeSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  slug: Type.String(),
  logo_url: Nullable(Type.String()),
  documentation_url: Nullable(Type.String()),
  description: Nullable(Type.String()),
  code_example: Nullable(Type.String()),
  is_protected: Type.Boolean(),
});
export type BlockType = Static<typeof BlockTypeSchema>;

export const BlockTypeCreateSchema = Type.Object(
  { name: BlockTypeName, slug: Slug, logo_url: OptionalText, documentation_url: OptionalText, description: OptionalText, code_example: OptionalText },
  { additionalProperties: false },
);
export type BlockTypeCreate = Static<typeof BlockTypeCreateSchema>;

export const BlockTypeUpdateSchema = Type.Object(
  { logo_url: OptionalText, documentation_url: OptionalText, description: OptionalText, code_example: OptionalText },
  { additionalProperties: false },
);
export type BlockTypeUpdate = Static<typeof BlockTypeUpdateSchema>;

export const BlockSchemaSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  checksum: Type.String(),
  fields: JsonObject,
  block_type_id: Uuid,
  block_type: BlockTypeSchema,
  capabilities: Type.Array(Type.String()),
  version: Type.String(),
});
export type BlockSchema = Static<typeof BlockSchemaSchema>;

/** Prefect's `DEFAULT_BLOCK_SCHEMA_VERSION`. */
export const DEFAULT_BLOCK_SCHEMA_VERSION = "non-versioned";

export const BlockSchemaCreateSchema = Type.Object(
  {
    fields: Type.Optional(JsonObject),
    block_type_id: Uuid,
    capabilities: Type.Optional(Type.Array(Type.String())),
    version: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type BlockSchemaCreate = Static<typeof BlockSchemaCreateSchema>;

export const BlockDocumentSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Nullable(Type.String()),
  data: JsonObject,
  block_schema_id: Uuid,
  block_schema: BlockSchemaSchema,
  block_type_id: Uuid,
  block_type_name: Nullable(Type.String()),
  block_type: BlockTypeSchema,
  block_document_references: Type.Record(Type.String(), JsonObject),
  is_anonymous: Type.Boolean(),
});
export type BlockDocument = Static<typeof BlockDocumentSchema>;

export const BlockDocumentCreateSchema = Type.Object(
  {
    name: Type.Optional(Nullable(Slug)),
    data: Type.Optional(JsonObject),
    block_schema_id: Uuid,
    block_type_id: Uuid,
    is_anonymous: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type BlockDocumentCreate = Static<typeof BlockDocumentCreateSchema>;

export const BlockDocumentUpdateSchema = Type.Object(
  {
    block_schema_id: Type.Optional(Nullable(Uuid)),
    data: Type.Optional(JsonObject),
    merge_existing_data: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type BlockDocumentUpdate = Static<typeof BlockDocumentUpdateSchema>;

const AnyOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Optional(Nullable(Type.Object({ any_: Type.Optional(Nullable(Type.Array(item))) }, { additionalProperties: false })));
const Operator = Type.Optional(Type.Union([Type.Literal("and_"), Type.Literal("or_")]));

export const BlockTypeFilterSchema = Type.Object(
  {
    name: Type.Optional(Nullable(Type.Object({ like_: Type.Optional(Nullable(Type.String())) }, { additionalProperties: false }))),
    slug: AnyOf(Type.String()),
  },
  { additionalProperties: false },
);
export type BlockTypeFilter = Static<typeof BlockTypeFilterSchema>;

export const BlockSchemaFilterSchema = Type.Object(
  {
    operator: Operator,
    block_type_id: AnyOf(Uuid),
    block_capabilities: Type.Optional(Nullable(Type.Object({ all_: Type.Optional(Nullable(Type.Array(Type.String()))) }, { additionalProperties: false }))),
    id: AnyOf(Uuid),
    version: AnyOf(Type.String()),
  },
  { additionalProperties: false },
);
export type BlockSchemaFilter = Static<typeof BlockSchemaFilterSchema>;

export const BlockDocumentFilterSchema = Type.Object(
  {
    operator: Operator,
    id: AnyOf(Uuid),
    is_anonymous: Type.Optional(Nullable(Type.Object({ eq_: Type.Optional(Nullable(Type.Boolean())) }, { additionalProperties: false }))),
    block_type_id: AnyOf(Uuid),
    name: Type.Optional(Nullable(Type.Object({ any_: Type.Optional(Nullable(Type.Array(Type.String()))), like_: Type.Optional(Nullable(Type.String())) }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);
export type BlockDocumentFilter = Static<typeof BlockDocumentFilterSchema>;

const Paging = { offset: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Nullable(Type.Integer())) };

export const ReadBlockTypesBodySchema = Type.Object({ block_types: Type.Optional(Nullable(BlockTypeFilterSchema)), block_schemas: Type.Optional(Nullable(BlockSchemaFilterSchema)), ...Paging });
export type ReadBlockTypesBody = Static<typeof ReadBlockTypesBodySchema>;

export const ReadBlockSchemasBodySchema = Type.Object({ block_schemas: Type.Optional(Nullable(BlockSchemaFilterSchema)), ...Paging });
export type ReadBlockSchemasBody = Static<typeof ReadBlockSchemasBodySchema>;

const documentFilters = {
  block_documents: Type.Optional(Nullable(BlockDocumentFilterSchema)),
  block_types: Type.Optional(Nullable(BlockTypeFilterSchema)),
  block_schemas: Type.Optional(Nullable(BlockSchemaFilterSchema)),
};
export const CountBlockDocumentsBodySchema = Type.Object(documentFilters);
export type CountBlockDocumentsBody = Static<typeof CountBlockDocumentsBodySchema>;

export const ReadBlockDocumentsBodySchema = Type.Object({
  ...documentFilters,
  include_secrets: Type.Optional(Type.Boolean()),
  sort: Type.Optional(Nullable(Type.Union([Type.Literal("NAME_DESC"), Type.Literal("NAME_ASC"), Type.Literal("BLOCK_TYPE_AND_NAME_ASC")]))),
  ...Paging,
});
export type ReadBlockDocumentsBody = Static<typeof ReadBlockDocumentsBodySchema>;

export const IncludeSecretsQuery = Type.Object({ include_secrets: Type.Optional(Type.Union([Type.Boolean(), Type.Literal("true"), Type.Literal("false")])) });
