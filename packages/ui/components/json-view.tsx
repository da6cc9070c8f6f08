/** A JSON value, pretty-printed; empty objects say so instead of showing `{}`. */
export function JsonView({ value, empty = "None", label }: { value: unknown; empty?: string; label: string }) {
  const isEmpty = value === null || value === undefined || (typeof value === "object" && Object.keys(value as object).length === 0);
  if (isEmpty) return <p className="muted">{empty}</p>;
  return (
    <pre className="json-view" tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
