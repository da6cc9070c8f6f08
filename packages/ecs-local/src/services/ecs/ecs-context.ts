import type { Counters } from "../../admin/counters.js";
import type { RateLimits } from "../../limits/rate-limits.js";
import type { CompiledOptions } from "../../options.js";
import type { TaskRuntime } from "../../runtime/task-runtime.js";
import type { EcsLocalState } from "../../state/ecs-local-state.js";
import type { Network } from "../ec2/network.js";
import type { EcsArns } from "./ecs-arns.js";

/** What the ECS handlers share. */
export interface EcsContext {
  state: EcsLocalState;
  arns: EcsArns;
  network: Network;
  runtime: TaskRuntime;
  limits: RateLimits;
  counters: Counters;
  options: CompiledOptions;
  /** Asks the service scheduler to look at a service (or all) soon. */
  wakeScheduler: (serviceArn?: string) => void;
}
