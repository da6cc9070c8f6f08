import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";

/**
 * `POST /api/ecsflow/flow_runs/{id}/cost`: what a worker saw of the run's stopped ECS task
 * (DescribeTasks), for the server to price. The worker reports facts only; prices live on the
 * server (packages/server/src/cost/prices.ts), so they can be corrected in one place.
 */
export const RunUsageSchema = Type.Object(
  {
    task_arn: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
    /** DescribeTasks' launchType: FARGATE (also for Fargate Spot), EC2, EXTERNAL. */
    launch_type: Type.String({ minLength: 1, maxLength: 32 }),
    /** DescribeTasks' capacityProviderName, e.g. FARGATE_SPOT. */
    capacity_provider: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    /** The task's `ecs.cpu-architecture` attribute: x86_64 or arm64. */
    cpu_architecture: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
    region: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    /** The task's cpu units (1024 = 1 vCPU) and memory in MiB. */
    cpu: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    memory: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    /** EC2 only: the container instance's type (its `ecs.instance-type` attribute), when known. */
    instance_type: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    /** EC2 only: the container instance's registered cpu units and memory MiB (DescribeContainerInstances), the whole a task's share is of. */
    instance_cpu: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    instance_memory: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    pull_started_at: Type.Optional(Nullable(DateTime)),
    started_at: Type.Optional(Nullable(DateTime)),
    stopped_at: Type.Optional(Nullable(DateTime)),
  },
  { additionalProperties: false },
);
export type RunUsage = Static<typeof RunUsageSchema>;

/** A run's cost as stored: the facts it was priced from, the billed duration and the price. */
export const RunCostSchema = Type.Object({
  flow_run_id: Uuid,
  created: DateTime,
  updated: DateTime,
  launch_type: Type.String(),
  capacity_provider: Nullable(Type.String()),
  cpu_architecture: Nullable(Type.String()),
  region: Nullable(Type.String()),
  cpu: Nullable(Type.Integer()),
  memory: Nullable(Type.Integer()),
  instance_type: Nullable(Type.String()),
  started_at: Nullable(DateTime),
  stopped_at: Nullable(DateTime),
  billed_seconds: Nullable(Type.Number()),
  /** US dollars; null when no price is known for this launch type, Region or instance type. */
  cost_usd: Nullable(Type.Number()),
  /** How it was priced (rates and their source), or why it could not be. */
  pricing: Type.String(),
});
export type RunCost = Static<typeof RunCostSchema>;

export const COST_GROUPINGS = ["deployment", "work_pool"] as const;

/** `GET /api/ecsflow/costs?group_by=deployment|work_pool`. */
export const CostSummaryQuerySchema = Type.Object({
  group_by: Type.Union(COST_GROUPINGS.map((g) => Type.Literal(g))),
  /** Only runs whose task stopped at or after this time. */
  since: Type.Optional(DateTime),
});
export type CostSummaryQuery = Static<typeof CostSummaryQuerySchema>;

/** One deployment's or pool's runs' costs, summed. */
export const CostSummaryRowSchema = Type.Object({
  /** The deployment id or work pool name; null for runs of neither. */
  key: Nullable(Type.String()),
  /** The deployment's or pool's name, for people. */
  name: Nullable(Type.String()),
  runs: Type.Integer(),
  /** Of those, the runs that had a price (the rest have cost_usd null). */
  priced_runs: Type.Integer(),
  cost_usd: Type.Number(),
  billed_seconds: Type.Number(),
});
export type CostSummaryRow = Static<typeof CostSummaryRowSchema>;
