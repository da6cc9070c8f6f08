import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CountDeploymentsBodySchema,
  DeploymentCreateSchema,
  DeploymentFlowRunCreateSchema,
  DeploymentScheduleSchema,
  DeploymentSchema,
  DeploymentUpdateSchema,
  FlowRunSchema,
  IdParams,
  ReadDeploymentsBodySchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { createFlowRunFromDeployment } from "../models/flow-runs/create-flow-run.js";
import { countDeployments, createDeployment, deleteDeployment, readDeployment, readDeploymentByName, readDeployments, updateDeployment } from "../models/deployments/deployments.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Deployment not found");

/** `/deployments`: upserted by flow and name; `create_flow_run` starts a run of one. */
export const deploymentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/deployments/", { schema: { body: DeploymentCreateSchema, response: { 200: DeploymentSchema, 201: DeploymentSchema } } }, async (request, reply) => {
    const { deployment, created } = await createDeployment(app.database, request.body);
    // Prefect answers an upsert of an existing deployment with 200.
    return reply.code(created ? 201 : 200).send(deployment);
  });

  app.get("/deployments/:id", { schema: { params: IdParams, response: { 200: DeploymentSchema } } }, async (request) => {
    const deployment = await readDeployment(app.database.db, request.params.id);
    if (!deployment) throw notFound();
    return deployment;
  });

  app.get(
    "/deployments/name/:flow_name/:deployment_name",
    { schema: { params: Type.Object({ flow_name: Type.String(), deployment_name: Type.String() }), response: { 200: DeploymentSchema } } },
    async (request) => {
      const deployment = await readDeploymentByName(app.database.db, request.params.flow_name, request.params.deployment_name);
      if (!deployment) throw notFound();
      return deployment;
    },
  );

  app.patch("/deployments/:id", { schema: { params: IdParams, body: DeploymentUpdateSchema } }, async (request, reply) => {
    if (!(await updateDeployment(app.database, request.params.id, request.body))) throw notFound();
    return reply.code(204).send();
  });

  app.delete("/deployments/:id", { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await deleteDeployment(app.database, request.params.id))) throw notFound();
    return reply.code(204).send();
  });

  app.post(
    "/deployments/filter",
    { schema: { body: ReadDeploymentsBodySchema, response: { 200: Type.Array(DeploymentSchema) } } },
    async (request) => readDeployments(app.database, request.body),
  );

  app.post(
    "/deployments/count",
    { schema: { body: CountDeploymentsBodySchema, response: { 200: Type.Integer() } } },
    async (request) => countDeployments(app.database, request.body),
  );

  app.get("/deployments/:id/schedules", { schema: { params: IdParams, response: { 200: Type.Array(DeploymentScheduleSchema) } } }, async (request) => {
    const deployment = await readDeployment(app.database.db, request.params.id);
    if (!deployment) throw notFound();
    return deployment.schedules;
  });

  app.post(
    "/deployments/:id/create_flow_run",
    {
      schema: { params: IdParams, body: DeploymentFlowRunCreateSchema, response: { 200: FlowRunSchema, 201: FlowRunSchema } },
    },
    async (request, reply) => {
      const { flowRun, created } = await createFlowRunFromDeployment(app.database, request.params.id, request.body);
      return reply.code(created ? 201 : 200).send(flowRun);
    },
  );
};
