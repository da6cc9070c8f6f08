import { AccessControl } from "./access/access-control.js";
import { EcsLocalAdmin } from "./admin/ecs-local-admin.js";
import { Counters } from "./admin/counters.js";
import { buildApp } from "./build-app.js";
import { FaultInjector } from "./faults/fault-injector.js";
import { seededRandom } from "./seeded-random.js";
import { RateLimits } from "./limits/rate-limits.js";
import { compileOptions, type EcsLocalOptions } from "./options.js";
import { AwsRequestDispatcher } from "./protocol/dispatch-aws-request.js";
import { createDriver } from "./runtime/create-driver.js";
import { TaskRuntime } from "./runtime/task-runtime.js";
import { ServiceScheduler } from "./scheduler/service-scheduler.js";
import { createEc2Service } from "./services/ec2/ec2-service.js";
import { EventBus } from "./services/events/event-bus.js";
import { createEventsService } from "./services/events/events-service.js";
import { TaskStateEvents } from "./services/events/task-state-events.js";
import { Network } from "./services/ec2/network.js";
import { ensureDefaultCluster } from "./services/ecs/clusters.js";
import { EcsArns } from "./services/ecs/ecs-arns.js";
import type { EcsContext } from "./services/ecs/ecs-context.js";
import { createEcsService } from "./services/ecs/ecs-service.js";
import { purgeExpiredTasks } from "./services/ecs/tasks.js";
import { createIamService } from "./services/iam/iam-service.js";
import { LogStore } from "./services/logs/log-store.js";
import { createLogsService } from "./services/logs/logs-service.js";
import { SecretStore } from "./services/secrets-manager/secret-store.js";
import { createSecretsManagerService } from "./services/secrets-manager/secrets-manager-service.js";
import { QueueStore } from "./services/sqs/queue-store.js";
import { createSqsService } from "./services/sqs/sqs-service.js";
import { createStsService } from "./services/sts/sts-service.js";
import { EcsLocalState, type StateData } from "./state/ecs-local-state.js";
import { StateFileWriter, loadStateFile } from "./state/state-file.js";
import { TaskEndpointRegistry } from "./task-endpoints/task-endpoint-registry.js";
import { registerTaskEndpointRoutes } from "./task-endpoints/task-endpoint-routes.js";

export interface EcsLocalHandle {
  /** e.g. http://127.0.0.1:4566 — the endpoint to give the AWS SDK or CLI. */
  url: string;
  /** What runs task containers, as chosen at start; `engine` is the engine's address when it is one. */
  runtime: { kind: "process" | "docker"; engine?: string };
  host: string;
  port: number;
  admin: EcsLocalAdmin;
  /** Stops the scheduler and the server, then every task process (SIGTERM, then SIGKILL), and saves state. */
  close(): Promise<void>;
  /**
   * SIGKILLs every task process at once, synchronously: for an entry point's `exit` hook, so that a
   * crash never leaves task processes behind. Prefer close().
   */
  killTaskProcessesNow(): void;
}

/** Starts ecs-local: validates options, restores `stateDir` if given, listens, and starts the service scheduler. */
export async function startEcsLocal(options: EcsLocalOptions = {}): Promise<EcsLocalHandle> {
  const opts = compileOptions(options);
  const logger = opts.logger.child({ component: "ecs-local" });
  const restored = opts.stateDir ? loadStateFile(opts.stateDir) : undefined;
  // Before anything listens: a bad runtime choice fails the start, and an engine start removes
  // what an earlier run with this state folder left behind.
  const driver = await createDriver(opts, logger);
  const endpoints = new TaskEndpointRegistry();
  const state = new EcsLocalState(restored);
  if (restored) recoverTasks(restored, Date.now());
  const random = seededRandom(opts.seed);
  const counters = new Counters();
  const limits = new RateLimits(opts.limitsEnabled, opts.limits);
  const faults = new FaultInjector(opts.faults, random);
  const network = new Network(opts.region, opts.vpcs);
  const logs = new LogStore(state, opts.region, opts.accountId);
  const secrets = new SecretStore(state, opts.region, opts.accountId);
  let url = "";
  const queues = new QueueStore(opts.region, opts.accountId, () => url);
  const bus = new EventBus(opts.region, opts.accountId, queues, logger);
  const taskEvents = new TaskStateEvents(bus, () => ctx);
  // The runtime and the handlers reach the scheduler through closures; it is created just below
  // them, and nothing calls them before the server listens.
  const runtime = new TaskRuntime({
    options: opts,
    state,
    logs,
    secrets,
    faults,
    random,
    logger,
    driver,
    endpoints,
    endpointUrl: () => url,
    onTaskChanged: (task) => {
      scheduler.onTaskChanged(task);
      taskEvents.onTaskChanged(task);
    },
  });
  const ctx: EcsContext = {
    state,
    arns: new EcsArns(opts.region, opts.accountId),
    network,
    runtime,
    limits,
    counters,
    options: opts,
    wakeScheduler: (arn) => scheduler.wake(arn),
  };
  ensureDefaultCluster(ctx, Date.now());
  const scheduler = new ServiceScheduler(ctx, logger);

  const access = new AccessControl(opts.access, (accessKeyId) => endpoints.secretForAccessKey(accessKeyId, Date.now()));
  const dispatcher = new AwsRequestDispatcher({
    services: [createEcsService(ctx), createLogsService(logs), createSecretsManagerService(secrets), createEc2Service(network), createStsService(), createIamService(state), createSqsService(queues), createEventsService(bus)],
    region: opts.region,
    accountId: opts.accountId,
    logger,
    guards: [
      (call) => counters.call(call.service, call.operation),
      (call, service) => faults.checkCall(service, call.operation),
      (call, service) => limits.takeForCall(call.service, call.operation, service.errors.throttling),
    ],
    observer: opts.observer,
    onError: (code) => counters.error(code),
    authenticate: (scope, req) => access.checkAws(scope, req, Date.now()),
  });
  const admin = new EcsLocalAdmin({ options: opts, state, counters, limits, faults, runtime });
  const app = buildApp(dispatcher, admin, access, logger, (a) => registerTaskEndpointRoutes(a, endpoints, state), opts.onRoute);

  const writer = opts.stateDir ? new StateFileWriter(opts.stateDir, () => state.data, 1_000) : undefined;
  if (writer) state.onChange(() => writer.schedule());

  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await driver.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`;
  scheduler.start();
  const purge = setInterval(() => purgeExpiredTasks(ctx, Date.now()), 60_000);
  purge.unref();
  logger.info({ url, access: access.enabled ? "credentials required" : "open", stateDir: opts.stateDir, limits: opts.limitsEnabled, runtime: driver.kind, engine: driver.engineAddress }, "ecs-local listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    runtime: { kind: driver.kind, engine: driver.engineAddress },
    host: opts.host,
    port,
    admin,
    killTaskProcessesNow() {
      runtime.killAllNow();
    },
    close() {
      closing ??= (async () => {
        scheduler.stop();
        clearInterval(purge);
        await app.close();
        await runtime.close(opts.shutdownGraceMs);
        writer?.flush();
        logger.info("ecs-local stopped");
      })();
      return closing;
    },
  };
}

/**
 * Tasks saved while they ran have no processes after a restart: they are reported STOPPED, as ECS
 * reports tasks whose host went away; services then start replacements.
 */
function recoverTasks(data: StateData, now: number): void {
  for (const task of Object.values(data.tasks)) {
    if (task.lastStatus === "STOPPED") continue;
    task.desiredStatus = "STOPPED";
    task.stopCode ??= "UserInitiated";
    task.stoppedReason ??= "ecs-local was restarted; the task's containers did not survive";
    task.stoppingAt ??= now;
    task.executionStoppedAt ??= now;
    task.stoppedAt = now;
    task.lastStatus = "STOPPED";
    task.history.push({ status: "STOPPED", at: now });
    task.version++;
    for (const c of task.containers) {
      c.lastStatus = "STOPPED";
      c.pid = undefined;
    }
  }
}
