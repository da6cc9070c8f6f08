import { sql, type SqlBool } from "kysely";
import type { WorkQueueFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { and, anyOf, or, type Condition } from "../filters/filter-operators.js";

/** Case-insensitive "starts with one of", wildcards in the prefixes taken literally. */
function startsWithAny(engine: Engine, column: string, prefixes: readonly string[] | null | undefined): Condition | undefined {
  if (prefixes === undefined || prefixes === null) return undefined;
  if (prefixes.length === 0) return sql<SqlBool>`1 = 0`;
  const op = engine === "postgresql" ? sql`ilike` : sql`like`;
  return or(prefixes.map((p) => sql<SqlBool>`${sql.ref(column)} ${op} ${`${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`));
}

/** Prefect's `WorkQueueFilter` as a SQL condition on `work_queue` (all rows when empty). */
export function workQueueFilterCondition(engine: Engine, filter: WorkQueueFilter | null | undefined): Condition {
  const parts = [
    anyOf("work_queue.id", filter?.id?.any_),
    anyOf("work_queue.name", filter?.name?.any_),
    startsWithAny(engine, "work_queue.name", filter?.name?.startswith_),
  ];
  return filter?.operator === "or_" ? (or(parts) ?? and([])) : and(parts);
}
