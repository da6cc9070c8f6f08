import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { IdParams, OrchestrationResultSchema, ResumeFlowRunBodySchema } from "@ecsflow/schemas";
import { resumeFlowRun } from "../orchestration/resume-flow-run.js";
import { nowTimestamp } from "../timestamps.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** `POST /flow_runs/{id}/resume`: a paused run goes on (orchestrated like set_state). */
export const flowRunResumeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post(
    "/flow_runs/:id/resume",
    { schema: { params: IdParams, body: ResumeFlowRunBodySchema, response: { 200: OrchestrationResultSchema, 201: OrchestrationResultSchema } } },
    async (request, reply) => {
      const started = nowTimestamp();
      const result = await resumeFlowRun(app.database, request.params.id, request.body.run_input);
      // As set_state: 201 when the returned state was written during this request.
      return reply.code(result.state && result.state.timestamp >= started ? 201 : 200).send(result);
    },
  );
};
