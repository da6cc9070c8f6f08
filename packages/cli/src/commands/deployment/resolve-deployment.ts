import type { EcsflowClient } from "@ecsflow/client";
import type { Deployment } from "@ecsflow/schemas";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { orNotFound } from "../../or-not-found.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEPLOYMENT_HINT = "Run `ecsflow deployment ls` to see the deployments.";

/** A deployment named `FLOW/DEPLOYMENT` (as Prefect's CLI names them) or given by id. */
export async function resolveDeployment(client: EcsflowClient, ref: string): Promise<Deployment> {
  if (UUID.test(ref)) return orNotFound(client.readDeployment(ref), `Deployment ${ref}`, DEPLOYMENT_HINT);
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1) {
    throw new CliError(`"${ref}" is not a deployment name: give it as FLOW/DEPLOYMENT (e.g. etl/prod) or by id.`, ExitCode.Usage);
  }
  const flow = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  return orNotFound(client.readDeploymentByName(flow, name), `Deployment "${ref}"`, DEPLOYMENT_HINT);
}

/** `flow/deployment` for messages and tables. */
export async function deploymentFullName(client: EcsflowClient, deployment: Deployment): Promise<string> {
  const flow = await client.readFlow(deployment.flow_id).catch(() => undefined);
  return `${flow?.name ?? deployment.flow_id}/${deployment.name}`;
}
