import type { Logger } from "pino";
import type { Tracing } from "@ecsflow/telemetry";

/** A long-running command's tracing, from the OTEL_* variables; says once whether it is on. */
export async function startTracingFor(serviceName: string, logger: Logger, options: { asyncContext?: boolean } = {}): Promise<Tracing> {
  const { startTracing } = await import("@ecsflow/telemetry");
  const tracing = await startTracing({ env: process.env, serviceName, asyncContext: options.asyncContext });
  // The endpoint's origin only: a URL may carry credentials (headers, which can too, are never logged).
  if (tracing.config.enabled) {
    const { sampling, samplerNote } = tracing.config;
    logger.info({ endpoint: originOf(tracing.config.url), serviceName: tracing.config.serviceName, sampling: sampling.kind === "ratio" ? sampling.ratio : "always_on" }, "exporting traces (OTLP over HTTP)");
    if (samplerNote) logger.warn(samplerNote);
  }
  else logger.debug({ reason: tracing.config.reason }, "tracing off");
  return tracing;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(unparsable URL)";
  }
}
