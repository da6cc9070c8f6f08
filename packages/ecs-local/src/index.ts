/**
 * ecs-local: a local AWS endpoint (ECS, CloudWatch Logs, EC2 describe, STS, Secrets Manager, IAM)
 * where ECS tasks run as containers (Docker or Podman) or as host processes. It speaks only AWS's
 * protocols and imports nothing else of ecsflow. See README.md in this folder.
 */
export { startEcsLocal, type EcsLocalHandle } from "./start-ecs-local.js";
export {
  AWS_DEFAULT_LIMITS,
  type EcsLocalOptions,
  type BucketLimit,
  type LimitName,
  type ImageMapping,
  type FaultRule,
  type FaultKind,
  type VpcConfig,
  type SubnetConfig,
  type SecurityGroupConfig,
  type ProvisioningProfile,
  type Exchange,
  type RuntimeChoice,
} from "./options.js";
export type { ImagePullBehavior } from "./runtime/container-driver.js";
export type { EcsLocalAdmin, AdminTaskView, RuntimeSettings } from "./admin/ecs-local-admin.js";
export { AwsError, EcsLocalConfigError, EcsLocalStateError } from "./errors.js";
// The container engine client, also used by `ecsflow image build` to build the runtime image.
export { candidateEngineAddresses, findEngine, type EngineAddress } from "./runtime/detect-engine.js";
export { engineClient } from "./runtime/engine-driver.js";
