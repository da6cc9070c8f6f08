import type { ServiceDefinition } from "../../protocol/service-definition.js";
import { clusterOperations } from "./clusters.js";
import { containerInstanceOperations } from "./container-instances.js";
import type { EcsContext } from "./ecs-context.js";
import { INVALID } from "./ecs-validation.js";
import { runTaskOperation } from "./run-task.js";
import { serviceOperations } from "./services.js";
import { tagOperations } from "./tags.js";
import { taskDefinitionOperations } from "./task-definitions.js";
import { taskOperations } from "./tasks.js";

/** Amazon ECS (JSON 1.1, target prefix AmazonEC2ContainerServiceV20141113). */
export function createEcsService(ctx: EcsContext): ServiceDefinition {
  return {
    name: "ecs",
    protocol: "json",
    targetPrefix: "AmazonEC2ContainerServiceV20141113",
    errors: {
      missingParameter: { code: INVALID, status: 400 },
      invalidType: { code: "SerializationException", status: 400 },
      throttling: { code: "ThrottlingException", status: 400 },
      serverError: { code: "ServerException", status: 500 },
    },
    operations: {
      ...clusterOperations(ctx),
      ...taskDefinitionOperations(ctx),
      RunTask: runTaskOperation(ctx),
      ...taskOperations(ctx),
      ...containerInstanceOperations(ctx),
      ...serviceOperations(ctx),
      ...tagOperations(ctx),
    },
  };
}
