import { dirname, join, resolve } from "node:path";
import type { EcsflowClient } from "@ecsflow/client";
import { BIN_PATH } from "./up-options.js";

/** The `ecsflow` package (bin/, dist/, examples/): the runtime image's /app, so the examples' paths hold in every task. */
export const CLI_ROOT = dirname(dirname(BIN_PATH));

/** The workspace the package was built in (packages/cli under it): the runtime image is built from here. */
export const WORKSPACE_ROOT = resolve(CLI_ROOT, "../..");

/** Where the runtime image (Containerfile) keeps this build and its examples. */
const IMAGE_APP_DIR = "/app";

/** examples/, each `file:export`; hello first, as the demo runs it. */
const EXAMPLES = ["examples/hello.ts:hello", "examples/etl.ts:etl", "examples/flaky.ts:flaky", "examples/long-running.ts:longRunning"];

export interface DeployedExample {
  /** FLOW/DEPLOYMENT, as `ecsflow deployment run` takes it. */
  name: string;
  id: string;
  entrypoint: string;
}

/**
 * Deploys every example to the pool, each named after the pool (`hello/local-ecs`), as `ecsflow
 * deploy` would from an ecsflow.yaml: the flow's name and parameter schema come from loading its
 * entrypoint. Deploying again updates the same deployments.
 */
export async function deployExamples(client: EcsflowClient, pool: string, runsIn: "host" | "image"): Promise<DeployedExample[]> {
  const { loadFlowFromEntrypoint } = await import("@ecsflow/sdk");
  const out: DeployedExample[] = [];
  for (const entrypoint of EXAMPLES) {
    const definition = await loadFlowFromEntrypoint(entrypoint, CLI_ROOT);
    const flow = await client.createFlow(definition.options.name);
    const deployment = await client.createDeployment({
      name: pool,
      flow_id: flow.id,
      entrypoint,
      // In the runtime image the examples sit under /app; as host processes, in this checkout.
      path: runsIn === "image" ? IMAGE_APP_DIR : CLI_ROOT,
      description: definition.options.description ?? null,
      parameter_openapi_schema: (definition.options.parameters as Record<string, unknown> | undefined) ?? { type: "object", properties: {} },
      work_pool_name: pool,
      tags: ["example"],
    });
    out.push({ name: `${flow.name}/${deployment.name}`, id: deployment.id, entrypoint: join(CLI_ROOT, entrypoint) });
  }
  return out;
}
