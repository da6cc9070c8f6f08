export { createProvisionClients, type AwsConnection, type ProvisionClients } from "./aws-clients.js";
export type { Action, PlanEntry } from "./plan.js";
export { provision, DEFAULT_WORKER_IMAGE, type ProvisionInput, type ProvisionResult } from "./provision.js";
export { ProvisionError } from "./provision-error.js";
export { resourceNames, MANAGED_TAG, POOL_TAG, type ResourceNames } from "./resource-names.js";
export { teardown, type TeardownEntry, type TeardownInput } from "./teardown.js";
export { cloudFormationTemplate, type CloudFormationInput } from "./cloudformation-template.js";
