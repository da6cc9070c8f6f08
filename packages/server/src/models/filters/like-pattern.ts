import { sql, type SqlBool } from "kysely";
import type { Engine } from "../../database/index.js";
import type { Condition } from "./filter-operators.js";

/**
 * Prefect's `like_` on variable names and artifact keys: case-insensitive, `%text%`, and unlike
 * the other `like_` filters the client's own `%` and `_` act as wildcards (Prefect documents it so).
 */
export function likeWithWildcards(engine: Engine, column: string, text: string | null | undefined): Condition | undefined {
  if (!text) return undefined;
  const pattern = `%${text}%`;
  return engine === "postgresql" ? sql<SqlBool>`${sql.ref(column)} ilike ${pattern}` : sql<SqlBool>`${sql.ref(column)} like ${pattern}`;
}
