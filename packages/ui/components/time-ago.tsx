import { formatAbsolute, formatRelative } from "../format/time";

/** Relative time on screen, the exact instant on hover and for assistive technology. */
export function TimeAgo({ iso, fallback = "–" }: { iso: string | null | undefined; fallback?: string }) {
  if (!iso) return <span>{fallback}</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso)}
    </time>
  );
}
