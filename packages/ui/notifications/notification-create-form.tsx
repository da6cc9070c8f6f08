import { useState, type FormEvent } from "react";
import { describeError } from "../api/api-error";
import { createNotification, type Notification } from "../api/notifications";
import { STATE_TYPES, type StateType } from "../api/types";
import { FormActions } from "../components/form-actions";
import { fieldErrorsFromApi } from "../forms/field-errors";

const LABELS: Record<string, string> = { name: "Name", url: "Webhook URL", work_pool_names: "Work pools", deployment_ids: "Deployment ids", tags: "Tags", state_types: "States" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Why the URL cannot be a webhook, checked before sending (the server checks again, and more). */
function urlProblem(text: string): string | null {
  if (!text.trim()) return "is required";
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must start with http:// or https://";
  return null;
}

/**
 * Subscribes a webhook to run states. Checked here (URL shape, deployment ids), then by the
 * server, whose 422 items land at their field. The signing secret is handed to `onCreated`: the
 * server shows it only in this answer.
 */
export function NotificationCreateForm({ onCreated, onCancel }: { onCreated: (created: Notification & { secret: string }) => void; onCancel: () => void }) {
  const [values, setValues] = useState({ name: "", url: "", format: "json" as "json" | "slack", work_pool_names: "", deployment_ids: "", tags: "" });
  const [states, setStates] = useState<StateType[]>(["FAILED", "CRASHED"]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const url = urlProblem(values.url);
    if (url) found.url = url;
    const badId = list(values.deployment_ids).find((id) => !UUID.test(id));
    if (badId) found.deployment_ids = `must be deployment ids (UUIDs); "${badId}" is not one`;
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const created = await createNotification({
        ...(values.name.trim() ? { name: values.name.trim() } : {}),
        url: values.url.trim(),
        format: values.format,
        state_types: states,
        work_pool_names: list(values.work_pool_names),
        deployment_ids: list(values.deployment_ids),
        tags: list(values.tags),
      });
      onCreated(created);
    } catch (err) {
      setErrors(fieldErrorsFromApi(err));
      setFailure(`The notification was not created: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const input = (key: "name" | "url" | "work_pool_names" | "deployment_ids" | "tags", help?: string) => (
    <div className="field">
      <label htmlFor={`notification-${key}`}>{LABELS[key]}</label>
      <input
        id={`notification-${key}`}
        value={values[key]}
        type={key === "url" ? "url" : "text"}
        onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `notification-${key}-error` : help ? `notification-${key}-help` : undefined}
      />
      {help && !errors[key] && (
        <span id={`notification-${key}-help`} className="field-help">
          {help}
        </span>
      )}
      {errors[key] && (
        <span id={`notification-${key}-error`} className="field-error">
          {LABELS[key]} {errors[key]}
        </span>
      )}
    </div>
  );

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="New notification">
      {input("name", "Optional; the URL's host when empty.")}
      {input("url", "Called with a POST for each matching state change, signed with an HMAC header.")}
      <div className="field">
        <label htmlFor="notification-format">Format</label>
        <select id="notification-format" value={values.format} onChange={(e) => setValues((v) => ({ ...v, format: e.target.value as "json" | "slack" }))}>
          <option value="json">JSON event</option>
          <option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <fieldset className="field" aria-describedby={errors.state_types ? "notification-state_types-error" : undefined}>
        <legend>States (none ticked: every state)</legend>
        <div className="inline-form">
          {STATE_TYPES.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" checked={states.includes(s)} onChange={(e) => setStates((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} /> {s}
            </label>
          ))}
        </div>
        {errors.state_types && (
          <span id="notification-state_types-error" className="field-error">
            States {errors.state_types}
          </span>
        )}
      </fieldset>
      {input("work_pool_names", "Comma-separated; empty for every pool.")}
      {input("deployment_ids", "Comma-separated; empty for every deployment.")}
      {input("tags", "Comma-separated; a run with any of them matches; empty for every run.")}
      <FormActions failure={failure} busy={busy} submitLabel="Create notification" busyLabel="Creating…" onCancel={onCancel} />
    </form>
  );
}
