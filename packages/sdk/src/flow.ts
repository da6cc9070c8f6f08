import type { FlowRun } from "@ecsflow/schemas";
import { sessionFromSettings, type ApiSession } from "./api-session.js";
import { describeError, runAttempts, type RetryOptions } from "./run-attempts.js";
import { createRunLogger, type RunLogger } from "./run-logger.js";
import { currentFlowScope, currentScope, runScopeStorage, type FlowRunScope } from "./run-context.js";
import { validateParameters, type JsonSchema } from "./validate-parameters.js";
import { toParameterJsonSchema, type ParameterSchema, type ParametersOf, type StandardJsonSchemaLike } from "./parameter-schema.js";
import { nextDynamicKey } from "./task-keys.js";
import type { StateType } from "@ecsflow/schemas";
import { inRunSpan } from "./run-span.js";

export interface FlowOptions extends RetryOptions {
  name: string;
  description?: string;
  version?: string;
  tags?: string[];
  /** JSON Schema of the parameters object: checked before each run, registered by `ecsflow deploy`. */
  parameters?: JsonSchema;
}

/** What flow() takes: `parameters` may also be a zod (≥ 4.2) schema, kept as its JSON Schema. */
export type FlowOptionsInput = Omit<FlowOptions, "parameters"> & { parameters?: ParameterSchema };

export interface FlowCallContext {
  /** Aborted on timeout or cancellation. */
  signal: AbortSignal;
  logger: RunLogger;
  flowRunId?: string;
}

export type FlowFunction<P, R> = (parameters: P, context: FlowCallContext) => Promise<R> | R;

/** Mark on flow objects; a registered symbol, so another copy of the SDK recognises them. */
export const FLOW_MARK = Symbol.for("ecsflow.flow");

export interface RunFlowOptions {
  /** A run that already exists (a deployment's run, executed by `ecsflow flow-run execute`). */
  flowRun?: FlowRun;
  session?: ApiSession;
  /** Aborting it cancels (RunCancelledError) or crashes (RunCrashedError) the run. */
  signal?: AbortSignal;
}

export interface FlowRunResult<R> {
  finalType: StateType;
  flowRunId?: string;
  value?: R;
  error?: unknown;
}

export interface FlowDefinition<P = Record<string, unknown>, R = unknown> {
  readonly options: Readonly<FlowOptions>;
  /** Runs the flow to a final state and reports it instead of throwing. */
  run(parameters: P, options?: RunFlowOptions): Promise<FlowRunResult<R>>;
}

export interface Flow<P = Record<string, unknown>, R = unknown> {
  (parameters?: P): Promise<R>;
  readonly flowName: string;
  readonly options: Readonly<FlowOptions>;
  readonly [FLOW_MARK]: FlowDefinition<P, R>;
}

/**
 * Wraps an async function as a flow: each call is a flow run (tracked through the API when one is
 * set). With a zod schema as `parameters`, the function's parameters are typed from it.
 */
export function flow<S extends StandardJsonSchemaLike, R = unknown>(
  options: Omit<FlowOptions, "parameters"> & { parameters: S },
  fn: FlowFunction<ParametersOf<S>, R>,
): Flow<ParametersOf<S>, R>;
export function flow<P extends object = Record<string, unknown>, R = unknown>(options: FlowOptionsInput, fn: FlowFunction<P, R>): Flow<P, R>;
export function flow<P extends object = Record<string, unknown>, R = unknown>(options: FlowOptionsInput, fn: FlowFunction<P, R>): Flow<P, R> {
  if (!options?.name) throw new TypeError("flow() needs options.name");
  const parameters = toParameterJsonSchema(options.name, options.parameters);
  const { parameters: _input, ...rest } = options;
  const frozen: Readonly<FlowOptions> = Object.freeze(parameters === undefined ? rest : { ...rest, parameters });
  const definition: FlowDefinition<P, R> = { options: frozen, run: (parameters, runOptions) => runFlow(frozen, fn, parameters, runOptions) };
  const call = async (parameters?: P): Promise<R> => {
    const result = await definition.run((parameters ?? {}) as P);
    if (result.finalType === "COMPLETED") return result.value as R;
    throw result.error;
  };
  Object.defineProperty(call, "name", { value: options.name });
  return Object.assign(call, { flowName: options.name, options: frozen, [FLOW_MARK]: definition });
}

/** The flow behind an exported value, or undefined when it is not a flow. */
export function flowDefinitionOf(value: unknown): FlowDefinition | undefined {
  const v = value as { [FLOW_MARK]?: FlowDefinition } | undefined;
  return (typeof v === "function" || (typeof v === "object" && v !== null)) ? v[FLOW_MARK] : undefined;
}

async function runFlow<P, R>(options: FlowOptions, fn: FlowFunction<P, R>, parameters: P, runOptions: RunFlowOptions = {}): Promise<FlowRunResult<R>> {
  const parentFlow = currentFlowScope();
  const parentScope = currentScope();
  const validated = (await validateParameters(options.name, options.parameters, parameters as Record<string, unknown>)) as P;
  const ownsSession = !runOptions.session && !parentFlow;
  const session = runOptions.session ?? parentFlow?.session ?? (ownsSession ? sessionFromSettings() : undefined);
  const signals = [runOptions.signal, parentScope?.signal].filter((s): s is AbortSignal => !!s);
  const signal = signals.length ? AbortSignal.any(signals) : new AbortController().signal;
  try {
    let flowRun = runOptions.flowRun;
    let parentTaskRunId: string | undefined;
    if (session && !flowRun) {
      const flowId = await session.flowId(options.name);
      if (parentFlow?.flowRunId) {
        // As in Prefect, a subflow is also a task run of its parent, so the parent's graph shows it.
        const dyn = nextDynamicKey(parentFlow, `subflow:${options.name}`);
        const parentTask = await session.client.createTaskRun({
          flow_run_id: parentFlow.flowRunId,
          task_key: `subflow:${options.name}`,
          dynamic_key: dyn,
          name: `${options.name}-${dyn}`,
          state: { type: "RUNNING", name: "Running" },
        });
        parentTaskRunId = parentTask.id;
      }
      flowRun = await session.client.createFlowRun({
        flow_id: flowId,
        parameters: validated as Record<string, unknown>,
        parent_task_run_id: parentTaskRunId ?? null,
        tags: options.tags ?? [],
        flow_version: options.version ?? null,
        empirical_policy: { retries: options.retries ?? 0, retry_delay: typeof options.retryDelaySeconds === "number" ? options.retryDelaySeconds : 0 },
        state: { type: "PENDING", name: "Pending" },
      });
    }
    const flowRunId = flowRun?.id;
    const logger = createRunLogger({ name: "prefect.flow_runs", label: `Flow run '${flowRun?.name ?? options.name}'`, flowRunId, batcher: session?.batcher });
    const scope: FlowRunScope = { kind: "flow", flowName: options.name, flowRunId, session, logger, signal, taskCounts: new Map() };
    if (flowRunId) logger.info(`Beginning flow run '${flowRun?.name}' for flow '${options.name}'`);
    const attributes = { "ecsflow.flow.name": options.name, ...(flowRunId ? { "ecsflow.flow_run.id": flowRunId } : {}) };
    const outcome = await inRunSpan("flow_run.execute", attributes, flowRunId, () =>
      runAttempts<R>({
        ...options,
        kind: "Flow run",
        logger,
        signal,
        propose: session && flowRunId ? (state) => session.client.setFlowRunState(flowRunId, state) : undefined,
        invoke: (attemptSignal) => runScopeStorage.run({ ...scope, signal: attemptSignal }, async () => fn(validated, { signal: attemptSignal, logger, flowRunId })),
      }),
    );
    logger.info(`Finished in state ${stateName(outcome.finalType)}${outcome.error && outcome.finalType === "FAILED" ? `: ${describeError(outcome.error)}` : ""}`);
    if (session && parentTaskRunId) {
      await session.client
        .setTaskRunState(parentTaskRunId, { type: outcome.finalType, name: stateName(outcome.finalType), state_details: { child_flow_run_id: flowRunId } })
        .catch((err) => logger.warning(`Could not update the parent task run of this subflow: ${describeError(err)}`));
    }
    return { ...outcome, flowRunId };
  } finally {
    if (ownsSession) await session?.close();
  }
}

const stateName = (t: StateType) => t.charAt(0) + t.slice(1).toLowerCase();
