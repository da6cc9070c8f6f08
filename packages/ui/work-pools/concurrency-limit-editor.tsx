import { useId, useState, type FormEvent } from "react";
import { describeError } from "../api/api-error";
import { fieldErrorsFromApi, parseWholeNumber } from "../forms/field-errors";

/**
 * A concurrency limit shown inline with an Edit button; editing checks the number before sending,
 * and the server's answer (422 at `concurrency_limit`, or any other error) is shown at the field.
 */
export function ConcurrencyLimitEditor({ label, value, onSave }: { label: string; value: number | null; onSave: (limit: number | null) => Promise<void> }) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!editing) {
    return (
      <span>
        {value ?? "None"}{" "}
        <button
          type="button"
          className="link-button"
          aria-label={`Edit ${label}`}
          onClick={() => {
            setText(value === null ? "" : String(value));
            setError(null);
            setEditing(true);
          }}
        >
          Edit
        </button>
      </span>
    );
  }

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseWholeNumber(text, 0);
    if ("error" in parsed) {
      setError(`${label} ${parsed.error}, or empty for no limit`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave(parsed.value);
      setEditing(false);
    } catch (err) {
      setError(fieldErrorsFromApi(err).concurrency_limit ? `${label} ${fieldErrorsFromApi(err).concurrency_limit}` : `Not saved: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={save} noValidate aria-label={`Edit ${label}`}>
      <label htmlFor={`${id}-limit`} className="visually-hidden">
        {label}
      </label>
      <input
        id={`${id}-limit`}
        inputMode="numeric"
        size={6}
        value={text}
        placeholder="None"
        onChange={(e) => setText(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <button type="submit" className="primary" disabled={busy}>
        Save
      </button>
      <button type="button" onClick={() => setEditing(false)} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
