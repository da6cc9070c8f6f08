/** Previous / next with "41–60 of 10,000"; the page lives in the URL, so it survives reloads. */
export function Pagination({ offset, limit, total, onChange }: { offset: number; limit: number; total: number | undefined; onChange: (offset: number) => void }) {
  const end = total === undefined ? offset + limit : Math.min(offset + limit, total);
  const fmt = (n: number) => n.toLocaleString();
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span aria-live="polite">
        {total === 0 ? "0" : `${fmt(offset + 1)}–${fmt(end)}`} of {total === undefined ? "…" : fmt(total)}
      </span>
      <button type="button" disabled={total !== undefined && end >= total} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
