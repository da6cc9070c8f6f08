import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CountTaskRunsBodySchema,
  IdParams,
  OrchestrationResultSchema,
  ReadTaskRunsBodySchema,
  SetStateBodySchema,
  TaskRunCreateSchema,
  TaskRunSchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { countTaskRuns, createTaskRun, readTaskRun, readTaskRuns } from "../models/task-runs/task-runs.js";
import { setRunState } from "../orchestration/set-run-state.js";
import { nowTimestamp } from "../timestamps.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** `/task_runs`: runs of tasks inside (or, for background tasks, outside) flow runs. */
export const taskRunRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/task_runs/", { schema: { body: TaskRunCreateSchema, response: { 200: TaskRunSchema, 201: TaskRunSchema } } }, async (request, reply) => {
    const { taskRun, created } = await createTaskRun(app.database, request.body);
    return reply.code(created ? 201 : 200).send(taskRun);
  });

  app.get("/task_runs/:id", { schema: { params: IdParams, response: { 200: TaskRunSchema } } }, async (request) => {
    const taskRun = await readTaskRun(app.database, request.params.id);
    if (!taskRun) throw new ObjectNotFoundError("Task run not found");
    return taskRun;
  });

  app.post(
    "/task_runs/filter",
    { schema: { body: ReadTaskRunsBodySchema, response: { 200: Type.Array(TaskRunSchema) } } },
    async (request) => readTaskRuns(app.database, request.body),
  );

  app.post(
    "/task_runs/count",
    { schema: { body: CountTaskRunsBodySchema, response: { 200: Type.Integer() } } },
    async (request) => countTaskRuns(app.database, request.body),
  );

  app.post(
    "/task_runs/:id/set_state",
    { schema: { params: IdParams, body: SetStateBodySchema, response: { 200: OrchestrationResultSchema, 201: OrchestrationResultSchema } } },
    async (request, reply) => {
      const started = nowTimestamp();
      const result = await setRunState(app.database, {
        kind: "task_run",
        runId: request.params.id,
        state: request.body.state,
        force: request.body.force,
        expectedStateType: request.body.orchestration_parameters?.expected_state_type,
      });
      return reply.code(result.state && result.state.timestamp >= started ? 201 : 200).send(result);
    },
  );
};
