import { sql, type SqlBool } from "kysely";
import type { LogFilter } from "@ecsflow/schemas";
import { combine, when } from "./combine-criteria.js";
import { anyOf, isNull, or, type Condition } from "./filter-operators.js";
import { timeRange } from "./time-range.js";

/**
 * Prefect's log text search: words match anywhere in the message or logger name, case-insensitively;
 * `-word` excludes, `+word` is required, "quoted phrases" are one term; plain words match if any does.
 */
export function parseTextQuery(query: string): { include: string[]; exclude: string[]; required: string[] } {
  const result = { include: [] as string[], exclude: [] as string[], required: [] as string[] };
  for (const match of query.matchAll(/([+-]?)(?:"([^"]*)"|(\S+))/g)) {
    const term = (match[2] ?? match[3] ?? "").trim();
    if (!term) continue;
    if (match[1] === "-") result.exclude.push(term);
    else if (match[1] === "+") result.required.push(term);
    else result.include.push(term);
  }
  return result;
}

function contains(term: string): Condition {
  const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(log.message || ' ' || log.name) like ${pattern} escape '\\'`;
}

/** Prefect's LogFilter as a condition on the `log` table. */
export function logCondition(filter: LogFilter): Condition {
  return combine(filter.operator, [
    when(filter.level, (f) =>
      combine("and_", [
        f.ge_ === undefined || f.ge_ === null ? undefined : sql<SqlBool>`log.level >= ${f.ge_}`,
        f.le_ === undefined || f.le_ === null ? undefined : sql<SqlBool>`log.level <= ${f.le_}`,
      ]),
    ),
    when(filter.timestamp, (f) => combine("and_", timeRange("log.timestamp", f))),
    when(filter.flow_run_id, (f) => combine("and_", [anyOf("log.flow_run_id", f.any_)])),
    when(filter.task_run_id, (f) => combine("and_", [anyOf("log.task_run_id", f.any_), isNull("log.task_run_id", f.is_null_)])),
    when(filter.text, (f) => {
      const q = parseTextQuery(f.query);
      return combine("and_", [
        q.include.length ? or(q.include.map((t) => contains(t))) : undefined,
        ...q.exclude.map((t) => sql<SqlBool>`not (${contains(t)})`),
        ...q.required.map((t) => contains(t)),
      ]);
    }),
  ]);
}
