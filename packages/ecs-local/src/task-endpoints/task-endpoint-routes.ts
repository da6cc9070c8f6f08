import type { FastifyInstance } from "fastify";
import type { EcsLocalState } from "../state/ecs-local-state.js";
import type { TaskEndpointRegistry } from "./task-endpoint-registry.js";
import { containerMetadataView, taskMetadataView } from "./task-metadata-views.js";

/** Path prefixes the task environment points at (ECS serves these at 169.254.170.2). */
export const METADATA_PATH = "/_ecs-local/v4";
export const CREDENTIALS_PATH = "/_ecs-local/credentials";

/**
 * What a task reaches from inside, as on ECS: the task metadata endpoint v4
 * (`$ECS_CONTAINER_METADATA_URI_V4`, `/task`, `/stats`, `/task/stats`) and the task role's
 * credentials (`$AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `Authorization:
 * $AWS_CONTAINER_AUTHORIZATION_TOKEN`), in the shapes the AWS SDKs' container credential provider reads.
 */
export function registerTaskEndpointRoutes(app: FastifyInstance, registry: TaskEndpointRegistry, state: EcsLocalState): void {
  const lookup = (token: string) => {
    const ref = registry.container(token);
    const task = ref ? state.data.tasks[ref.taskArn] : undefined;
    const container = task?.containers.find((c) => c.name === ref?.containerName);
    return task && container ? { task, container, td: state.data.taskDefinitions[task.taskDefinitionArn] } : undefined;
  };
  const notFound = { error: "No such container: the metadata URI is not (or no longer) valid." };

  app.get(`${METADATA_PATH}/:token`, async (req, reply) => {
    const found = lookup((req.params as { token: string }).token);
    return found ? containerMetadataView(found.task, found.td, found.container) : reply.code(404).send(notFound);
  });
  app.get(`${METADATA_PATH}/:token/task`, async (req, reply) => {
    const found = lookup((req.params as { token: string }).token);
    return found ? taskMetadataView(found.task, found.td) : reply.code(404).send(notFound);
  });
  // Engine statistics are not collected; the endpoints answer, empty, so that agents polling them keep working.
  app.get(`${METADATA_PATH}/:token/stats`, async (req, reply) => (lookup((req.params as { token: string }).token) ? {} : reply.code(404).send(notFound)));
  app.get(`${METADATA_PATH}/:token/task/stats`, async (req, reply) => (lookup((req.params as { token: string }).token) ? {} : reply.code(404).send(notFound)));

  app.get(`${CREDENTIALS_PATH}/:token`, async (req, reply) => {
    const creds = registry.credentialsFor((req.params as { token: string }).token);
    // One answer for an unknown token and a wrong Authorization, so neither can be probed.
    if (!creds || req.headers.authorization !== creds.authorization) {
      return reply.code(401).send({ code: "AccessDenied", message: "Credentials are not available for this request." });
    }
    return {
      RoleArn: creds.roleArn,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      Token: creds.sessionToken,
      Expiration: new Date(creds.expiration).toISOString(),
    };
  });
}
