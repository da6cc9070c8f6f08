import { apiRequest } from "./api-client";
import type { Flow } from "./types";

export const readFlows = (body: { limit: number; offset?: number; ids?: string[] }, signal?: AbortSignal) =>
  apiRequest<Flow[]>(
    "POST",
    "/flows/filter",
    { limit: body.limit, offset: body.offset ?? 0, sort: "NAME_ASC", ...(body.ids ? { flows: { id: { any_: body.ids } } } : {}) },
    { signal },
  );

export const readFlow = (id: string, signal?: AbortSignal) => apiRequest<Flow>("GET", `/flows/${encodeURIComponent(id)}`, undefined, { signal });

/** id → name for the given flows, in one request. */
export async function flowNames(ids: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const flows = await readFlows({ ids: unique, limit: unique.length }, signal);
  return new Map(flows.map((f) => [f.id, f.name]));
}
