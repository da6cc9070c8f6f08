// The server's after-the-fact spans as the SDK's span processors see them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { SpanRecorder } from "../../packages/telemetry/src/recorded-span.js";

function recorded(startTime: number, endTime: number, error?: string): ReadableSpan {
  const ended: ReadableSpan[] = [];
  const processor = { onEnd: (span: ReadableSpan) => ended.push(span) } as unknown as SpanProcessor;
  new SpanRecorder(processor, {} as ReadableSpan["resource"], () => "d".repeat(16)).record("ecsflow.server", { name: "s", traceId: "a".repeat(32), spanId: "b".repeat(16), parentSpanId: "c".repeat(16), startTime, endTime, attributes: {}, error });
  expect(ended).toHaveLength(1);
  return ended[0];
}

const nanos = ([s, n]: [number, number]) => s * 1e9 + n;

describe("SpanRecorder", () => {
  it("gives a span its times in hrtime and a duration of end minus start", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }), fc.integer({ min: -5, max: 100_000 }), (start, length) => {
        const span = recorded(start, start + length);
        expect(nanos(span.startTime as [number, number])).toBe(start * 1e6);
        expect(nanos(span.endTime as [number, number])).toBe(Math.max(start + length, start) * 1e6);
        const [s, n] = span.duration;
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThan(1e9);
        expect(s * 1e9 + n).toBe(Math.max(length, 0) * 1e6);
      }),
    );
  });

  it("names the run's root span as a remote parent and marks a failed span", () => {
    const span = recorded(1_700_000_000_000, 1_700_000_000_250, "boom");
    expect(span.parentSpanContext).toMatchObject({ spanId: "c".repeat(16), isRemote: true });
    expect(span.status).toEqual({ code: 2, message: "boom" });
    expect(span.spanContext()).toMatchObject({ traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1 });
  });
});
