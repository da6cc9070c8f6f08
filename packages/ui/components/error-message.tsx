import { describeError } from "../api/api-error";

/** Every API error reaches the person in words; `role="alert"` has screen readers say it too. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="error-message" role="alert">
      {title && <strong>{title}: </strong>}
      {describeError(error)}
    </div>
  );
}
