import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { IdParams, StateSchema, Uuid } from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { readRunState, readRunStates } from "../models/states/run-states.js";

/** `/flow_run_states` and `/task_run_states`: the state history of runs, oldest first. */
export const runStateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/flow_run_states/",
    { schema: { querystring: Type.Object({ flow_run_id: Uuid }), response: { 200: Type.Array(StateSchema) } } },
    async (request) => readRunStates(app.database, "flow_run_state", request.query.flow_run_id),
  );

  app.get("/flow_run_states/:id", { schema: { params: IdParams, response: { 200: StateSchema } } }, async (request) => {
    const state = await readRunState(app.database, "flow_run_state", request.params.id);
    if (!state) throw new ObjectNotFoundError("Flow run state not found");
    return state;
  });

  app.get(
    "/task_run_states/",
    { schema: { querystring: Type.Object({ task_run_id: Uuid }), response: { 200: Type.Array(StateSchema) } } },
    async (request) => readRunStates(app.database, "task_run_state", request.query.task_run_id),
  );

  app.get("/task_run_states/:id", { schema: { params: IdParams, response: { 200: StateSchema } } }, async (request) => {
    const state = await readRunState(app.database, "task_run_state", request.params.id);
    if (!state) throw new ObjectNotFoundError("Task run state not found");
    return state;
  });
};
