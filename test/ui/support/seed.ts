import type { TestServer } from "../../support/test-server.js";

/** Seeds through the API, as a user's CLI would; throws with the server's answer on failure. */
export async function api<T = any>(server: TestServer, method: string, path: string, body?: unknown): Promise<T> {
  const res = await server.request<T>(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
  return res.body;
}

export const PARAMETER_SCHEMA = {
  type: "object",
  title: "Parameters",
  properties: {
    name: { type: "string", title: "name", position: 0, default: "world" },
    count: { type: "integer", title: "count", position: 1, minimum: 1 },
    loud: { type: "boolean", title: "loud", position: 2, default: false },
  },
  required: ["count"],
};

export async function seedDeployment(server: TestServer, pool: string, flowName = "hello-flow", deploymentName = "hello") {
  await api(server, "POST", "/work_pools/", { name: pool, type: "process" }).catch(() => undefined);
  const flow = await api<{ id: string }>(server, "POST", "/flows/", { name: flowName });
  const deployment = await api<{ id: string }>(server, "POST", "/deployments/", {
    name: deploymentName,
    flow_id: flow.id,
    work_pool_name: pool,
    parameter_openapi_schema: PARAMETER_SCHEMA,
    parameters: { name: "world", count: 1 },
  });
  return { flowId: flow.id, deploymentId: deployment.id };
}

export async function setState(server: TestServer, runId: string, type: string, message?: string) {
  return api(server, "POST", `/flow_runs/${runId}/set_state`, { state: { type, message: message ?? null }, force: true });
}
