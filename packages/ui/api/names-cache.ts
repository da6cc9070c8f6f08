import { readDeployments } from "./deployments";
import { readFlows } from "./flows";

// Names of flows and deployments change rarely; remembering them keeps each poll of a list to the
// list's own requests instead of two more.
const flowNames = new Map<string, string>();
const deploymentNames = new Map<string, string>();

async function fill(cache: Map<string, string>, ids: (string | null)[], load: (ids: string[]) => Promise<{ id: string; name: string }[]>) {
  const missing = [...new Set(ids.filter((id): id is string => !!id && !cache.has(id)))];
  if (missing.length === 0) return;
  for (const item of await load(missing)) cache.set(item.id, item.name);
}

/** Loads the names not yet known; returns lookups that fall back to a short id. */
export async function resolveNames(flowIds: (string | null)[], deploymentIds: (string | null)[], signal?: AbortSignal) {
  await Promise.all([
    fill(flowNames, flowIds, (ids) => readFlows({ ids, limit: ids.length }, signal)),
    fill(deploymentNames, deploymentIds, (ids) => readDeployments({ ids, limit: ids.length }, signal)),
  ]);
  return {
    flow: (id: string | null) => (id ? (flowNames.get(id) ?? id.slice(0, 8)) : null),
    deployment: (id: string | null) => (id ? (deploymentNames.get(id) ?? id.slice(0, 8)) : null),
  };
}

export type NameLookup = Awaited<ReturnType<typeof resolveNames>>;
