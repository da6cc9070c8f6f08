import { randomUUID } from "node:crypto";
import type { Deployment, DeploymentCreate, Flow, FlowRun, FlowRunCreate, OrchestrationResult, StateCreate, TaskRun, TaskRunCreate, WorkPool } from "../schemas/index.js";
import { HttpTransport, type HttpTransportOptions, type RequestOptions } from "./http-transport.js";

export interface WorkerFlowRun {
  work_pool_id: string;
  work_queue_id: string;
  flow_run: FlowRun;
}

export interface LogCreate {
  name: string;
  level: number;
  message: string;
  timestamp: string;
  flow_run_id?: string | null;
  task_run_id?: string | null;
}

const enc = encodeURIComponent;

/**
 * Typed calls to the ecsflow (or Prefect) API. Only documented Prefect endpoints are used unless a
 * method says otherwise, so the worker and SDK also work against Prefect's own server.
 */
export class EcsflowClient {
  readonly http: HttpTransport;

  constructor(options: HttpTransportOptions) {
    this.http = new HttpTransport(options);
  }

  get apiUrl(): string {
    return this.http.apiUrl;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return (await this.http.request<T>(method, path, body, options)).body;
  }

  health(options?: RequestOptions): Promise<boolean> {
    return this.request<boolean>("GET", "/health", undefined, options);
  }

  serverVersion(): Promise<string> {
    return this.request<string>("GET", "/admin/version");
  }

  readFlowRun(id: string): Promise<FlowRun> {
    return this.request<FlowRun>("GET", `/flow_runs/${enc(id)}`);
  }

  updateFlowRun(id: string, patch: Record<string, unknown>): Promise<void> {
    return this.request<void>("PATCH", `/flow_runs/${enc(id)}`, patch);
  }

  filterFlowRuns(filter: Record<string, unknown>): Promise<FlowRun[]> {
    return this.request<FlowRun[]>("POST", "/flow_runs/filter", filter);
  }

  /**
   * Proposes a state. A fresh `transition_id` is added when the caller gives none, so that a
   * retried request (after a lost response) is recognised by the server as the same proposal.
   */
  setFlowRunState(id: string, state: StateCreate, options: { force?: boolean } = {}): Promise<OrchestrationResult> {
    const withTransition: StateCreate = {
      ...state,
      state_details: { ...state.state_details, transition_id: state.state_details?.transition_id ?? randomUUID() },
    };
    return this.request<OrchestrationResult>("POST", `/flow_runs/${enc(id)}/set_state`, { state: withTransition, force: options.force ?? false });
  }

  setTaskRunState(id: string, state: StateCreate, options: { force?: boolean } = {}): Promise<OrchestrationResult> {
    const withTransition: StateCreate = {
      ...state,
      state_details: { ...state.state_details, transition_id: state.state_details?.transition_id ?? randomUUID() },
    };
    return this.request<OrchestrationResult>("POST", `/task_runs/${enc(id)}/set_state`, { state: withTransition, force: options.force ?? false });
  }

  getScheduledFlowRuns(
    workPoolName: string,
    options: { workQueueNames?: string[]; scheduledBefore?: Date; scheduledAfter?: Date; limit?: number } = {},
  ): Promise<WorkerFlowRun[]> {
    return this.request<WorkerFlowRun[]>("POST", `/work_pools/${enc(workPoolName)}/get_scheduled_flow_runs`, {
      ...(options.workQueueNames?.length ? { work_queue_names: options.workQueueNames } : {}),
      ...(options.scheduledBefore ? { scheduled_before: options.scheduledBefore.toISOString() } : {}),
      ...(options.scheduledAfter ? { scheduled_after: options.scheduledAfter.toISOString() } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
  }

  sendWorkerHeartbeat(workPoolName: string, name: string, heartbeatIntervalSeconds: number): Promise<void> {
    return this.request<void>("POST", `/work_pools/${enc(workPoolName)}/workers/heartbeat`, { name, heartbeat_interval_seconds: heartbeatIntervalSeconds });
  }

  createLogs(logs: LogCreate[]): Promise<void> {
    return this.request<void>("POST", "/logs/", logs);
  }

  // --- SDK and deployments (flows, flow runs and task runs a flow creates; `ecsflow deploy`) ---

  /** Creates the flow, or returns the existing one of that name (the API upserts by name). */
  createFlow(name: string, options: { tags?: string[] } = {}): Promise<Flow> {
    return this.request<Flow>("POST", "/flows/", { name, ...(options.tags ? { tags: options.tags } : {}) });
  }

  createFlowRun(body: FlowRunCreate): Promise<FlowRun> {
    return this.request<FlowRun>("POST", "/flow_runs/", body);
  }

  createTaskRun(body: TaskRunCreate): Promise<TaskRun> {
    return this.request<TaskRun>("POST", "/task_runs/", body);
  }

  readTaskRun(id: string): Promise<TaskRun> {
    return this.request<TaskRun>("GET", `/task_runs/${enc(id)}`);
  }

  readDeployment(id: string): Promise<Deployment> {
    return this.request<Deployment>("GET", `/deployments/${enc(id)}`);
  }

  readDeploymentByName(flowName: string, deploymentName: string): Promise<Deployment> {
    return this.request<Deployment>("GET", `/deployments/name/${enc(flowName)}/${enc(deploymentName)}`);
  }

  /** Creates the deployment, or updates the one with the same flow and name (Prefect's upsert). */
  createDeployment(body: DeploymentCreate): Promise<Deployment> {
    return this.request<Deployment>("POST", "/deployments/", body);
  }

  readWorkPool(name: string): Promise<WorkPool> {
    return this.request<WorkPool>("GET", `/work_pools/${enc(name)}`);
  }
}
