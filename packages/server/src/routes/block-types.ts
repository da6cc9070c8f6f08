import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  BlockDocumentSchema,
  BlockTypeCreateSchema,
  BlockTypeSchema,
  BlockTypeUpdateSchema,
  IdParams,
  IncludeSecretsQuery,
  ReadBlockTypesBodySchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { readBlockDocumentByName, readBlockDocuments } from "../models/blocks/block-documents.js";
import { blockTypeIdsWithSchemas } from "../models/blocks/block-schemas.js";
import { createBlockType, deleteBlockType, readBlockType, readBlockTypeBySlug, readBlockTypes, updateBlockType } from "../models/blocks/block-types.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const typeNotFound = () => new ObjectNotFoundError("Block type not found");
export const includeSecrets = (q: { include_secrets?: boolean | string }) => q.include_secrets === true || q.include_secrets === "true";

/** `/block_types`: the kinds of blocks (Prefect's clients register theirs at start). */
export const blockTypeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/block_types/", { schema: { body: BlockTypeCreateSchema, response: { 201: BlockTypeSchema } } }, async (request, reply) =>
    reply.code(201).send(await createBlockType(app.database, request.body)),
  );

  app.post("/block_types/filter", { schema: { body: ReadBlockTypesBodySchema, response: { 200: Type.Array(BlockTypeSchema) } } }, async (request) =>
    readBlockTypes(app.database, request.body, await blockTypeIdsWithSchemas(app.database, request.body.block_schemas)),
  );

  app.get("/block_types/:id", { schema: { params: IdParams, response: { 200: BlockTypeSchema } } }, async (request) => {
    const type = await readBlockType(app.database, request.params.id);
    if (!type) throw typeNotFound();
    return type;
  });

  app.get("/block_types/slug/:slug", { schema: { params: Type.Object({ slug: Type.String() }), response: { 200: BlockTypeSchema } } }, async (request) => {
    const type = await readBlockTypeBySlug(app.database, request.params.slug);
    if (!type) throw typeNotFound();
    return type;
  });

  app.patch("/block_types/:id", { schema: { params: IdParams, body: BlockTypeUpdateSchema } }, async (request, reply) => {
    await updateBlockType(app.database, request.params.id, request.body);
    return reply.code(204).send();
  });

  app.delete("/block_types/:id", { schema: { params: IdParams } }, async (request, reply) => {
    await deleteBlockType(app.database, request.params.id);
    return reply.code(204).send();
  });

  app.get(
    "/block_types/slug/:slug/block_documents",
    { schema: { params: Type.Object({ slug: Type.String() }), querystring: IncludeSecretsQuery, response: { 200: Type.Array(BlockDocumentSchema) } } },
    async (request) => {
      const type = await readBlockTypeBySlug(app.database, request.params.slug);
      if (!type) throw typeNotFound();
      return readBlockDocuments(app.database, { block_documents: { block_type_id: { any_: [type.id] } }, include_secrets: includeSecrets(request.query) });
    },
  );

  app.get(
    "/block_types/slug/:slug/block_documents/name/:block_document_name",
    { schema: { params: Type.Object({ slug: Type.String(), block_document_name: Type.String() }), querystring: IncludeSecretsQuery, response: { 200: BlockDocumentSchema } } },
    async (request) => {
      const document = await readBlockDocumentByName(app.database, request.params.slug, request.params.block_document_name, includeSecrets(request.query));
      if (!document) throw new ObjectNotFoundError("Block document not found");
      return document;
    },
  );

  // ecsflow ships no system block types of its own; the call succeeds so Prefect's CLI can make it.
  app.post("/block_types/install_system_block_types", async () => null);
};
