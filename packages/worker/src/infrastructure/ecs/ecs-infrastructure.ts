import { defaultWorkerMetrics } from "../../metrics/index.js";
// Each flow run as an ECS task (Fargate or EC2), through AWS SDK v3. run() is the story:
//   read the rendered configuration → the task definition (registered at most once per hash, or
//   linked) → the network configuration (checked against the VPC) → the RunTask request →
//   RunTask (idempotent per attempt) → onStarted(<cluster>::<taskArn>, task definition and launch
//   type as run labels) → the shared watcher
//   (batched DescribeTasks) until STOPPED, with the container's CloudWatch log stream forwarded →
//   the orchestration container's exit code and a plain-language explanation.
// kill() is StopTask with a reason; adopt() and listStarted() let a restarted worker pick its
// tasks up again. Everything AWS-facing lives in one file per call site beside this one.

import type { Task } from "@aws-sdk/client-ecs";
import { defaultBaseJobTemplateFor } from "@ecsflow/schemas";
import { InfrastructureNotFoundError, SubmissionError } from "../../errors.js";
import type { Infrastructure, InfrastructureJob, InfrastructureResult, StartedInfrastructure } from "../infrastructure.js";
import { AwsClients, type AwsClientSet } from "./aws-clients.js";
import { describeAwsError, errorMessage, safeCause } from "./aws-errors.js";
import { buildRunTaskRequest, startedByFor } from "./build-run-task-request.js";
import { awslogsTargetOf, buildTaskDefinition, containerNameFromDefinition, DEFAULT_CONTAINER_NAME, type AwslogsTarget } from "./build-task-definition.js";
import { NetworkDirectory } from "./describe-network.js";
import { SecretChecker } from "./describe-secret.js";
import { DescribeTasksWatcher, type WatchOutcome } from "./describe-tasks-watcher.js";
import { TaskEventListener } from "./task-event-listener.js";
import { readEcsJobConfiguration, readJobAwsCredentials, type EcsJobConfiguration } from "./ecs-job-configuration.js";
import { compileEcsInfrastructureOptions, type CompiledEcsInfrastructureOptions, type EcsInfrastructureOptions } from "./ecs-infrastructure-options.js";
import { resultFromStoppedTask } from "./explain-stopped-task.js";
import { usageOfTask } from "./task-usage.js";
import { describeContainerInstance, type ContainerInstanceFacts } from "./describe-container-instance.js";
import { getCallerIdentity } from "./get-caller-identity.js";
import { CloudWatchLogStreamer, type LogFollowHandle, type LogStreamRef } from "./get-log-events.js";
import { formatInfrastructureId, parseInfrastructureId, taskIdOf } from "./infrastructure-id.js";
import { ATTEMPT_TAG, FLOW_RUN_ID_TAG, describeTask, listStartedTasks } from "./list-tasks.js";
import { resolveNetworkConfiguration } from "./network-configuration.js";
import { RateBudget } from "./rate-budget.js";
import { LinkedTaskDefinitionNotFound, TaskDefinitionRegistry, type ResolvedTaskDefinition } from "./register-task-definition.js";
import { isEarlierScheduling, runTask } from "./run-task.js";
import { SecretMasker } from "./secret-masker.js";
import { stopTask } from "./stop-task.js";
import { describePlacement, taskRunLabels } from "./task-run-labels.js";

/** How long a task described by listStarted stands in for describing it again in adopt (the watcher looks again soon anyway). */
const LISTED_FRESH_MS = 60_000;
const CANCEL_REASON = "Stopped by ecsflow: the flow run was cancelled.";
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** What a run needs once its task exists: where it is and how to read it. */
interface Followed {
  clients: AwsClientSet;
  cfg: EcsJobConfiguration;
  cluster: string | undefined;
  taskArn: string;
  infrastructurePid: string;
  containerName: string;
  awslogs?: AwslogsTarget;
  startClockMs: number;
  masker: SecretMasker;
}

interface Launched {
  task: Task;
  resolved: ResolvedTaskDefinition;
  containerName: string;
}

/** RunTask refused a cached task definition as INACTIVE (deregistered from outside). */
class InactiveTaskDefinition extends Error {
  override readonly name = "InactiveTaskDefinition";
  constructor(
    readonly arn: string,
    override readonly cause: unknown,
  ) {
    super(`Task definition ${arn} is inactive`);
  }
}

/** Task definition fields the default template fills from variables, by the variable's name. */
const TEMPLATE_FIELD_VARIABLES: Record<string, string> = {
  "containerDefinitions[].image": "image",
  "containerDefinitions[].name": "container_name",
  cpu: "cpu",
  memory: "memory",
  family: "family",
  executionRoleArn: "execution_role_arn",
};

function leafPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => leafPaths(v, `${prefix}[]`));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  return value === undefined || value === null || value === "" ? [] : [prefix];
}

export class EcsInfrastructure implements Infrastructure {
  readonly type = "ecs";
  readonly idempotentRun = true;
  readonly defaultBaseJobTemplate = defaultBaseJobTemplateFor("ecs") as unknown as Record<string, unknown>;
  readonly options: CompiledEcsInfrastructureOptions;
  readonly budget: RateBudget;
  readonly registry: TaskDefinitionRegistry;
  readonly watcher: DescribeTasksWatcher;
  /** Reads ECS Task State Change events from SQS when `taskEvents` is set. */
  readonly taskEvents: TaskEventListener | undefined;
  readonly logStreamer: CloudWatchLogStreamer;
  private readonly clients: AwsClients;
  private readonly network = new NetworkDirectory();
  private readonly secretChecker = new SecretChecker();
  private readonly masker: SecretMasker;
  /** Tasks this worker stopped on cancellation, and when (so their end is not "stopped from outside"). */
  private readonly stoppedHere = new Map<string, number>();
  /** Tasks listStarted just described, by ARN, so adopting each of them costs no DescribeTasks of its own. */
  private readonly listed = new Map<string, { task: Task; at: number }>();
  /** EC2 container instances' facts for run costs, by client set and instance ARN. */
  private readonly containerInstances = new Map<string, Promise<ContainerInstanceFacts | undefined>>();

  constructor(options: EcsInfrastructureOptions = {}) {
    this.options = compileEcsInfrastructureOptions(options);
    const logger = this.options.logger;
    const metrics = options.metrics ?? defaultWorkerMetrics;
    this.budget = new RateBudget(this.options.budgets, logger.child({ component: "aws-calls" }), metrics);
    this.clients = new AwsClients(
      { region: this.options.region, endpoint: this.options.endpoint, credentials: this.options.credentials, profile: this.options.profile, maxAttempts: this.options.maxAttempts },
      this.budget,
    );
    this.registry = new TaskDefinitionRegistry(logger, this.options.registerPolicy);
    this.watcher = new DescribeTasksWatcher({ logger, metrics, ...this.options.watcher });
    const events = this.options.taskEvents;
    this.taskEvents = events
      ? new TaskEventListener({ sqs: this.clients.sqs(), queueUrl: events.queueUrl, waitTimeSeconds: events.waitTimeSeconds, logger: logger.child({ component: "task-events" }), onTask: (task) => this.watcher.observe(task) })
      : undefined;
    if (this.taskEvents) {
      const listener = this.taskEvents;
      this.watcher.useEvents(() => listener.healthy());
    }
    this.logStreamer = new CloudWatchLogStreamer({ logger, ...this.options.logStreaming });
    this.masker = new SecretMasker(this.options.secrets);
  }

  async setup(): Promise<void> {
    this.taskEvents?.start();
    if (!this.options.checkCredentialsOnSetup) return;
    const clients = this.clients.forJob();
    try {
      const region = await clients.region();
      const who = await getCallerIdentity(clients);
      this.options.logger.info({ account: who.account, identity: who.arn, region }, "ECS worker acting as this AWS identity");
    } catch (err) {
      this.options.logger.warn(
        { error: describeAwsError(err, this.masker) },
        "could not confirm the worker's AWS identity (STS GetCallerIdentity); runs will fail unless their pool's aws_credentials provide one. Set AWS credentials (environment, profile or task role) and AWS_REGION.",
      );
    }
  }

  async teardown(): Promise<void> {
    await this.taskEvents?.close();
    this.watcher.close();
    this.logStreamer.close();
    this.clients.destroy();
  }

  /** Counters for logs and the benchmark: calls per AWS operation, registrations, watcher and log calls. */
  metrics() {
    return {
      calls: { ...this.budget.calls },
      throttles: { ...this.budget.throttles },
      registrations: this.registry.registrations,
      watcher: { ...this.watcher.stats, watching: this.watcher.size },
      taskEvents: this.taskEvents ? { ...this.taskEvents.stats } : undefined,
      logs: { ...this.logStreamer.stats },
    };
  }

  private poolNameOf(job: InfrastructureJob, cfg: EcsJobConfiguration): string {
    return job.flowRun.work_pool_name ?? cfg.labels["prefect.io/work-pool-name"] ?? "default";
  }

  private maskerFor(cfg: EcsJobConfiguration): SecretMasker {
    return this.masker.with([cfg.env.PREFECT_API_KEY, cfg.env.PREFECT_API_AUTH_STRING, cfg.awsCredentials.secretAccessKey, cfg.awsCredentials.sessionToken]);
  }

  async run(job: InfrastructureJob): Promise<InfrastructureResult> {
    const cfg = readEcsJobConfiguration(job.configuration);
    const masker = this.maskerFor(cfg);
    const log = job.logger;
    const say = (line: string) => job.onOutput(masker.mask(line), "infrastructure");
    const warn = (message: string) => {
      log.warn(masker.mask(message));
      say(message);
    };
    const clients = this.clients.forJob(cfg.awsCredentials);

    let launched: Launched;
    try {
      launched = await this.launch(job, cfg, clients, masker, warn);
    } catch (err) {
      // The definition was deregistered from outside since this worker cached it: look again, once.
      if (cfg.taskDefinitionArn || !(err instanceof InactiveTaskDefinition)) throw this.asSubmissionError(err, masker);
      this.registry.forget(clients, err.arn);
      log.info({ taskDefinitionArn: err.arn }, "the cached task definition is inactive; resolving it again");
      try {
        launched = await this.launch(job, cfg, clients, masker, warn);
      } catch (again) {
        throw this.asSubmissionError(again instanceof InactiveTaskDefinition ? again.cause : again, masker);
      }
    }
    const { task, resolved, containerName } = launched;
    const cluster = cfg.cluster ?? task.clusterArn;
    const infrastructurePid = formatInfrastructureId({ cluster: cluster ?? "default", taskArn: task.taskArn! });
    const created = `Created ECS task ${task.taskArn}${describePlacement(task)}`;
    log.info({ infrastructurePid }, created);
    say(created);
    try {
      await job.onStarted(infrastructurePid, taskRunLabels(task));
    } catch (err) {
      // The task runs on; the watcher still reports its end.
      log.warn({ err, infrastructurePid }, "could not record the task id");
    }
    try {
      return await this.followToEnd(job, {
        clients,
        cfg,
        cluster,
        taskArn: task.taskArn!,
        infrastructurePid,
        containerName,
        awslogs: this.awslogsFor(resolved.definition, containerName),
        startClockMs: Date.now(),
        masker,
      });
    } finally {
      if (!cfg.taskDefinitionArn) await this.registry.release(clients, resolved.arn, cfg.autoDeregisterTaskDefinition, log);
    }
  }

  /** Task definition → network → request → RunTask. On failure, releases the definition and throws. */
  private async launch(job: InfrastructureJob, cfg: EcsJobConfiguration, clients: AwsClientSet, masker: SecretMasker, warn: (m: string) => void): Promise<Launched> {
    const log = job.logger;
    const poolName = this.poolNameOf(job, cfg);
    let resolved: ResolvedTaskDefinition | undefined;
    let containerName: string;
    try {
      const region = await clients.region().catch((err) => {
        throw new SubmissionError(`No AWS Region is configured (${errorMessage(err)}): set AWS_REGION (or the worker's --aws-region), or region_name in the pool's aws_credentials.`);
      });
      // 1. The task definition.
      if (cfg.taskDefinitionArn) {
        resolved = await this.registry.linked(clients, cfg.taskDefinitionArn);
        this.warnIgnoredForLinked(cfg, warn);
        containerName = cfg.containerName ?? containerNameFromDefinition((resolved.definition.containerDefinitions as unknown[]) ?? []) ?? DEFAULT_CONTAINER_NAME;
        const containers = (resolved.definition.containerDefinitions as Record<string, unknown>[] | undefined) ?? [];
        if (!containers.some((c) => c.name === containerName)) {
          throw new SubmissionError(`The linked task definition ${resolved.arn} has no container named "${containerName}" (it has ${containers.map((c) => `"${c.name}"`).join(", ")}); set container_name.`);
        }
        const secrets = (containers.find((c) => c.name === containerName)?.secrets as { name?: string }[] | undefined) ?? [];
        if (cfg.apiKeySecretArn && !secrets.some((s) => s.name === "PREFECT_API_KEY")) {
          warn("api_key_secret_arn cannot be applied to a linked task definition (task_definition_arn), and its container has no PREFECT_API_KEY secret: the run will have no API key unless the image provides one.");
        }
      } else {
        // Nulls of every layer, as the renderer saw them; the flow run's own too, for configurations rendered without `unset_env`.
        const flowRunNulls = Object.entries(isObject(job.flowRun.job_variables?.env) ? (job.flowRun.job_variables.env as Record<string, unknown>) : {})
          .filter(([, v]) => v === null)
          .map(([k]) => k);
        const unsetEnv = [...new Set([...cfg.unsetEnv, ...flowRunNulls])];
        const built = buildTaskDefinition(cfg, { region, defaultImage: this.options.defaultImage, poolName, deploymentId: job.flowRun.deployment_id, flowId: job.flowRun.flow_id, unsetEnv });
        containerName = built.containerName;
        if (cfg.apiKeySecretArn && (await this.secretChecker.check(clients, cfg.apiKeySecretArn)) === "missing") {
          throw new SubmissionError(`The secret ${cfg.apiKeySecretArn} (api_key_secret_arn) does not exist in Secrets Manager; create it, or fix the ARN.`);
        }
        resolved = await this.registry.resolve(clients, built, { matchLatestRevisionInFamily: cfg.matchLatestRevisionInFamily, log });
      }
      const definition = resolved.definition;
      // 2. The network.
      const networkConfiguration = await resolveNetworkConfiguration(this.network, clients, {
        networkMode: (definition.networkMode as string | undefined) ?? "bridge",
        vpcId: cfg.vpcId,
        custom: cfg.networkConfiguration,
        fromRequest: cfg.taskRunRequest.networkConfiguration,
        warn,
      });
      // 3. The request.
      const request = buildRunTaskRequest({
        cfg,
        taskDefinitionArn: resolved.arn,
        definition,
        containerName,
        networkConfiguration,
        startedBy: startedByFor(poolName),
        extraTags: { [FLOW_RUN_ID_TAG]: job.flowRun.id, [ATTEMPT_TAG]: String(job.flowRun.run_count ?? 0) },
        warn,
      });
      log.info({ taskDefinitionArn: resolved.arn, source: resolved.source }, `Using ECS task definition ${resolved.arn}`);
      if (log.isLevelEnabled("debug")) log.debug({ request: masker.maskValue(request) }, "RunTask request");
      // 4. RunTask.
      const notBefore = job.flowRun.state?.timestamp ? new Date(job.flowRun.state.timestamp) : undefined;
      try {
        const task = await runTask(clients, request, { flowRunId: job.flowRun.id, attempt: job.flowRun.run_count ?? 0, notBefore, policy: this.options.runTaskPolicy, log, masker });
        return { task, resolved, containerName };
      } catch (err) {
        if (!cfg.taskDefinitionArn && /taskdefinition is inactive|task definition is inactive/i.test(errorMessage(err))) throw new InactiveTaskDefinition(resolved.arn, err);
        throw err;
      }
    } catch (err) {
      if (resolved && !cfg.taskDefinitionArn) await this.registry.release(clients, resolved.arn, false, log);
      throw err;
    }
  }

  async adopt(job: InfrastructureJob, infrastructurePid: string | null): Promise<InfrastructureResult> {
    const cfg = readEcsJobConfiguration(job.configuration);
    const masker = this.maskerFor(cfg);
    const clients = this.clients.forJob(cfg.awsCredentials);
    let task: Task | undefined;
    let pid = infrastructurePid;
    if (pid) {
      const { cluster, taskArn } = parseInfrastructureId(pid);
      const listed = this.listed.get(taskArn);
      this.listed.delete(taskArn);
      const found = listed && Date.now() - listed.at < LISTED_FRESH_MS ? listed.task : await describeTask(clients, cluster, taskArn);
      if (!found) throw new InfrastructureNotFoundError(`ECS task ${taskArn} no longer exists in cluster ${cluster}.`, pid);
      // A claimed run still carrying the id of a task that ended before the claim (a retried or
      // rescheduled run): that task is an earlier scheduling's, not this one's.
      const claimedAt = job.flowRun.state_type === "PENDING" && job.flowRun.state?.timestamp ? new Date(job.flowRun.state.timestamp) : undefined;
      if (isEarlierScheduling(found, claimedAt)) throw new InfrastructureNotFoundError(`ECS task ${taskArn} stopped before the run was last claimed: it belongs to an earlier scheduling of the run.`, pid);
      task = found;
    } else {
      const started = await listStartedTasks(clients, cfg.cluster, startedByFor(this.poolNameOf(job, cfg)));
      const attempt = job.flowRun.run_count ?? 0;
      const mine = started.filter((s) => s.flowRunId === job.flowRun.id && (s.attempt === undefined || s.attempt === attempt));
      task = (mine.find((s) => s.task.lastStatus !== "STOPPED") ?? mine[0])?.task;
      if (!task) throw new InfrastructureNotFoundError(`No ECS task was started for flow run ${job.flowRun.id} (attempt ${attempt}).`, "");
      pid = formatInfrastructureId({ cluster: cfg.cluster ?? task.clusterArn ?? "default", taskArn: task.taskArn! });
      await job.onStarted(pid, taskRunLabels(task));
    }
    const described = await this.registry.linked(clients, task.taskDefinitionArn!).catch(() => undefined);
    const containers = (described?.definition.containerDefinitions as unknown[] | undefined) ?? [];
    const containerName = cfg.containerName ?? containerNameFromDefinition(containers) ?? task.containers?.[0]?.name ?? DEFAULT_CONTAINER_NAME;
    job.logger.info({ infrastructurePid: pid }, "adopted an ECS task started before this worker restarted");
    return this.followToEnd(job, {
      clients,
      cfg,
      cluster: parseInfrastructureId(pid).cluster,
      taskArn: task.taskArn!,
      infrastructurePid: pid,
      containerName,
      awslogs: described ? this.awslogsFor(described.definition, containerName) : undefined,
      startClockMs: task.createdAt ? new Date(task.createdAt).getTime() : Date.now(),
      masker,
    });
  }

  async listStarted(poolName: string, configuration: Record<string, unknown>): Promise<StartedInfrastructure[]> {
    const clients = this.clients.forJob(readJobAwsCredentials(configuration.aws_credentials));
    const request = isObject(configuration.task_run_request) ? configuration.task_run_request : {};
    const cluster = typeof configuration.cluster === "string" && configuration.cluster ? configuration.cluster : typeof request.cluster === "string" && request.cluster ? request.cluster : undefined;
    const started = await listStartedTasks(clients, cluster, startedByFor(poolName));
    const now = Date.now();
    for (const [arn, entry] of this.listed) if (now - entry.at >= LISTED_FRESH_MS) this.listed.delete(arn);
    for (const s of started) if (s.task.taskArn) this.listed.set(s.task.taskArn, { task: s.task, at: now });
    return started
      .filter((s) => s.flowRunId)
      .map((s) => ({
        flowRunId: s.flowRunId!,
        infrastructurePid: formatInfrastructureId({ cluster: cluster ?? s.task.clusterArn ?? "default", taskArn: s.task.taskArn! }),
        running: s.task.lastStatus !== "STOPPED",
        attempt: s.attempt,
      }));
  }

  async kill(infrastructurePid: string, configuration: Record<string, unknown>, _gracePeriodSeconds: number): Promise<void> {
    // ECS gives each container its stopTimeout between SIGTERM and SIGKILL; the grace period is the task definition's to set.
    const { cluster, taskArn } = parseInfrastructureId(infrastructurePid);
    const clients = this.clients.forJob(readJobAwsCredentials(configuration.aws_credentials));
    // Forget stops of tasks nobody watched (killed for runs this worker did not track) after an hour.
    for (const [arn, at] of this.stoppedHere) if (Date.now() - at > 3_600_000) this.stoppedHere.delete(arn);
    this.stoppedHere.set(taskArn, Date.now());
    try {
      await stopTask(clients, cluster, taskArn, CANCEL_REASON, infrastructurePid);
      this.options.logger.info({ infrastructurePid }, "stopped the ECS task (cancellation)");
    } catch (err) {
      this.stoppedHere.delete(taskArn);
      throw err;
    }
  }

  private asSubmissionError(err: unknown, masker: SecretMasker): Error {
    if (err instanceof SubmissionError) return new SubmissionError(masker.mask(err.message), err.cause instanceof Error ? { cause: safeCause(err.cause, masker) } : undefined);
    if (err instanceof LinkedTaskDefinitionNotFound) return new SubmissionError(masker.mask(err.message));
    return new SubmissionError(`Could not prepare the ECS task: ${describeAwsError(err, masker)}`, { cause: safeCause(err, masker) });
  }

  private warnIgnoredForLinked(cfg: EcsJobConfiguration, warn: (m: string) => void): void {
    const fields = leafPaths(cfg.taskDefinition).map((p) => {
      const variable = TEMPLATE_FIELD_VARIABLES[p.replace(/\[\]/g, "[]")];
      return variable ? `${variable} (task_definition.${p})` : `task_definition.${p}`;
    });
    const variables = [
      cfg.configureCloudwatchLogs ? "configure_cloudwatch_logs" : "",
      Object.keys(cfg.cloudwatchLogsOptions).length > 0 ? "cloudwatch_logs_options" : "",
      cfg.cloudwatchLogsPrefix ? "cloudwatch_logs_prefix" : "",
      cfg.apiKeySecretArn ? "api_key_secret_arn" : "",
      cfg.autoDeregisterTaskDefinition ? "auto_deregister_task_definition (a linked task definition is never deregistered)" : "",
      cfg.matchLatestRevisionInFamily ? "match_latest_revision_in_family" : "",
    ].filter(Boolean);
    const ignored = [...fields, ...variables];
    warn(
      `Skipping task definition construction since a task definition ARN is provided (${cfg.taskDefinitionArn}); it is used as is, never registered nor deregistered.${
        ignored.length > 0 ? ` The following job variables and template fields are ignored: ${ignored.join(", ")}.` : ""
      }`,
    );
  }

  private awslogsFor(definition: Record<string, unknown>, containerName: string): AwslogsTarget | undefined {
    const containers = Array.isArray(definition.containerDefinitions) ? (definition.containerDefinitions as Record<string, unknown>[]) : [];
    return awslogsTargetOf(containers.find((c) => c.name === containerName));
  }

  private logStreamRef(f: Followed): LogStreamRef | undefined {
    if (!f.awslogs) return undefined;
    const logs = f.awslogs.region ? this.clients.forJob({ ...f.cfg.awsCredentials, region: f.awslogs.region }).logs : f.clients.logs;
    return { logs, group: f.awslogs.group, stream: `${f.awslogs.streamPrefix}/${f.containerName}/${taskIdOf(f.taskArn)}` };
  }

  /**
   * An EC2 task's container instance, for its cost: asked once per instance (its type and
   * registered resources do not change). A failure costs only the price, never the run's result.
   */
  private async instanceOf(f: Followed, task: Task, logger: InfrastructureJob["logger"]): Promise<ContainerInstanceFacts | undefined> {
    if (task.launchType !== "EC2" || !task.containerInstanceArn) return undefined;
    const key = `${f.clients.key}:${task.containerInstanceArn}`;
    let pending = this.containerInstances.get(key);
    if (!pending) {
      pending = describeContainerInstance(f.clients, task.clusterArn ?? f.cluster ?? "default", task.containerInstanceArn);
      this.containerInstances.set(key, pending);
      // A failed look is not remembered, so the next run on that instance asks again.
      pending.catch(() => this.containerInstances.delete(key));
    }
    try {
      return await pending;
    } catch (err) {
      logger.warn({ err, containerInstanceArn: task.containerInstanceArn }, "DescribeContainerInstances failed; the run's cost will say its instance is unknown");
      return undefined;
    }
  }

  /** Watches the task until it has stopped; forwards its log stream; turns the end into a result. */
  private async followToEnd(job: InfrastructureJob, f: Followed): Promise<InfrastructureResult> {
    const ref = this.logStreamRef(f);
    const streaming = f.cfg.streamOutput && ref !== undefined;
    if (f.cfg.streamOutput && !ref) job.logger.info("stream_output is set but the orchestration container does not log to CloudWatch (awslogs with a stream prefix); set configure_cloudwatch_logs to stream its output");
    let follow: LogFollowHandle | undefined;
    const startFollowing = () => {
      if (streaming && !follow) follow = this.logStreamer.follow(ref!, (line) => job.onOutput(f.masker.mask(line), "stdout"));
    };
    // onRunning once the task is RUNNING; a task that started and stopped between two looks
    // (startedAt set, first seen STOPPED) ran too, so it is called before its end is reported.
    let running = false;
    const reachedRunning = () => {
      if (running) return;
      running = true;
      try {
        job.onRunning?.();
      } catch (err) {
        job.logger.warn({ err }, "onRunning handler failed");
      }
    };
    const timeoutS = f.cfg.taskStartTimeoutSeconds;
    let outcome: WatchOutcome;
    try {
      outcome = await this.watcher.watch({
        clients: f.clients,
        cluster: f.cluster,
        taskArn: f.taskArn,
        pollIntervalMs: f.cfg.taskWatchPollIntervalSeconds * 1000,
        startTimeoutMs: timeoutS * 1000,
        startClockMs: f.startClockMs,
        onUpdate: (task) => {
          if (task.lastStatus !== "PROVISIONING" && task.lastStatus !== "PENDING") startFollowing();
          if (task.lastStatus === "RUNNING") reachedRunning();
        },
        stopForStartTimeout: async (task) => {
          job.onOutput(`The ECS task did not start within task_start_timeout_seconds (${timeoutS} s; it is ${task.lastStatus}); stopping it.`, "infrastructure");
          await stopTask(f.clients, f.cluster, f.taskArn, `Stopped by ecsflow: the task did not start within ${timeoutS} s (task_start_timeout_seconds).`, f.infrastructurePid);
        },
      });
    } finally {
      // A task can start and stop between two looks: follow it anyway, to read what it wrote.
      if (streaming) startFollowing();
      await follow?.finish();
    }
    if (outcome.kind === "stopped" && outcome.task.startedAt !== undefined) reachedRunning();
    const stoppedByWorker = this.stoppedHere.delete(f.taskArn);
    let result: InfrastructureResult;
    if (outcome.kind === "missing") {
      result = { exitCode: null, reason: `ECS task ${f.taskArn} can no longer be found`, explanation: outcome.reason };
    } else {
      result = resultFromStoppedTask(outcome.task, { containerName: f.containerName, stoppedByWorker, startTimeoutSeconds: outcome.kind === "start-timeout" || outcome.startTimedOut ? timeoutS : undefined });
      result.usage = usageOfTask(outcome.task, await this.instanceOf(f, outcome.task, job.logger));
    }
    if (!streaming && ref && result.exitCode !== 0 && this.options.backfillLines > 0) {
      const lines = await this.logStreamer.tail(ref, this.options.backfillLines);
      if (lines.length > 0) {
        job.onOutput(`The last ${lines.length} lines of the task's CloudWatch log stream ${ref.group}/${ref.stream}:`, "infrastructure");
        for (const line of lines) job.onOutput(f.masker.mask(line), "stdout");
      }
    }
    return {
      ...result,
      reason: result.reason === undefined ? undefined : f.masker.mask(result.reason),
      explanation: result.explanation === undefined ? undefined : f.masker.mask(result.explanation),
    };
  }
}
