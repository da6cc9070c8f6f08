import type { FlowRun } from "@ecsflow/schemas";
import { taskTraceparent } from "./flow-run-tracing.js";
import { renderJobTemplate } from "./render-job-template.js";
import type { WorkerContext } from "./worker-context.js";

export interface RenderInputs {
  flow: { id: string; name: string };
  deployment: { id: string; name: string; updated?: string; job_variables?: Record<string, unknown> } | null;
}

const NIL_ID = "00000000-0000-0000-0000-000000000000";

/** Turns the pool's base job template, the deployment's and the run's job variables into a job configuration. */
export class JobRenderer {
  /** Flow names never change: read once per flow (bounded, oldest dropped first). */
  private readonly flows = new Map<string, { id: string; name: string }>();

  constructor(private readonly ctx: WorkerContext) {}

  /** The flow (cached) and the deployment (read fresh: its job variables may change). */
  async readInputs(flowRun: FlowRun): Promise<RenderInputs> {
    const client = this.ctx.options.client;
    const cached = this.flows.get(flowRun.flow_id);
    const [flow, deployment] = await Promise.all([
      cached ?? client.request<{ id: string; name: string }>("GET", `/flows/${flowRun.flow_id}`),
      flowRun.deployment_id ? client.request<RenderInputs["deployment"] & object>("GET", `/deployments/${flowRun.deployment_id}`) : Promise.resolve(null),
    ]);
    if (!cached) {
      if (this.flows.size >= 1_000) this.flows.delete(this.flows.keys().next().value!);
      this.flows.set(flow.id, { id: flow.id, name: flow.name });
    }
    return { flow, deployment };
  }

  render(flowRun: FlowRun, { flow, deployment }: RenderInputs): Record<string, unknown> {
    const { options } = this.ctx;
    const pool = this.ctx.pool();
    return renderJobTemplate({
      baseJobTemplate: pool.base_job_template as never,
      deploymentJobVariables: (deployment?.job_variables ?? null) as never,
      flowRunJobVariables: (flowRun.job_variables ?? null) as never,
      env: options.hostEnv,
      flowRun,
      deployment,
      flow,
      worker: { name: options.name, poolName: pool.name, poolId: pool.id, poolType: pool.type },
      apiUrl: options.apiUrlForRuns,
      apiKey: options.apiKeyForRuns ?? null,
      version: options.version ?? null,
      traceparent: taskTraceparent(flowRun.id),
    });
  }

  /** The pool's job configuration without a run (for the credentials, Region and cluster of listStarted). */
  renderPoolDefaults(): Record<string, unknown> {
    const { options } = this.ctx;
    const pool = this.ctx.pool();
    try {
      return renderJobTemplate({
        baseJobTemplate: pool.base_job_template as never,
        env: options.hostEnv,
        flowRun: { id: NIL_ID, name: "adoption", flow_id: NIL_ID },
        flow: { id: NIL_ID, name: "adoption" },
        worker: { name: options.name, poolName: pool.name, poolId: pool.id, poolType: pool.type },
        apiUrl: options.apiUrlForRuns,
      });
    } catch {
      return {};
    }
  }
}
