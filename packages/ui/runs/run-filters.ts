import type { FlowRunQuery, FlowRunSort } from "../api/flow-runs";
import { STATE_TYPES, type StateType } from "../api/types";

/** The runs list's filters; all of them live in the URL so a view can be bookmarked and shared. */
export interface RunFilters {
  states: StateType[];
  flow: string | null;
  deployment: string | null;
  pool: string | null;
  tags: string[];
  /** Part of the run name. */
  name: string;
  /** A relative window ending now ("24h"), or a custom one from `from`/`to`. */
  range: RangeKey | "custom" | null;
  from: string | null;
  to: string | null;
  sort: FlowRunSort;
  offset: number;
}

export const RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES;

export const SORTS: { value: FlowRunSort; label: string }[] = [
  { value: "EXPECTED_START_TIME_DESC", label: "Newest first" },
  { value: "EXPECTED_START_TIME_ASC", label: "Oldest first" },
  { value: "START_TIME_DESC", label: "Started, newest first" },
  { value: "END_TIME_DESC", label: "Ended, newest first" },
  { value: "NAME_ASC", label: "Name A–Z" },
  { value: "NAME_DESC", label: "Name Z–A" },
];

export const DEFAULT_SORT: FlowRunSort = "EXPECTED_START_TIME_DESC";
export const PAGE_SIZE = 50;

const isState = (s: string): s is StateType => (STATE_TYPES as readonly string[]).includes(s);
const isoOrNull = (s: string | null) => (s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : null);

export function parseRunFilters(search: URLSearchParams): RunFilters {
  const range = search.get("range");
  const sort = search.get("sort");
  const offset = Number(search.get("offset") ?? 0);
  return {
    states: search.getAll("state").map((s) => s.toUpperCase()).filter(isState),
    flow: search.get("flow") || null,
    deployment: search.get("deployment") || null,
    pool: search.get("pool") || null,
    tags: search.getAll("tag").filter(Boolean),
    name: search.get("name") ?? "",
    range: range && (range in RANGES || range === "custom") ? (range as RunFilters["range"]) : null,
    from: isoOrNull(search.get("from")),
    to: isoOrNull(search.get("to")),
    sort: SORTS.some((s) => s.value === sort) ? (sort as FlowRunSort) : DEFAULT_SORT,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** Query parameters for `updateSearch`; defaults are left out so URLs stay short. */
export function runFiltersToSearch(f: Partial<RunFilters>): Record<string, string | string[] | null> {
  const out: Record<string, string | string[] | null> = {};
  if (f.states) out.state = f.states;
  if (f.flow !== undefined) out.flow = f.flow;
  if (f.deployment !== undefined) out.deployment = f.deployment;
  if (f.pool !== undefined) out.pool = f.pool;
  if (f.tags) out.tag = f.tags;
  if (f.name !== undefined) out.name = f.name || null;
  if (f.range !== undefined) out.range = f.range;
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  if (f.sort !== undefined) out.sort = f.sort === DEFAULT_SORT ? null : f.sort;
  if (f.offset !== undefined) out.offset = f.offset ? String(f.offset) : null;
  return out;
}

/** The `{flows, flow_runs, deployments, work_pools}` part of Prefect's filter and count bodies. */
export function runFiltersToQuery(f: RunFilters, now = Date.now()): FlowRunQuery {
  const flowRuns: Record<string, unknown> = {};
  if (f.states.length) flowRuns.state = { type: { any_: f.states } };
  if (f.tags.length) flowRuns.tags = { all_: f.tags };
  if (f.deployment) flowRuns.deployment_id = { any_: [f.deployment] };
  if (f.name.trim()) flowRuns.name = { like_: f.name.trim() };
  const window = f.range && f.range !== "custom" ? { after_: new Date(now - RANGES[f.range]).toISOString() } : f.range === "custom" ? { after_: f.from, before_: f.to } : null;
  if (window) {
    const clean = Object.fromEntries(Object.entries(window).filter(([, v]) => v));
    if (Object.keys(clean).length) flowRuns.expected_start_time = clean;
  }
  const query: FlowRunQuery = {};
  if (Object.keys(flowRuns).length) query.flow_runs = flowRuns;
  if (f.flow) query.flows = { id: { any_: [f.flow] } };
  if (f.pool) query.work_pools = { name: { any_: [f.pool] } };
  return query;
}

/** Whether any filter narrows the list (the empty state then says to loosen them). */
export const hasFilters = (f: RunFilters) => f.states.length > 0 || !!f.flow || !!f.deployment || !!f.pool || f.tags.length > 0 || !!f.name || !!f.range;
