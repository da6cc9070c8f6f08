import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CountFlowRunsBodySchema,
  FlowRunCreateSchema,
  FlowRunSchema,
  FlowRunUpdateSchema,
  IdParams,
  Labels,
  OrchestrationResultSchema,
  ReadFlowRunsBodySchema,
  SetStateBodySchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { createFlowRun } from "../models/flow-runs/create-flow-run.js";
import { countFlowRuns, deleteFlowRun, mergeFlowRunLabels, readFlowRun, readFlowRuns, updateFlowRun } from "../models/flow-runs/flow-runs.js";
import { setRunState } from "../orchestration/set-run-state.js";
import { nowTimestamp } from "../timestamps.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Flow run not found");

/** `/flow_runs`: runs of flows, their state transitions (orchestrated) and labels. */
export const flowRunRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/flow_runs/", { schema: { body: FlowRunCreateSchema, response: { 200: FlowRunSchema, 201: FlowRunSchema } } }, async (request, reply) => {
    const { flowRun, created } = await createFlowRun(app.database, request.body);
    // An idempotency key that names an existing run returns that run with 200, as in Prefect.
    return reply.code(created ? 201 : 200).send(flowRun);
  });

  app.get("/flow_runs/:id", { schema: { params: IdParams, response: { 200: FlowRunSchema } } }, async (request) => {
    const flowRun = await readFlowRun(app.database, request.params.id);
    if (!flowRun) throw notFound();
    return flowRun;
  });

  app.patch("/flow_runs/:id", { schema: { params: IdParams, body: FlowRunUpdateSchema } }, async (request, reply) => {
    if (!(await updateFlowRun(app.database, request.params.id, request.body))) throw notFound();
    return reply.code(204).send();
  });

  app.delete("/flow_runs/:id", { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await deleteFlowRun(app.database, request.params.id))) throw notFound();
    return reply.code(204).send();
  });

  app.post(
    "/flow_runs/filter",
    { schema: { body: ReadFlowRunsBodySchema, response: { 200: Type.Array(FlowRunSchema) } } },
    async (request) => readFlowRuns(app.database, request.body),
  );

  app.post(
    "/flow_runs/count",
    { schema: { body: CountFlowRunsBodySchema, response: { 200: Type.Integer() } } },
    async (request) => countFlowRuns(app.database, request.body),
  );

  app.post(
    "/flow_runs/:id/set_state",
    { schema: { params: IdParams, body: SetStateBodySchema, response: { 200: OrchestrationResultSchema, 201: OrchestrationResultSchema } } },
    async (request, reply) => {
      const started = nowTimestamp();
      const result = await setRunState(app.database, {
        kind: "flow_run",
        runId: request.params.id,
        state: request.body.state,
        force: request.body.force,
        expectedStateType: request.body.orchestration_parameters?.expected_state_type,
      });
      // Prefect: 201 when the returned state was written during this request, else 200.
      return reply.code(result.state && result.state.timestamp >= started ? 201 : 200).send(result);
    },
  );

  app.patch("/flow_runs/:id/labels", { schema: { params: IdParams, body: Labels } }, async (request, reply) => {
    await mergeFlowRunLabels(app.database, request.params.id, request.body);
    return reply.code(204).send();
  });
};
