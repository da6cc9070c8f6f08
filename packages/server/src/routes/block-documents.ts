import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  BlockDocumentCreateSchema,
  BlockDocumentSchema,
  BlockDocumentUpdateSchema,
  CountBlockDocumentsBodySchema,
  IdParams,
  IncludeSecretsQuery,
  ReadBlockDocumentsBodySchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { countBlockDocuments, createBlockDocument, deleteBlockDocument, readBlockDocument, readBlockDocuments, updateBlockDocument } from "../models/blocks/block-documents.js";
import { includeSecrets } from "./block-types.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Block document not found");

/** `/block_documents`: stored block values; secret fields are shown as `********` unless asked for. */
export const blockDocumentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/block_documents/", { schema: { body: BlockDocumentCreateSchema, response: { 201: BlockDocumentSchema } } }, async (request, reply) =>
    reply.code(201).send(await createBlockDocument(app.database, request.body)),
  );

  app.post("/block_documents/filter", { schema: { body: ReadBlockDocumentsBodySchema, response: { 200: Type.Array(BlockDocumentSchema) } } }, async (request) =>
    readBlockDocuments(app.database, request.body),
  );

  app.post("/block_documents/count", { schema: { body: CountBlockDocumentsBodySchema, response: { 200: Type.Integer() } } }, async (request) =>
    countBlockDocuments(app.database, request.body),
  );

  app.get("/block_documents/:id", { schema: { params: IdParams, querystring: IncludeSecretsQuery, response: { 200: BlockDocumentSchema } } }, async (request) => {
    const document = await readBlockDocument(app.database, request.params.id, includeSecrets(request.query));
    if (!document) throw notFound();
    return document;
  });

  app.patch("/block_documents/:id", { schema: { params: IdParams, body: BlockDocumentUpdateSchema } }, async (request, reply) => {
    await updateBlockDocument(app.database, request.params.id, request.body);
    return reply.code(204).send();
  });

  app.delete("/block_documents/:id", { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await deleteBlockDocument(app.database, request.params.id))) throw notFound();
    return reply.code(204).send();
  });
};
