import { randomUUID } from "node:crypto";
import type {
  Deployment,
  DeploymentCreate,
  DeploymentFlowRunCreate,
  DeploymentUpdate,
  Flow,
  FlowRun,
  FlowRunCreate,
  Log,
  OrchestrationResult,
  ReadDeploymentsBody,
  ReadFlowsBody,
  ReadLogsBody,
  State,
  StateCreate,
  StateType,
  EcsflowCapabilities,
  RunCost,
  RunUsage,
  TaskRun,
  TaskRunCreate,
  Worker,
  WorkerFilterBody,
  WorkPool,
  WorkPoolCreate,
  WorkPoolFilterBody,
  WorkPoolUpdate,
  WorkQueue,
  WorkQueueCreate,
  WorkQueueFilterBody,
  WorkQueueUpdate,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "./errors.js";
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

  /**
   * ecsflow's extensions (event stream, set_state preconditions), or null when the server is a
   * plain Prefect server (404) — callers then use only Prefect's API.
   */
  /** ecsflow only: what a run's task used, for the server to price (`GET /ecsflow/capabilities` lists `run_costs`). */
  reportFlowRunUsage(id: string, usage: RunUsage): Promise<RunCost> {
    return this.request<RunCost>("POST", `/ecsflow/flow_runs/${enc(id)}/cost`, usage);
  }

  async capabilities(): Promise<EcsflowCapabilities | null> {
    try {
      return await this.request<EcsflowCapabilities>("GET", "/ecsflow/capabilities");
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
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

  /** Merges `labels` into the run's labels (`PATCH /flow_runs/{id}/labels`, Prefect 3's; keys not sent stay). */
  updateFlowRunLabels(id: string, labels: Record<string, string>): Promise<void> {
    return this.request<void>("PATCH", `/flow_runs/${enc(id)}/labels`, labels);
  }

  filterFlowRuns(filter: Record<string, unknown>): Promise<FlowRun[]> {
    return this.request<FlowRun[]>("POST", "/flow_runs/filter", filter);
  }

  /**
   * Proposes a state. A fresh `transition_id` is added when the caller gives none, so that a
   * retried request (after a lost response) is recognised by the server as the same proposal.
   */
  /**
   * `expectedStateType` is an ecsflow server precondition (the proposal is aborted unless the run
   * is in that state): send it only where GET /ecsflow/capabilities lists it, since Prefect's
   * server refuses unknown fields.
   */
  setFlowRunState(id: string, state: StateCreate, options: { force?: boolean; expectedStateType?: StateType } = {}): Promise<OrchestrationResult> {
    const withTransition: StateCreate = {
      ...state,
      state_details: { ...state.state_details, transition_id: state.state_details?.transition_id ?? randomUUID() },
    };
    return this.request<OrchestrationResult>("POST", `/flow_runs/${enc(id)}/set_state`, {
      state: withTransition,
      force: options.force ?? false,
      ...(options.expectedStateType ? { orchestration_parameters: { expected_state_type: options.expectedStateType } } : {}),
    });
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

  // CLI: work pools, work queues, workers, flows, deployments, flow runs and logs, as the
  // `ecsflow` nouns read and change them (all documented Prefect endpoints).

  createWorkPool(body: WorkPoolCreate): Promise<WorkPool> {
    return this.request<WorkPool>("POST", "/work_pools/", body);
  }

  readWorkPool(name: string): Promise<WorkPool> {
    return this.request<WorkPool>("GET", `/work_pools/${enc(name)}`);
  }

  filterWorkPools(body: WorkPoolFilterBody = {}): Promise<WorkPool[]> {
    return this.request<WorkPool[]>("POST", "/work_pools/filter", body);
  }

  updateWorkPool(name: string, patch: WorkPoolUpdate): Promise<void> {
    return this.request<void>("PATCH", `/work_pools/${enc(name)}`, patch);
  }

  deleteWorkPool(name: string): Promise<void> {
    return this.request<void>("DELETE", `/work_pools/${enc(name)}`);
  }

  createWorkQueue(poolName: string, body: WorkQueueCreate): Promise<WorkQueue> {
    return this.request<WorkQueue>("POST", `/work_pools/${enc(poolName)}/queues`, body);
  }

  readWorkQueue(poolName: string, name: string): Promise<WorkQueue> {
    return this.request<WorkQueue>("GET", `/work_pools/${enc(poolName)}/queues/${enc(name)}`);
  }

  filterWorkQueues(poolName: string, body: WorkQueueFilterBody = {}): Promise<WorkQueue[]> {
    return this.request<WorkQueue[]>("POST", `/work_pools/${enc(poolName)}/queues/filter`, body);
  }

  updateWorkQueue(poolName: string, name: string, patch: WorkQueueUpdate): Promise<void> {
    return this.request<void>("PATCH", `/work_pools/${enc(poolName)}/queues/${enc(name)}`, patch);
  }

  deleteWorkQueue(poolName: string, name: string): Promise<void> {
    return this.request<void>("DELETE", `/work_pools/${enc(poolName)}/queues/${enc(name)}`);
  }

  filterWorkers(poolName: string, body: WorkerFilterBody = {}): Promise<Worker[]> {
    return this.request<Worker[]>("POST", `/work_pools/${enc(poolName)}/workers/filter`, body);
  }

  readFlow(id: string): Promise<Flow> {
    return this.request<Flow>("GET", `/flows/${enc(id)}`);
  }

  filterFlows(body: ReadFlowsBody = {}): Promise<Flow[]> {
    return this.request<Flow[]>("POST", "/flows/filter", body);
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

  filterDeployments(body: ReadDeploymentsBody = {}): Promise<Deployment[]> {
    return this.request<Deployment[]>("POST", "/deployments/filter", body);
  }

  updateDeployment(id: string, patch: DeploymentUpdate): Promise<void> {
    return this.request<void>("PATCH", `/deployments/${enc(id)}`, patch);
  }

  deleteDeployment(id: string): Promise<void> {
    return this.request<void>("DELETE", `/deployments/${enc(id)}`);
  }

  /**
   * Starts a run. An idempotency key is added when the caller gives none, so that a request
   * retried after a lost response returns the same run instead of starting a second one.
   */
  createFlowRunFromDeployment(deploymentId: string, body: DeploymentFlowRunCreate = {}): Promise<FlowRun> {
    return this.request<FlowRun>("POST", `/deployments/${enc(deploymentId)}/create_flow_run`, { ...body, idempotency_key: body.idempotency_key ?? randomUUID() });
  }

  /** The run's state history, oldest first. */
  readFlowRunStates(flowRunId: string): Promise<State[]> {
    return this.request<State[]>("GET", `/flow_run_states/?flow_run_id=${enc(flowRunId)}`);
  }

  filterLogs(body: ReadLogsBody = {}): Promise<Log[]> {
    return this.request<Log[]>("POST", "/logs/filter", body);
  }
}
