import type { Engine } from "./engine.js";
import { DatabaseConfigError } from "./errors.js";

export type ParsedDatabaseUrl = { engine: "sqlite"; path: string } | { engine: "postgresql"; connectionString: string };

/**
 * Accepts ecsflow's and Prefect's spellings: `sqlite:///abs/file.db`, `sqlite+aiosqlite:///…`,
 * `sqlite::memory:`, a bare file path, `postgresql://…`, `postgres://…`, `postgresql+asyncpg://…`.
 */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const trimmed = url.trim();
  if (trimmed === "") throw new DatabaseConfigError("The database URL is empty; use sqlite:///path/to/file.db or postgresql://user@host:5432/db.");
  const scheme = /^([a-z0-9+]+):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme || scheme.length === 1 /* a Windows drive letter */) return { engine: "sqlite", path: trimmed };
  const base = scheme.split("+")[0] as string;
  if (base === "sqlite") {
    if (/^sqlite(\+\w+)?::memory:$/i.test(trimmed) || /^sqlite(\+\w+)?:\/\/\/?:memory:$/i.test(trimmed)) return { engine: "sqlite", path: ":memory:" };
    const path = trimmed.replace(/^sqlite(\+\w+)?:\/\//i, "");
    if (path === "") throw new DatabaseConfigError(`Database URL ${trimmed} names no file; use sqlite:///absolute/path/to/file.db.`);
    return { engine: "sqlite", path };
  }
  if (base === "postgresql" || base === "postgres") {
    return { engine: "postgresql", connectionString: trimmed.replace(/^postgres(ql)?(\+\w+)?:/i, "postgresql:") };
  }
  throw new DatabaseConfigError(`Unsupported database URL scheme "${scheme}:"; use sqlite:///path/to/file.db or postgresql://user@host:5432/db.`);
}

export function engineOf(url: string): Engine {
  return parseDatabaseUrl(url).engine;
}
