// Each AWS call made on behalf of a flow run becomes a span of the run's trace (`ECS.RunTask`, …),
// as middleware on every SDK client rather than code at the call sites. It sits at the very start
// of the stack, so the span covers the rate budget's wait and the SDK's own retries. Calls outside
// any run's trace (the batched DescribeTasks watch, recovery's ListTasks) make no span: a trace of
// its own per poll would bury the runs' traces.

import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput, MetadataBearer, Pluggable } from "@smithy/types";
import { SpanStatusCode, context as otelContext, trace } from "@opentelemetry/api";
import { SpanKind, TRACER_NAMES, tracingActive, type Span } from "@ecsflow/telemetry";
import { errorName } from "./aws-errors.js";

/** "ECSClient" → "ECS", "RunTaskCommand" → "RunTask". */
const serviceOf = (clientName: string | undefined) => (clientName ?? "AWS").replace(/Client$/, "");
const operationOf = (commandName: string | undefined) => (commandName ?? "unknown").replace(/Command$/, "");

function recordMetadata(span: Span, meta: { httpStatusCode?: number; requestId?: string } | undefined): void {
  if (meta?.httpStatusCode) span.setAttribute("http.response.status_code", meta.httpStatusCode);
  if (meta?.requestId) span.setAttribute("aws.request_id", meta.requestId);
}

export function awsTracingPlugin(): Pluggable<any, any> {
  return {
    applyToStack: (stack) => {
      stack.add(
        <Output extends MetadataBearer>(next: InitializeHandler<any, Output>, context: HandlerExecutionContext) =>
          async (args: InitializeHandlerArguments<any>): Promise<InitializeHandlerOutput<Output>> => {
            if (!tracingActive()) return next(args);
            const parent = otelContext.active();
            if (!trace.getSpan(parent)) return next(args);
            const service = serviceOf(context.clientName);
            const operation = operationOf(context.commandName);
            const span = trace.getTracer(TRACER_NAMES.worker).startSpan(
              `${service}.${operation}`,
              { kind: SpanKind.CLIENT, attributes: { "rpc.system": "aws-api", "rpc.service": service, "rpc.method": operation } },
              parent,
            );
            try {
              const out = await next(args);
              recordMetadata(span, (out.output as MetadataBearer | undefined)?.$metadata);
              const tasks = (out.output as { tasks?: { taskArn?: string }[] } | undefined)?.tasks;
              if (operation === "RunTask" && tasks?.[0]?.taskArn) span.setAttribute("aws.ecs.task.arn", tasks[0].taskArn);
              return out;
            } catch (err) {
              // The error's name and status only: an AWS message may quote the request.
              recordMetadata(span, (err as MetadataBearer).$metadata);
              span.setAttribute("error.type", errorName(err));
              span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(err) });
              throw err;
            } finally {
              span.end();
            }
          },
        { step: "initialize", priority: "high", name: "ecsflowTracing", override: true },
      );
    },
  };
}
