import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { FlowRunInputCreateSchema, FlowRunInputFilterBodySchema, FlowRunInputKeyParamsSchema, FlowRunInputSchema, IdParams } from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { createFlowRunInput, deleteFlowRunInput, filterFlowRunInputs, readFlowRunInput } from "../models/flow-runs/inputs.js";

const notFound = () => new ObjectNotFoundError("Flow run input not found");

/** `/flow_runs/{id}/input`: a flow run's key/value inputs, as Prefect's pause-for-input and send_input use them. */
export const flowRunInputRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Prefect answers a create with an empty JSON body (null).
  app.post("/flow_runs/:id/input", { schema: { params: IdParams, body: FlowRunInputCreateSchema } }, async (request, reply) => {
    await createFlowRunInput(app.database, request.params.id.toLowerCase(), request.body);
    return reply.code(201).type("application/json").send("null");
  });

  app.post(
    "/flow_runs/:id/input/filter",
    { schema: { params: IdParams, body: FlowRunInputFilterBodySchema, response: { 200: Type.Array(FlowRunInputSchema) } } },
    async (request) => filterFlowRunInputs(app.database, request.params.id.toLowerCase(), request.body),
  );

  // The value as it was sent, as text (Prefect's PlainTextResponse): the client decodes it.
  app.get("/flow_runs/:id/input/:key", { schema: { params: FlowRunInputKeyParamsSchema } }, async (request, reply) => {
    const input = await readFlowRunInput(app.database, request.params.id.toLowerCase(), request.params.key);
    if (!input) throw notFound();
    return reply.type("text/plain; charset=utf-8").send(input.value);
  });

  app.delete("/flow_runs/:id/input/:key", { schema: { params: FlowRunInputKeyParamsSchema } }, async (request, reply) => {
    if (!(await deleteFlowRunInput(app.database, request.params.id.toLowerCase(), request.params.key))) throw notFound();
    return reply.code(204).send();
  });
};
