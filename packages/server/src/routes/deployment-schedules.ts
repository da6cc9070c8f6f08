import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { DeploymentScheduleCreateSchema, DeploymentScheduleSchema, DeploymentScheduleUpdateSchema, IdParams, Uuid } from "@ecsflow/schemas";
import { createDeploymentSchedules, deleteDeploymentSchedule, updateDeploymentSchedule } from "../models/deployments/schedule-writes.js";

const ScheduleParams = Type.Object({ id: Uuid, schedule_id: Uuid });

/**
 * A deployment's schedules one by one (`GET /deployments/{id}/schedules` lives with the
 * deployments): add (201 with the new schedules), change (204), delete (204); 404 for an unknown
 * deployment or schedule, 422 naming the field for a bad schedule.
 */
export const deploymentScheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/deployments/:id/schedules",
    { schema: { params: IdParams, body: Type.Array(DeploymentScheduleCreateSchema), response: { 201: Type.Array(DeploymentScheduleSchema) } } },
    async (request, reply) => {
      const created = await createDeploymentSchedules(app.database, request.params.id, request.body);
      return reply.code(201).send(created);
    },
  );

  app.patch("/deployments/:id/schedules/:schedule_id", { schema: { params: ScheduleParams, body: DeploymentScheduleUpdateSchema } }, async (request, reply) => {
    await updateDeploymentSchedule(app.database, request.params.id, request.params.schedule_id, request.body);
    return reply.code(204).send();
  });

  app.delete("/deployments/:id/schedules/:schedule_id", { schema: { params: ScheduleParams } }, async (request, reply) => {
    await deleteDeploymentSchedule(app.database, request.params.id, request.params.schedule_id);
    return reply.code(204).send();
  });
};
