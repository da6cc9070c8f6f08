import type { WorkPool } from "@ecsflow/schemas";

export const POOL_HINT = "Run `ecsflow work-pool ls` to see the work pools.";

/** One row of `work-pool ls`. */
export function poolRow(p: WorkPool): Record<string, unknown> {
  return {
    name: p.name,
    type: p.type,
    status: p.status ?? "",
    paused: p.is_paused ? "yes" : "",
    concurrency: p.concurrency_limit ?? "",
    id: p.id,
  };
}

export const POOL_COLUMNS = [
  { key: "name", header: "NAME" },
  { key: "type", header: "TYPE" },
  { key: "status", header: "STATUS" },
  { key: "paused", header: "PAUSED" },
  { key: "concurrency", header: "CONCURRENCY LIMIT" },
  { key: "id", header: "ID" },
];
