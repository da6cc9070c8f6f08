import { runAttempts, type RetryOptions } from "./run-attempts.js";
import { createRunLogger } from "./run-logger.js";
import { currentFlowScope, currentScope, runScopeStorage, type TaskRunScope } from "./run-context.js";
import { nextDynamicKey } from "./task-keys.js";
import { inRunSpan } from "./run-span.js";

export interface TaskOptions extends RetryOptions {
  name: string;
  description?: string;
  version?: string;
  tags?: string[];
}

export type Task<A extends unknown[], R> = ((...args: A) => Promise<R>) & { readonly taskName: string; readonly options: Readonly<TaskOptions> };

/**
 * Wraps an async function as a task: inside a flow each call is a task run (with retries and a
 * timeout); the function gets its own arguments and finds its signal with `getRunContext()`.
 */
export function task<A extends unknown[], R>(options: TaskOptions, fn: (...args: A) => Promise<R> | R): Task<A, R> {
  if (!options?.name) throw new TypeError("task() needs options.name");
  const frozen = Object.freeze({ ...options });
  const call = async (...args: A): Promise<R> => {
    const flowScope = currentFlowScope();
    const parentSignal = currentScope()?.signal ?? new AbortController().signal;
    const session = flowScope?.session;
    const taskKey = frozen.name;
    let taskRunId: string | undefined;
    let label = `Task run '${frozen.name}'`;
    if (session && flowScope?.flowRunId) {
      const dyn = nextDynamicKey(flowScope, taskKey);
      const taskRun = await session.client.createTaskRun({
        flow_run_id: flowScope.flowRunId,
        task_key: taskKey,
        dynamic_key: dyn,
        name: `${frozen.name}-${dyn}`,
        task_version: frozen.version ?? null,
        tags: frozen.tags ?? [],
        empirical_policy: { retries: frozen.retries ?? 0, retry_delay: typeof frozen.retryDelaySeconds === "number" ? frozen.retryDelaySeconds : [...(frozen.retryDelaySeconds ?? [])] },
        state: { type: "PENDING", name: "Pending" },
      });
      taskRunId = taskRun.id;
      label = `Task run '${taskRun.name}'`;
    }
    // Outside any flow a task runs locally: there is no flow run to attach a task run to.
    const logger = createRunLogger({ name: "prefect.task_runs", label, flowRunId: flowScope?.flowRunId, taskRunId, batcher: session?.batcher });
    const attributes = { "ecsflow.task.name": frozen.name, ...(taskRunId ? { "ecsflow.task_run.id": taskRunId } : {}), ...(flowScope?.flowRunId ? { "ecsflow.flow_run.id": flowScope.flowRunId } : {}) };
    const outcome = await inRunSpan("task_run.execute", attributes, flowScope?.flowRunId, () =>
      runAttempts<R>({
        ...frozen,
        kind: "Task run",
        logger,
        signal: parentSignal,
        propose: session && taskRunId ? (state) => session.client.setTaskRunState(taskRunId, state) : undefined,
        invoke: (signal) => {
          const scope: TaskRunScope = { kind: "task", taskName: frozen.name, taskRunId, flow: flowScope!, logger, signal };
          return flowScope ? runScopeStorage.run(scope, async () => fn(...args)) : Promise.resolve(fn(...args));
        },
      }),
    );
    if (outcome.finalType === "COMPLETED") {
      logger.info("Finished in state Completed");
      return outcome.value as R;
    }
    throw outcome.error;
  };
  Object.defineProperty(call, "name", { value: frozen.name });
  return Object.assign(call, { taskName: frozen.name, options: frozen });
}
