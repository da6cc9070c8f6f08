import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { BlockSchemaCreateSchema, BlockSchemaSchema, IdParams, ReadBlockSchemasBodySchema } from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { createBlockSchema, deleteBlockSchema, readBlockCapabilities, readBlockSchema, readBlockSchemaByChecksum, readBlockSchemas } from "../models/blocks/block-schemas.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Block schema not found");

/** `/block_schemas` and `/block_capabilities`: schemas are named by checksum and registered idempotently. */
export const blockSchemaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/block_schemas/", { schema: { body: BlockSchemaCreateSchema, response: { 200: BlockSchemaSchema, 201: BlockSchemaSchema } } }, async (request, reply) => {
    const { schema, created } = await createBlockSchema(app.database, request.body);
    return reply.code(created ? 201 : 200).send(schema);
  });

  app.post("/block_schemas/filter", { schema: { body: ReadBlockSchemasBodySchema, response: { 200: Type.Array(BlockSchemaSchema) } } }, async (request) =>
    readBlockSchemas(app.database, request.body),
  );

  app.get("/block_schemas/:id", { schema: { params: IdParams, response: { 200: BlockSchemaSchema } } }, async (request) => {
    const schema = await readBlockSchema(app.database, request.params.id);
    if (!schema) throw notFound();
    return schema;
  });

  app.get(
    "/block_schemas/checksum/:checksum",
    { schema: { params: Type.Object({ checksum: Type.String() }), querystring: Type.Object({ version: Type.Optional(Type.String()) }), response: { 200: BlockSchemaSchema } } },
    async (request) => {
      const schema = await readBlockSchemaByChecksum(app.database, request.params.checksum, request.query.version);
      if (!schema) throw notFound();
      return schema;
    },
  );

  app.delete("/block_schemas/:id", { schema: { params: IdParams } }, async (request, reply) => {
    await deleteBlockSchema(app.database, request.params.id);
    return reply.code(204).send();
  });

  app.get("/block_capabilities/", { schema: { response: { 200: Type.Array(Type.String()) } } }, async () => readBlockCapabilities(app.database));
};
