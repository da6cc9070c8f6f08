// Not through telemetry's index: a flow's build bundles the SDK, and only this import-free file
// of telemetry may come along (run-span-hook.ts says why).
import { runSpanHook, type RunSpanOutcome } from "@ecsflow/telemetry/run-span-hook";

/** A flow or task run's span when this process traces (startTracing installed the hook), else a plain call. */
export function inRunSpan<T extends RunSpanOutcome>(name: string, attributes: Record<string, string>, flowRunId: string | undefined, run: () => Promise<T>): Promise<T> {
  const hook = runSpanHook();
  return hook ? hook.runSpan(name, attributes, flowRunId, run) : run();
}

/** Runs the executor's flow run under the task's TRACEPARENT when this process traces. */
export function withTraceparent<T>(traceparent: string | undefined, flowRunId: string, run: () => Promise<T>): Promise<T> {
  const hook = runSpanHook();
  return hook ? hook.withTraceparent(traceparent, flowRunId, run) : run();
}
