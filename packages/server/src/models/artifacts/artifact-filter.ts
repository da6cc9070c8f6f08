import { sql, type SqlBool } from "kysely";
import type { ArtifactCollectionFilter, ArtifactFilter, ArtifactSort, DeploymentFilter, FlowFilter, FlowRunFilter, TaskRunFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { combine, when } from "../filters/combine-criteria.js";
import { deploymentCondition } from "../filters/deployment-filter.js";
import { and, anyOf, isNull, type Condition } from "../filters/filter-operators.js";
import { flowCondition } from "../filters/flow-filter.js";
import { flowRunCondition } from "../filters/flow-run-filter.js";
import { likeWithWildcards } from "../filters/like-pattern.js";
import { taskRunCondition } from "../filters/task-run-filter.js";

export type ArtifactTableName = "artifact" | "artifact_collection";

export interface ArtifactRelatedFilters {
  flow_runs?: FlowRunFilter | null;
  task_runs?: TaskRunFilter | null;
  flows?: FlowFilter | null;
  deployments?: DeploymentFilter | null;
}

/** Prefect's SQL `NOT IN`: an artifact without a type is excluded too. */
function notIn(column: string, values: readonly string[] | null | undefined): Condition | undefined {
  if (!values || values.length === 0) return undefined;
  return sql<SqlBool>`${sql.ref(column)} not in (${sql.join(values)})`;
}

/** `ArtifactFilter` on `artifact`, or `ArtifactCollectionFilter` on `artifact_collection` (its `latest_id` for `id`). */
function ownCondition(engine: Engine, table: ArtifactTableName, f: ArtifactFilter | ArtifactCollectionFilter): Condition {
  const c = (column: string) => `${table}.${column}`;
  const ids = "latest_id" in f ? f.latest_id : "id" in f ? f.id : undefined;
  return combine(f.operator, [
    when(ids, (x) => and([anyOf(table === "artifact" ? c("id") : c("latest_id"), x.any_)])),
    when(f.key, (x) => and([anyOf(c("key"), x.any_), likeWithWildcards(engine, c("key"), x.like_), isNull(c("key"), x.exists_ === undefined || x.exists_ === null ? x.exists_ : !x.exists_)])),
    when(f.flow_run_id, (x) => and([anyOf(c("flow_run_id"), x.any_)])),
    when(f.task_run_id, (x) => and([anyOf(c("task_run_id"), x.any_)])),
    when(f.type, (x) => and([anyOf(c("type"), x.any_), notIn(c("type"), x.not_any_)])),
  ]);
}

/**
 * Artifacts (or latest artifacts) matching the body's filters: the run, flow and deployment
 * criteria through the artifact's flow run, the task run criteria through its task run, as
 * EXISTS subqueries like Prefect's.
 */
export function artifactsMatching(engine: Engine, table: ArtifactTableName, own: ArtifactFilter | ArtifactCollectionFilter | null | undefined, f: ArtifactRelatedFilters): Condition {
  const flowRunParts = [
    when(f.flow_runs, (x) => flowRunCondition(engine, x)),
    when(f.flows, (x) => sql<SqlBool>`exists (select 1 from flow where flow.id = flow_run.flow_id and ${flowCondition(engine, x)})`),
    when(f.deployments, (x) => sql<SqlBool>`exists (select 1 from deployment where deployment.id = flow_run.deployment_id and ${deploymentCondition(engine, x)})`),
  ];
  const needsFlowRun = flowRunParts.some((p) => p !== undefined);
  return and([
    when(own, (x) => ownCondition(engine, table, x)),
    needsFlowRun ? sql<SqlBool>`exists (select 1 from flow_run where flow_run.id = ${sql.ref(`${table}.flow_run_id`)} and ${and(flowRunParts)})` : undefined,
    when(f.task_runs, (x) => sql<SqlBool>`exists (select 1 from task_run where task_run.id = ${sql.ref(`${table}.task_run_id`)} and ${taskRunCondition(engine, x)})`),
  ]);
}

/** ORDER BY for Prefect's `ArtifactSort` (ID_DESC by default); ties keep creation order. */
export function artifactOrder(table: ArtifactTableName, sort: ArtifactSort | null | undefined) {
  const t = sql.raw(table);
  switch (sort ?? "ID_DESC") {
    case "CREATED_DESC":
      return [sql`${t}.created desc`, sql`${t}.id desc`];
    case "UPDATED_DESC":
      return [sql`${t}.updated desc`, sql`${t}.id desc`];
    case "KEY_DESC":
      return [sql`${t}.key desc nulls first`, sql`${t}.id desc`];
    case "KEY_ASC":
      return [sql`${t}.key asc nulls last`, sql`${t}.id asc`];
    default:
      return [sql`${t}.id desc`];
  }
}
