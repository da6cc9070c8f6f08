import { ObjectNotFoundError, type ApiError } from "@ecsflow/client";
import type { ProvisionContext, Step } from "../plan.js";
import { ProvisionError } from "../provision-error.js";
import { POOL_DESCRIPTION } from "../resource-names.js";

type Template = { job_configuration?: unknown; variables?: { properties?: Record<string, Record<string, unknown>> } } & Record<string, unknown>;

/** The template defaults provision owns; every other part of the template is the user's. */
function wantedDefaults(ctx: ProvisionContext): Record<string, unknown> {
  const network: Record<string, unknown> = { subnets: ctx.subnets, assignPublicIp: "ENABLED" };
  if (ctx.securityGroups.length > 0) network.securityGroups = ctx.securityGroups;
  const defaults: Record<string, unknown> = { cluster: ctx.settings.names.cluster, vpc_id: ctx.vpcId, network_configuration: network, execution_role_arn: ctx.executionRoleArn };
  // Flow runs get the key as the worker does, from the secret: else the worker would stamp it into
  // each run's environment in plain text.
  if (ctx.secretArn) defaults.api_key_secret_arn = ctx.secretArn;
  return defaults;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function withDefaults(template: Template, defaults: Record<string, unknown>): { template: Template; changed: string[] } {
  const copy = structuredClone(template);
  const properties = (copy.variables ??= {}).properties ?? (copy.variables.properties = {});
  const changed: string[] = [];
  for (const [key, value] of Object.entries(defaults)) {
    const prop = (properties[key] ??= {});
    if (!same(prop.default, value)) {
      prop.default = value;
      changed.push(key);
    }
  }
  return { template: copy, changed };
}

async function api<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw err;
    const e = err as ApiError;
    throw new ProvisionError(`${what}: ${e.message}`, e.status === undefined, { cause: err });
  }
}

/** The ecs work pool, through the ecsflow API, with the cluster, network and execution role as its template's defaults. */
export const workPoolStep: Step = {
  resource: "ecsflow work pool",
  name: (ctx) => ctx.settings.pool,
  async run(ctx) {
    const name = ctx.settings.pool;
    let pool;
    try {
      pool = await ctx.api.readWorkPool(name);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw new ProvisionError(`Reading work pool ${name} from the ecsflow API failed: ${(err as Error).message}`, (err as ApiError).status === undefined, { cause: err });
    }
    if (pool && pool.type !== "ecs") throw new ProvisionError(`Work pool ${name} exists with type ${pool.type}; provision needs an ecs pool (pick another --pool).`);
    let action: "create" | "update" | "exists" = "exists";
    if (!pool) {
      if (ctx.dryRun) return { action: "create" };
      pool = await api(`Creating work pool ${name}`, ctx.api.createWorkPool({ name, type: "ecs", description: POOL_DESCRIPTION }));
      action = "create";
    }
    const { template, changed } = withDefaults(pool.base_job_template as Template, wantedDefaults(ctx));
    if (changed.length === 0) return { action };
    if (!ctx.dryRun) await api(`Updating work pool ${name}`, ctx.api.updateWorkPool(name, { base_job_template: template }));
    return action === "create" ? { action } : { action: "update", detail: `template defaults: ${changed.join(", ")}` };
  },
};
