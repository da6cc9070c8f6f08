// Client-side rate budgets for AWS calls, so that one worker stays under AWS's per-account limits
// (DESIGN.md "AWS limits") instead of discovering them through throttling errors. Each budget is a
// token bucket (burst, rate per second) that hands out slots in arrival order; on a throttling
// answer it lowers its rate by a fifth (never below a quarter of it), and each success wins back a little, so several
// workers sharing an account settle near their share. The budgets are middleware in the SDK's
// stack (see plugin()), so every attempt, SDK retries included, takes a token.

import type {
  FinalizeHandler,
  FinalizeHandlerArguments,
  FinalizeHandlerOutput,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
  Pluggable,
} from "@smithy/types";
import type { Logger } from "pino";
import { errorName, isThrottlingError } from "./aws-errors.js";
import type { WorkerMetrics } from "../../metrics/index.js";

export interface BucketLimit {
  burst: number;
  ratePerSecond: number;
}

/** One token bucket, as GCRA: each take() reserves the next slot and waits until it comes. */
export class TokenBucket {
  private tat = 0;
  private rate: number;
  private readonly minRate: number;
  private lastDecrease = -Infinity;
  throttled = 0;
  granted = 0;

  constructor(
    readonly name: string,
    private readonly limit: BucketLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rate = limit.ratePerSecond;
    this.minRate = limit.ratePerSecond / 4;
  }

  get currentRatePerSecond(): number {
    return this.rate;
  }

  /** Milliseconds until a token would be granted (0 when one is free now). */
  delayMs(): number {
    const interval = 1000 / this.rate;
    const now = this.now();
    return Math.max(0, Math.max(this.tat, now) - (this.limit.burst - 1) * interval - now);
  }

  /** Resolves when this caller's token is due; callers are served in arrival order. */
  take(): Promise<void> {
    const interval = 1000 / this.rate;
    const now = this.now();
    const tat = Math.max(this.tat, now);
    const wait = tat - (this.limit.burst - 1) * interval - now;
    this.tat = tat + interval;
    this.granted++;
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * AWS said "slow down": lower the rate by a fifth (at most once a second: throttles of calls that
   * were already in flight are one signal, not many) and pause for one interval.
   */
  onThrottled(): void {
    this.throttled++;
    const now = this.now();
    if (now - this.lastDecrease >= 1000) {
      this.rate = Math.max(this.minRate, this.rate * 0.8);
      this.lastDecrease = now;
    }
    this.tat = Math.max(this.tat, now) + 1000 / this.rate;
  }

  /** A call went through: win back a twentieth of the configured rate. */
  onSuccess(): void {
    if (this.rate < this.limit.ratePerSecond) this.rate = Math.min(this.limit.ratePerSecond, this.rate + this.limit.ratePerSecond / 20);
  }
}

/** Which buckets an operation takes a token from. */
export type BucketName = "runTask" | "fargateLaunch" | "describeTasks" | "registerTaskDefinition" | "getLogEvents" | "describe" | "ec2";

/**
 * Default budgets of one worker. RunTask shares AWS's RunTask+StopTask bucket (100 burst, 40/s) and
 * Fargate launches are 100 burst, 20/s (per account): one worker may use their rates whole, and
 * throttling feedback shares them between workers. Their bursts are 90, not 100: a bucket that
 * believes it holds 10 tokens fewer than AWS's absorbs network jitter at the rate's edge instead of
 * being throttled there. DescribeTasks (AWS: 20/s) and GetLogEvents (account cap 10–25/s) get half
 * or less, leaving room for other workers and tools. RegisterTaskDefinition: AWS's 1/s.
 */
export const DEFAULT_BUDGETS: Readonly<Record<BucketName, BucketLimit>> = {
  runTask: { burst: 90, ratePerSecond: 40 },
  fargateLaunch: { burst: 90, ratePerSecond: 20 },
  describeTasks: { burst: 10, ratePerSecond: 10 },
  registerTaskDefinition: { burst: 1, ratePerSecond: 1 },
  getLogEvents: { burst: 5, ratePerSecond: 5 },
  describe: { burst: 10, ratePerSecond: 10 },
  ec2: { burst: 5, ratePerSecond: 5 },
};

const OPERATION_BUCKETS: Record<string, BucketName> = {
  RunTaskCommand: "runTask",
  StopTaskCommand: "runTask",
  DescribeTasksCommand: "describeTasks",
  RegisterTaskDefinitionCommand: "registerTaskDefinition",
  DeregisterTaskDefinitionCommand: "describe",
  DescribeTaskDefinitionCommand: "describe",
  ListTasksCommand: "describe",
  GetLogEventsCommand: "getLogEvents",
  DescribeVpcsCommand: "ec2",
  DescribeSubnetsCommand: "ec2",
  DescribeSecurityGroupsCommand: "ec2",
  DescribeSecretCommand: "describe",
};

/** Does this RunTask input launch on Fargate (and so count against the Fargate launch rate)? */
function launchesOnFargate(input: Record<string, unknown>): boolean {
  if (input.launchType === "FARGATE") return true;
  const strategy = input.capacityProviderStrategy;
  return Array.isArray(strategy) && strategy.some((s) => typeof s?.capacityProvider === "string" && s.capacityProvider.startsWith("FARGATE"));
}

/** Every bucket of one worker, plus calls counted per operation (for logs and the benchmark). */
export class RateBudget {
  readonly buckets: Record<BucketName, TokenBucket>;
  readonly calls: Record<string, number> = {};
  readonly throttles: Record<string, number> = {};

  constructor(
    limits: Partial<Record<BucketName, BucketLimit>> = {},
    private readonly logger?: Logger,
    private readonly metrics?: WorkerMetrics,
  ) {
    this.buckets = Object.fromEntries(
      (Object.keys(DEFAULT_BUDGETS) as BucketName[]).map((name) => [name, new TokenBucket(name, limits[name] ?? DEFAULT_BUDGETS[name])]),
    ) as Record<BucketName, TokenBucket>;
  }

  /** The buckets a call takes from (RunTask on Fargate takes from two). */
  bucketsFor(commandName: string, input: Record<string, unknown>): TokenBucket[] {
    const name = OPERATION_BUCKETS[commandName];
    if (!name) return [];
    const list = [this.buckets[name]];
    if (commandName === "RunTaskCommand" && launchesOnFargate(input)) list.push(this.buckets.fargateLaunch);
    return list;
  }

  /**
   * The SDK plugin, two named middlewares: `ecsflowRateAdmission` (initialize step) waits for the
   * first attempt's tokens before the SDK serializes and signs anything, so a thousand queued calls
   * cost no work until their turn; `ecsflowRateBudget` (finalizeRequest, inside the retry
   * middleware) takes tokens again for each SDK retry, counts every attempt, feeds throttling
   * answers back to the buckets, and logs each call (trace).
   */
  /** Takes a token from each bucket, recording how long each made the call wait. */
  private async takeAll(buckets: TokenBucket[]): Promise<void> {
    for (const b of buckets) {
      const asked = performance.now();
      await b.take();
      this.metrics?.rateBudgetWait.observe({ bucket: b.name }, (performance.now() - asked) / 1000);
    }
  }

  plugin(): Pluggable<any, any> {
    const admitted = new WeakMap<HandlerExecutionContext, number>();
    return {
      applyToStack: (stack) => {
        stack.add(
          <Output extends MetadataBearer>(next: InitializeHandler<any, Output>, context: HandlerExecutionContext) =>
            async (args: InitializeHandlerArguments<any>): Promise<InitializeHandlerOutput<Output>> => {
              const asked = performance.now();
              await this.takeAll(this.bucketsFor(context.commandName ?? "", (args.input ?? {}) as Record<string, unknown>));
              admitted.set(context, performance.now() - asked);
              return next(args);
            },
          { step: "initialize", priority: "low", name: "ecsflowRateAdmission", override: true },
        );
        stack.addRelativeTo(
          <Output extends MetadataBearer>(next: FinalizeHandler<any, Output>, context: HandlerExecutionContext) =>
            async (args: FinalizeHandlerArguments<any>): Promise<FinalizeHandlerOutput<Output>> => {
              const command = context.commandName ?? "unknown";
              const buckets = this.bucketsFor(command, (args.input ?? {}) as Record<string, unknown>);
              let waitedMs = admitted.get(context) ?? 0;
              if (admitted.has(context)) admitted.delete(context);
              else {
                // An SDK retry (the first attempt was admitted at the initialize step).
                const asked = performance.now();
                await this.takeAll(buckets);
                waitedMs = performance.now() - asked;
              }
              const sent = performance.now();
              this.calls[command] = (this.calls[command] ?? 0) + 1;
              try {
                const out = await next(args);
                for (const b of buckets) b.onSuccess();
                this.metrics?.awsCalls.inc({ operation: command.replace(/Command$/, ""), outcome: "ok" });
                this.logger?.trace({ operation: command, waitedMs: Math.round(waitedMs), ms: Math.round(performance.now() - sent) }, "AWS call");
                return out;
              } catch (err) {
                const throttled = isThrottlingError(err);
                this.metrics?.awsCalls.inc({ operation: command.replace(/Command$/, ""), outcome: throttled ? "throttled" : "error" });
                if (throttled) {
                  this.throttles[command] = (this.throttles[command] ?? 0) + 1;
                  for (const b of buckets) b.onThrottled();
                }
                this.logger?.trace({ operation: command, waitedMs: Math.round(waitedMs), ms: Math.round(performance.now() - sent), error: errorName(err), throttled }, "AWS call failed");
                throw err;
              }
            },
          { relation: "after", toMiddleware: "retryMiddleware", name: "ecsflowRateBudget", override: true },
        );
      },
    };
  }
}
