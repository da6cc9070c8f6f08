import { useState, type FormEvent } from "react";
import { ApiError, describeError } from "../api/api-error";
import { createWorkQueue } from "../api/work-pools";
import { fieldErrorsFromApi, parseWholeNumber } from "../forms/field-errors";
import { FormActions } from "../components/form-actions";

const LABELS: Record<string, string> = { name: "Name", priority: "Priority", concurrency_limit: "Concurrency limit" };

/**
 * Adds a queue to a pool. Checked here first (name characters, whole numbers), then by the server:
 * its 422 items and a duplicate name (409) are shown at the field they concern.
 */
export function QueueCreateForm({ poolName, onCreated, onCancel }: { poolName: string; onCreated: (name: string) => void; onCancel: () => void }) {
  const [values, setValues] = useState({ name: "", priority: "", concurrency_limit: "", description: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const name = values.name.trim();
    if (!name) found.name = "is required";
    else if (/[/%&><]/.test(name)) found.name = "may not contain / % & > or <";
    const priority = parseWholeNumber(values.priority, 1);
    if ("error" in priority) found.priority = priority.error;
    const limit = parseWholeNumber(values.concurrency_limit, 0);
    if ("error" in limit) found.concurrency_limit = limit.error;
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length || "error" in priority || "error" in limit) return;
    setBusy(true);
    try {
      const queue = await createWorkQueue(poolName, { name, priority: priority.value, concurrency_limit: limit.value, description: values.description || null });
      onCreated(queue.name);
    } catch (err) {
      const byField = fieldErrorsFromApi(err);
      // A duplicate name is a 409 with a sentence; it concerns the name field.
      if (err instanceof ApiError && err.status === 409) byField.name = "is already used by another queue of this pool";
      setErrors(byField);
      setFailure(`The queue was not created: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const input = (key: keyof typeof values, extra: { inputMode?: "numeric"; help?: string } = {}) => (
    <div className="field">
      <label htmlFor={`queue-${key}`}>{LABELS[key] ?? "Description"}</label>
      <input
        id={`queue-${key}`}
        value={values[key]}
        inputMode={extra.inputMode}
        onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `queue-${key}-error` : extra.help ? `queue-${key}-help` : undefined}
      />
      {extra.help && !errors[key] && (
        <span id={`queue-${key}-help`} className="field-help">
          {extra.help}
        </span>
      )}
      {errors[key] && (
        <span id={`queue-${key}-error`} className="field-error">
          {LABELS[key] ?? key} {errors[key]}
        </span>
      )}
    </div>
  );
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Add queue">
      {input("name")}
      {input("priority", { inputMode: "numeric", help: "1 is served first; empty takes the next free priority." })}
      {input("concurrency_limit", { inputMode: "numeric", help: "Empty for no limit." })}
      {input("description")}
      <FormActions failure={failure} busy={busy} submitLabel="Add queue" busyLabel="Adding…" onCancel={onCancel} />
    </form>
  );
}
