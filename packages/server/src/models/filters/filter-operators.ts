import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { Engine } from "../../database/index.js";
import { normalizeTimestamp } from "../../timestamps.js";

/**
 * Building blocks for Prefect's filter bodies (`{"flow_runs": {"state": {"type": {"any_": [...]}}}}`).
 * Each returns a SQL condition, or undefined when the operator was not given, so a filter compiles
 * to the AND of what the client sent. Columns are passed as qualified names ("flow_run.tags").
 * Timestamps compare as text, which works because they are stored fixed-width (timestamps.ts).
 */
export type Condition = Expression<SqlBool>;

const col = (name: string) => sql.ref(name);

export function anyOf(column: string, values: readonly unknown[] | null | undefined): Condition | undefined {
  if (values === undefined || values === null) return undefined;
  // An empty any_ matches nothing, as in Prefect.
  if (values.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${col(column)} in (${sql.join(values)})`;
}

export function notAnyOf(column: string, values: readonly unknown[] | null | undefined): Condition | undefined {
  if (values === undefined || values === null || values.length === 0) return undefined;
  return sql<SqlBool>`(${col(column)} is null or ${col(column)} not in (${sql.join(values)}))`;
}

export function equals(column: string, value: unknown): Condition | undefined {
  if (value === undefined) return undefined;
  if (value === null) return sql<SqlBool>`${col(column)} is null`;
  return sql<SqlBool>`${col(column)} = ${value}`;
}

export function isNull(column: string, wantNull: boolean | null | undefined): Condition | undefined {
  if (wantNull === undefined || wantNull === null) return undefined;
  return wantNull ? sql<SqlBool>`${col(column)} is null` : sql<SqlBool>`${col(column)} is not null`;
}

export function before(column: string, timestamp: string | null | undefined): Condition | undefined {
  if (!timestamp) return undefined;
  return sql<SqlBool>`${col(column)} <= ${normalizeTimestamp(timestamp)}`;
}

export function after(column: string, timestamp: string | null | undefined): Condition | undefined {
  if (!timestamp) return undefined;
  return sql<SqlBool>`${col(column)} >= ${normalizeTimestamp(timestamp)}`;
}

/** Prefect's `like_`: case-insensitive substring match. */
export function like(engine: Engine, column: string, text: string | null | undefined): Condition | undefined {
  if (text === undefined || text === null) return undefined;
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return engine === "postgresql"
    ? sql<SqlBool>`${col(column)} ilike ${pattern} escape '\\'`
    : sql<SqlBool>`${col(column)} like ${pattern} escape '\\'`;
}

/** The JSON-array column (stored as text) holds every one of `values`. */
export function jsonArrayContainsAll(engine: Engine, column: string, values: readonly string[] | null | undefined): Condition | undefined {
  if (!values || values.length === 0) return undefined;
  if (engine === "postgresql") return sql<SqlBool>`(${col(column)})::jsonb @> ${JSON.stringify(values)}::jsonb`;
  return and(values.map((v) => sql<SqlBool>`exists (select 1 from json_each(${col(column)}) where value = ${v})`));
}

/** The JSON-array column holds at least one of `values`. */
export function jsonArrayContainsAny(engine: Engine, column: string, values: readonly string[] | null | undefined): Condition | undefined {
  if (values === undefined || values === null) return undefined;
  if (values.length === 0) return sql<SqlBool>`1 = 0`;
  if (engine === "postgresql") return sql<SqlBool>`jsonb_exists_any((${col(column)})::jsonb, ${sql.val([...values])}::text[])`;
  return sql<SqlBool>`exists (select 1 from json_each(${col(column)}) where value in (${sql.join(values)}))`;
}

/** The JSON-array column is empty (`is_null_` on tags means "has no tags" in Prefect). */
export function jsonArrayIsEmpty(column: string, wantEmpty: boolean | null | undefined): Condition | undefined {
  if (wantEmpty === undefined || wantEmpty === null) return undefined;
  return wantEmpty ? sql<SqlBool>`(${col(column)} = '[]' or ${col(column)} is null)` : sql<SqlBool>`${col(column)} <> '[]'`;
}

/** AND of the given conditions, skipping undefined ones; true when none. */
export function and(conditions: (Condition | undefined)[]): Condition {
  const present = conditions.filter((c): c is Condition => c !== undefined);
  if (present.length === 0) return sql<SqlBool>`1 = 1`;
  if (present.length === 1) return present[0];
  return sql<SqlBool>`(${sql.join(present, sql` and `)})`;
}

export function or(conditions: (Condition | undefined)[]): Condition | undefined {
  const present = conditions.filter((c): c is Condition => c !== undefined);
  if (present.length === 0) return undefined;
  return sql<SqlBool>`(${sql.join(present, sql` or `)})`;
}

export type { RawBuilder };
