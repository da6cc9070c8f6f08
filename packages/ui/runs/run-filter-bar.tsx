import { useState, type FormEvent } from "react";
import type { Deployment, Flow, WorkPool } from "../api/types";
import { STATE_TYPES } from "../api/types";
import { isoToLocalInput, localInputToIso } from "../format/time";
import { RANGES, SORTS, type RunFilters } from "./run-filters";

interface Props {
  filters: RunFilters;
  flows: Flow[];
  deployments: Deployment[];
  pools: WorkPool[];
  onChange: (changes: Partial<RunFilters>) => void;
}

const RANGE_LABELS: Record<string, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", custom: "Custom…" };

/** Every control writes the URL at once (page back to the first), so back/forward walk through filters. */
export function RunFilterBar({ filters, flows, deployments, pools, onChange }: Props) {
  const [name, setName] = useState(filters.name);
  const [tags, setTags] = useState(filters.tags.join(", "));
  const submitText = (event: FormEvent) => {
    event.preventDefault();
    onChange({ name, tags: tags.split(",").map((t) => t.trim()).filter(Boolean) });
  };
  return (
    <form className="filters" onSubmit={submitText} aria-label="Filter runs">
      <fieldset className="filters" style={{ border: "none", padding: 0, margin: 0 }}>
        <legend className="visually-hidden">States</legend>
        <details>
          <summary>States{filters.states.length ? ` (${filters.states.length})` : ": all"}</summary>
          <div style={{ display: "grid", gap: 2, padding: "6px 0" }}>
            {STATE_TYPES.map((s) => (
              <label key={s} className="checkbox">
                <input
                  type="checkbox"
                  checked={filters.states.includes(s)}
                  onChange={(e) => onChange({ states: e.target.checked ? [...filters.states, s] : filters.states.filter((x) => x !== s) })}
                />
                {s.charAt(0) + s.slice(1).toLowerCase()}
              </label>
            ))}
          </div>
        </details>
      </fieldset>
      <label>
        Flow
        <select value={filters.flow ?? ""} onChange={(e) => onChange({ flow: e.target.value || null })}>
          <option value="">All flows</option>
          {flows.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Deployment
        <select value={filters.deployment ?? ""} onChange={(e) => onChange({ deployment: e.target.value || null })}>
          <option value="">All deployments</option>
          {deployments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Work pool
        <select value={filters.pool ?? ""} onChange={(e) => onChange({ pool: e.target.value || null })}>
          <option value="">All pools</option>
          {pools.map((p) => (
            <option key={p.id} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Time
        <select value={filters.range ?? ""} onChange={(e) => onChange({ range: (e.target.value || null) as RunFilters["range"] })}>
          <option value="">Any time</option>
          {[...Object.keys(RANGES), "custom"].map((r) => (
            <option key={r} value={r}>
              {RANGE_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      {filters.range === "custom" && (
        <>
          <label>
            From
            <input type="datetime-local" value={isoToLocalInput(filters.from)} onChange={(e) => onChange({ from: localInputToIso(e.target.value) })} />
          </label>
          <label>
            To
            <input type="datetime-local" value={isoToLocalInput(filters.to)} onChange={(e) => onChange({ to: localInputToIso(e.target.value) })} />
          </label>
        </>
      )}
      <label>
        Sort
        <select value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as RunFilters["sort"] })}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name contains
        <input type="search" value={name} onChange={(e) => setName(e.target.value)} size={14} />
      </label>
      <label>
        Tags (all of)
        <input type="text" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="etl, nightly" size={14} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
