import { useState, type FormEvent } from "react";
import { ApiError, describeError } from "../api/api-error";
import { createWorkPool } from "../api/work-pools";
import { PageHeader } from "../components/page-header";
import { navigate } from "../router/history";

const TYPES = [
  { value: "ecs", label: "ecs — each run is an AWS ECS task" },
  { value: "process", label: "process — each run is a local process on the worker's machine" },
];

/** Creates a pool of type ecs or process; the server gives it that type's default base job template. */
export function WorkPoolCreatePage() {
  const [name, setName] = useState("");
  const [type, setType] = useState("ecs");
  const [description, setDescription] = useState("");
  const [limit, setLimit] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = "is required";
    else if (/[/%&><]/.test(name)) found.name = "may not contain / % & > or <";
    if (limit && !(Number.isInteger(Number(limit)) && Number(limit) >= 0)) found.concurrency_limit = "must be a whole number, 0 or more";
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const pool = await createWorkPool({
        name: name.trim(),
        type,
        description: description || null,
        concurrency_limit: limit ? Number(limit) : null,
      });
      navigate(`/work-pools/${encodeURIComponent(pool.name)}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const byField: Record<string, string> = {};
        for (const i of err.issues) byField[String(i.loc.filter((p) => p !== "body")[0] ?? "")] = i.msg;
        setErrors(byField);
      }
      setFailure(`The pool was not created: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const field = (key: string) => ({ "aria-invalid": errors[key] ? true : undefined, "aria-describedby": errors[key] ? `${key}-error` : undefined });
  const fieldError = (key: string, label: string) =>
    errors[key] && (
      <span id={`${key}-error`} className="field-error">
        {label} {errors[key]}
      </span>
    );
  return (
    <>
      <PageHeader title="Create work pool" />
      <form className="form" onSubmit={submit} noValidate aria-label="Create work pool">
        <div className="field">
          <label htmlFor="pool-name">Name</label>
          <input id="pool-name" value={name} onChange={(e) => setName(e.target.value)} {...field("name")} />
          {fieldError("name", "Name")}
        </div>
        <div className="field">
          <label htmlFor="pool-type">Type</label>
          <select id="pool-type" value={type} onChange={(e) => setType(e.target.value)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          <span className="field-help">
            Starts from this type&apos;s default base job template; edit it on the pool&apos;s page.
          </span>
        </div>
        <div className="field">
          <label htmlFor="pool-description">Description</label>
          <input id="pool-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="pool-limit">Concurrency limit (optional)</label>
          <input id="pool-limit" inputMode="numeric" value={limit} onChange={(e) => setLimit(e.target.value)} {...field("concurrency_limit")} />
          {fieldError("concurrency_limit", "Concurrency limit")}
        </div>
        {failure && (
          <p className="error-message" role="alert">
            {failure}
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create pool"}
          </button>
        </div>
      </form>
    </>
  );
}
