import type { StateType } from "../api/types";

/** The run's state in words, with a colour dot; the words carry the meaning, the colour helps scanning. */
export function StateBadge({ type, name }: { type: StateType | null | undefined; name?: string | null }) {
  const label = name || (type ? type.charAt(0) + type.slice(1).toLowerCase() : "No state");
  return (
    <span className={`state-badge state-${(type ?? "none").toLowerCase()}`} data-state={type ?? ""}>
      <span className="state-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
