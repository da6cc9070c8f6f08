import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CountVariablesBodySchema,
  IdParams,
  ReadVariablesBodySchema,
  VariableCreateSchema,
  VariableNameParamsSchema,
  VariableSchema,
  VariableUpdateSchema,
} from "@ecsflow/schemas";
import { countVariables, createVariable, deleteVariable, readVariable, readVariables, updateVariable } from "../models/variables/variables.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** Prefect's `/variables`: named JSON values, addressed by id or by name. */
export const variableRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post("/variables/", { schema: { body: VariableCreateSchema, response: { 201: VariableSchema } } }, async (request, reply) =>
    reply.code(201).send(await createVariable(app.database, request.body)),
  );
  app.post("/variables/filter", { schema: { body: ReadVariablesBodySchema, response: { 200: Type.Array(VariableSchema) } } }, async (request) =>
    readVariables(app.database, request.body),
  );
  app.post("/variables/count", { schema: { body: CountVariablesBodySchema, response: { 200: Type.Integer() } } }, async (request) =>
    countVariables(app.database, request.body),
  );
  app.get("/variables/:id", { schema: { params: IdParams, response: { 200: VariableSchema } } }, async (request) => readVariable(app.database, { id: request.params.id }));
  app.get("/variables/name/:name", { schema: { params: VariableNameParamsSchema, response: { 200: VariableSchema } } }, async (request) =>
    readVariable(app.database, { name: request.params.name }),
  );
  app.patch("/variables/:id", { schema: { params: IdParams, body: VariableUpdateSchema } }, async (request, reply) => {
    await updateVariable(app.database, { id: request.params.id }, request.body);
    return reply.code(204).send();
  });
  app.patch("/variables/name/:name", { schema: { params: VariableNameParamsSchema, body: VariableUpdateSchema } }, async (request, reply) => {
    await updateVariable(app.database, { name: request.params.name }, request.body);
    return reply.code(204).send();
  });
  app.delete("/variables/:id", { schema: { params: IdParams } }, async (request, reply) => {
    await deleteVariable(app.database, { id: request.params.id });
    return reply.code(204).send();
  });
  app.delete("/variables/name/:name", { schema: { params: VariableNameParamsSchema } }, async (request, reply) => {
    await deleteVariable(app.database, { name: request.params.name });
    return reply.code(204).send();
  });
};
