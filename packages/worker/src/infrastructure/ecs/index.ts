export { EcsInfrastructure } from "./ecs-infrastructure.js";
export { compileEcsInfrastructureOptions, EcsInfrastructureOptionsError, type EcsInfrastructureOptions } from "./ecs-infrastructure-options.js";
export { canonicalTaskDefinition, taskDefinitionHash, TASK_DEFINITION_HASH_TAG } from "./task-definition-identity.js";
export { DEFAULT_BUDGETS, type BucketLimit, type BucketName } from "./rate-budget.js";
