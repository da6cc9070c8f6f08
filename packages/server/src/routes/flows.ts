import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { CountFlowsBodySchema, FlowCreateSchema, FlowSchema, FlowUpdateSchema, IdParams, ReadFlowsBodySchema } from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { countFlows, createFlow, deleteFlow, readFlow, readFlowByName, readFlows, updateFlow } from "../models/flows/flows.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Flow not found");

/** `/flows`: flows are upserted by name. */
export const flowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/flows/", { schema: { body: FlowCreateSchema, response: { 200: FlowSchema, 201: FlowSchema } } }, async (request, reply) => {
    const { flow, created } = await createFlow(app.database, request.body);
    return reply.code(created ? 201 : 200).send(flow);
  });

  app.get("/flows/:id", { schema: { params: IdParams, response: { 200: FlowSchema } } }, async (request) => {
    const flow = await readFlow(app.database, request.params.id);
    if (!flow) throw notFound();
    return flow;
  });

  app.get("/flows/name/:name", { schema: { params: Type.Object({ name: Type.String() }), response: { 200: FlowSchema } } }, async (request) => {
    const flow = await readFlowByName(app.database, request.params.name);
    if (!flow) throw notFound();
    return flow;
  });

  app.patch("/flows/:id", { schema: { params: IdParams, body: FlowUpdateSchema } }, async (request, reply) => {
    if (!(await updateFlow(app.database, request.params.id, request.body))) throw notFound();
    return reply.code(204).send();
  });

  app.delete("/flows/:id", { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await deleteFlow(app.database, request.params.id))) throw notFound();
    return reply.code(204).send();
  });

  app.post(
    "/flows/filter",
    { schema: { body: ReadFlowsBodySchema, response: { 200: Type.Array(FlowSchema) } } },
    async (request) => readFlows(app.database, request.body),
  );

  app.post(
    "/flows/count",
    { schema: { body: CountFlowsBodySchema, response: { 200: Type.Integer() } } },
    async (request) => countFlows(app.database, request.body),
  );
};
