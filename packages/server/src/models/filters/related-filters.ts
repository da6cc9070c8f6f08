import { sql, type SqlBool } from "kysely";
import type { DeploymentFilter, FlowFilter, FlowRunFilter, TaskRunFilter, WorkPoolFilter, WorkQueueFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { when } from "./combine-criteria.js";
import { deploymentCondition } from "./deployment-filter.js";
import { and, type Condition } from "./filter-operators.js";
import { flowCondition } from "./flow-filter.js";
import { flowRunCondition } from "./flow-run-filter.js";
import { taskRunCondition } from "./task-run-filter.js";
import { workPoolFilterCondition } from "../work-pools/work-pool-filter.js";
import { workQueueFilterCondition } from "../work-queues/work-queue-filter.js";

/**
 * Prefect's filter bodies name criteria on several entities at once (`{"flows": …, "flow_runs": …}`);
 * each endpoint's result must match all of them. The criteria on related entities become EXISTS
 * subqueries, as in Prefect's models, so a result row appears once however many related rows match.
 */
export interface RelatedFilters {
  flows?: FlowFilter | null;
  flow_runs?: FlowRunFilter | null;
  task_runs?: TaskRunFilter | null;
  deployments?: DeploymentFilter | null;
  work_pools?: WorkPoolFilter | null;
  work_pool_queues?: WorkQueueFilter | null;
}

const exists = (from: ReturnType<typeof sql>, condition: Condition) => sql<SqlBool>`exists (select 1 from ${from} and ${condition})`;

/** Flow runs (`flow_run`) matching all the given filters. */
export function flowRunsMatching(engine: Engine, f: RelatedFilters): Condition {
  return and([
    when(f.flow_runs, (x) => flowRunCondition(engine, x)),
    when(f.flows, (x) => exists(sql`flow where flow.id = flow_run.flow_id`, flowCondition(engine, x))),
    when(f.deployments, (x) => exists(sql`deployment where deployment.id = flow_run.deployment_id`, deploymentCondition(engine, x))),
    when(f.work_pools, (x) => exists(sql`work_pool where work_pool.id = flow_run.work_pool_id`, workPoolFilterCondition(x))),
    when(f.work_pool_queues, (x) => exists(sql`work_queue where work_queue.id = flow_run.work_queue_id`, workQueueFilterCondition(engine, x))),
    when(f.task_runs, (x) => exists(sql`task_run where task_run.flow_run_id = flow_run.id`, taskRunCondition(engine, x))),
  ]);
}

/** Flows (`flow`) matching all the given filters; pools and queues relate through deployments. */
export function flowsMatching(engine: Engine, f: RelatedFilters): Condition {
  return and([
    when(f.flows, (x) => flowCondition(engine, x)),
    when(f.flow_runs, (x) => exists(sql`flow_run where flow_run.flow_id = flow.id`, flowRunCondition(engine, x))),
    when(f.task_runs, (x) =>
      exists(sql`task_run join flow_run on flow_run.id = task_run.flow_run_id where flow_run.flow_id = flow.id`, taskRunCondition(engine, x)),
    ),
    when(f.deployments, (x) => exists(sql`deployment where deployment.flow_id = flow.id`, deploymentCondition(engine, x))),
    when(f.work_pools, (x) =>
      exists(
        sql`deployment join work_queue on work_queue.id = deployment.work_queue_id join work_pool on work_pool.id = work_queue.work_pool_id where deployment.flow_id = flow.id`,
        workPoolFilterCondition(x),
      ),
    ),
    when(f.work_pool_queues, (x) =>
      exists(sql`deployment join work_queue on work_queue.id = deployment.work_queue_id where deployment.flow_id = flow.id`, workQueueFilterCondition(engine, x)),
    ),
  ]);
}

/** Deployments (`deployment`) matching all the given filters. */
export function deploymentsMatching(engine: Engine, f: RelatedFilters): Condition {
  return and([
    when(f.deployments, (x) => deploymentCondition(engine, x)),
    when(f.flows, (x) => exists(sql`flow where flow.id = deployment.flow_id`, flowCondition(engine, x))),
    when(f.flow_runs, (x) => exists(sql`flow_run where flow_run.deployment_id = deployment.id`, flowRunCondition(engine, x))),
    when(f.task_runs, (x) =>
      exists(sql`task_run join flow_run on flow_run.id = task_run.flow_run_id where flow_run.deployment_id = deployment.id`, taskRunCondition(engine, x)),
    ),
    when(f.work_pools, (x) =>
      exists(sql`work_queue join work_pool on work_pool.id = work_queue.work_pool_id where work_queue.id = deployment.work_queue_id`, workPoolFilterCondition(x)),
    ),
    when(f.work_pool_queues, (x) => exists(sql`work_queue where work_queue.id = deployment.work_queue_id`, workQueueFilterCondition(engine, x))),
  ]);
}

/** Task runs (`task_run`) matching all the given filters. */
export function taskRunsMatching(engine: Engine, f: RelatedFilters): Condition {
  return and([
    when(f.task_runs, (x) => taskRunCondition(engine, x)),
    when(f.flow_runs, (x) => exists(sql`flow_run where flow_run.id = task_run.flow_run_id`, flowRunCondition(engine, x))),
    when(f.flows, (x) => exists(sql`flow_run join flow on flow.id = flow_run.flow_id where flow_run.id = task_run.flow_run_id`, flowCondition(engine, x))),
    when(f.deployments, (x) =>
      exists(sql`flow_run join deployment on deployment.id = flow_run.deployment_id where flow_run.id = task_run.flow_run_id`, deploymentCondition(engine, x)),
    ),
  ]);
}
