/**
 * Everything ecs-local knows, as plain JSON-ready records, so that `--state-dir` can save and load
 * it whole. Running processes and timers live in the runtime, never here.
 */

export interface EcsTag {
  key: string;
  value: string;
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface ClusterRecord {
  arn: string;
  name: string;
  status: "ACTIVE" | "INACTIVE";
  createdAt: number;
  tags: EcsTag[];
  settings: { name: string; value: string }[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  configuration?: Record<string, unknown>;
}

export type TaskDefinitionStatus = "ACTIVE" | "INACTIVE" | "DELETE_IN_PROGRESS";

export interface TaskDefinitionRecord {
  arn: string;
  family: string;
  revision: number;
  status: TaskDefinitionStatus;
  /** The TaskDefinition as AWS returns it, minus status and dates (added by the view). */
  definition: Record<string, any>;
  tags: EcsTag[];
  registeredAt: number;
  registeredBy: string;
  deregisteredAt?: number;
}

export type TaskStatus = "PROVISIONING" | "PENDING" | "ACTIVATING" | "RUNNING" | "DEACTIVATING" | "STOPPING" | "DEPROVISIONING" | "STOPPED";

export type StopCode = "TaskFailedToStart" | "EssentialContainerExited" | "UserInitiated" | "ServiceSchedulerInitiated";

export interface ContainerRecord {
  name: string;
  containerArn: string;
  image: string;
  essential: boolean;
  lastStatus: "PENDING" | "RUNNING" | "STOPPED";
  exitCode?: number;
  reason?: string;
  runtimeId?: string;
  cpu: string;
  memory?: string;
  memoryReservation?: string;
  /** Host process id while it runs (admin view only). */
  pid?: number;
}

export interface TaskRecord {
  id: string;
  arn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  family: string;
  lastStatus: TaskStatus;
  desiredStatus: "RUNNING" | "STOPPED";
  launchType: "EC2" | "FARGATE" | "EXTERNAL";
  capacityProviderName?: string;
  platformVersion?: string;
  cpu?: string;
  memory?: string;
  /** CPU units and MiB reserved on the cluster (EC2 capacity accounting). */
  reservedCpu: number;
  reservedMemory: number;
  group: string;
  startedBy?: string;
  tags: EcsTag[];
  overrides: Record<string, any>;
  networkConfiguration?: Record<string, any>;
  attachments: Record<string, any>[];
  availabilityZone: string;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: StopCode;
  stoppedReason?: string;
  containers: ContainerRecord[];
  version: number;
  clientToken?: string;
  serviceArn?: string;
  deploymentId?: string;
  /** Every lastStatus the task went through, in order (admin view; AWS does not expose it). */
  history: { status: TaskStatus; at: number }[];
}

export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

export interface DeploymentRecord {
  id: string;
  status: "PRIMARY" | "ACTIVE" | "INACTIVE";
  taskDefinitionArn: string;
  createdAt: number;
  updatedAt: number;
  failedTasks: number;
  rolloutState: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  rolloutStateReason: string;
  launchType?: "EC2" | "FARGATE" | "EXTERNAL";
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  networkConfiguration?: Record<string, any>;
}

export interface ServiceRecord {
  arn: string;
  name: string;
  clusterArn: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  desiredCount: number;
  taskDefinitionArn: string;
  launchType?: "EC2" | "FARGATE" | "EXTERNAL";
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  networkConfiguration?: Record<string, any>;
  deploymentConfiguration: { maximumPercent: number; minimumHealthyPercent: number; deploymentCircuitBreaker: { enable: boolean; rollback: boolean } };
  deployments: DeploymentRecord[];
  events: ServiceEventRecord[];
  tags: EcsTag[];
  propagateTags: "TASK_DEFINITION" | "SERVICE" | "NONE";
  enableECSManagedTags: boolean;
  createdAt: number;
  createdBy: string;
  clientToken?: string;
  /** Consecutive task failures, for the scheduler's backoff. */
  consecutiveFailures: number;
  /** No launch before this time (ms since epoch). */
  nextLaunchAt: number;
  /** Whether "has reached a steady state" was reported since the last change. */
  steadyStateReported: boolean;
}

export interface ClientTokenRecord {
  clusterArn: string;
  token: string;
  requestHash: string;
  taskArns: string[];
  failures: { arn?: string; reason?: string; detail?: string }[];
  createdAt: number;
}

export interface LogEventRecord {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStreamRecord {
  name: string;
  createdAt: number;
  /** Sorted by timestamp; events with equal timestamps keep their ingestion order. */
  events: LogEventRecord[];
  storedBytes: number;
  lastIngestionTime?: number;
  sequence: number;
}

export interface LogGroupRecord {
  name: string;
  arn: string;
  createdAt: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  streams: Record<string, LogStreamRecord>;
}

export interface SecretVersionRecord {
  versionId: string;
  stages: string[];
  secretString?: string;
  /** base64 */
  secretBinary?: string;
  createdAt: number;
}

export interface SecretRecord {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  createdAt: number;
  lastChangedAt: number;
  lastAccessedAt?: number;
  tags: { Key: string; Value: string }[];
  versions: Record<string, SecretVersionRecord>;
}

export interface RoleRecord {
  name: string;
  id: string;
  arn: string;
  path: string;
  createdAt: number;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: { Key: string; Value: string }[];
  attachedPolicies: { PolicyName: string; PolicyArn: string }[];
  inlinePolicies: Record<string, string>;
}

export interface StateData {
  version: 1;
  clusters: Record<string, ClusterRecord>;
  taskDefinitions: Record<string, TaskDefinitionRecord>;
  tasks: Record<string, TaskRecord>;
  services: Record<string, ServiceRecord>;
  clientTokens: Record<string, ClientTokenRecord>;
  logGroups: Record<string, LogGroupRecord>;
  secrets: Record<string, SecretRecord>;
  roles: Record<string, RoleRecord>;
}

export function emptyState(): StateData {
  return { version: 1, clusters: {}, taskDefinitions: {}, tasks: {}, services: {}, clientTokens: {}, logGroups: {}, secrets: {}, roles: {} };
}

/** The state plus a change signal, which persistence listens to. */
export class EcsLocalState {
  private readonly listeners: (() => void)[] = [];

  constructor(public data: StateData = emptyState()) {}

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  markChanged(): void {
    for (const l of this.listeners) l();
  }
}
