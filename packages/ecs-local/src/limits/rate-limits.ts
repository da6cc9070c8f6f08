import { AwsError } from "../errors.js";
import type { BucketLimit, LimitName } from "../options.js";
import type { ErrorCode } from "../protocol/service-definition.js";
import { TokenBucket } from "./token-bucket.js";

/** Which bucket each API call draws one token from (Fargate launches are drawn per task by RunTask). */
const CALL_BUCKETS: Record<string, LimitName> = {
  "ecs:RunTask": "runTaskStopTask",
  "ecs:StopTask": "runTaskStopTask",
  "ecs:DescribeTasks": "describeTasks",
  "ecs:RegisterTaskDefinition": "registerTaskDefinition",
  "logs:GetLogEvents": "getLogEvents",
};

export interface LimitsSnapshot {
  enabled: boolean;
  buckets: Record<LimitName, BucketLimit & { available: number }>;
}

/** AWS's per-account token buckets, switchable and adjustable at run time. */
export class RateLimits {
  private readonly buckets = new Map<LimitName, TokenBucket>();
  throttled = 0;

  constructor(
    public enabled: boolean,
    limits: Record<LimitName, BucketLimit>,
  ) {
    for (const [name, l] of Object.entries(limits) as [LimitName, BucketLimit][]) this.buckets.set(name, new TokenBucket(l.burst, l.ratePerSecond));
  }

  /** Throws the service's throttling error when the call's bucket is empty. */
  takeForCall(service: string, operation: string, throttling: ErrorCode): void {
    const name = CALL_BUCKETS[`${service}:${operation}`];
    if (name) this.take(name, 1, throttling);
  }

  take(name: LimitName, n: number, throttling: ErrorCode): void {
    if (!this.enabled) return;
    const bucket = this.buckets.get(name);
    if (bucket && !bucket.tryTake(n)) {
      this.throttled++;
      throw new AwsError(throttling.code, "Rate exceeded", throttling.status);
    }
  }

  configure(update: { enabled?: boolean; buckets?: Partial<Record<LimitName, BucketLimit>> }): void {
    if (update.enabled !== undefined) this.enabled = update.enabled;
    for (const [name, l] of Object.entries(update.buckets ?? {}) as [LimitName, BucketLimit][]) {
      const bucket = this.buckets.get(name);
      if (bucket) bucket.reconfigure(l.burst, l.ratePerSecond);
    }
  }

  snapshot(): LimitsSnapshot {
    const buckets = {} as LimitsSnapshot["buckets"];
    for (const [name, b] of this.buckets) buckets[name] = { burst: b.burst, ratePerSecond: b.ratePerSecond, available: Math.floor(b.available()) };
    return { enabled: this.enabled, buckets };
  }
}
