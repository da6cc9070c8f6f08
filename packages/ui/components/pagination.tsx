import { formatCount } from "../format/time";
/** Previous / next with "41–60 of 10,000"; the page lives in the URL, so it survives reloads. */
export function Pagination({ offset, limit, total, onChange }: { offset: number; limit: number; total: number | undefined; onChange: (offset: number) => void }) {
  const end = total === undefined ? offset + limit : Math.min(offset + limit, total);
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span aria-live="polite">
        {total === 0 ? "0" : `${formatCount(offset + 1)}–${formatCount(end)}`} of {total === undefined ? "…" : formatCount(total)}
      </span>
      <button type="button" disabled={total !== undefined && end >= total} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
