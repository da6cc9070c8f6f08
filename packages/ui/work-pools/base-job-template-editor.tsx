import { useState, type FormEvent } from "react";
import { ApiError, describeError } from "../api/api-error";
import type { BaseJobTemplate, JsonObject } from "../api/types";
import { updateWorkPool } from "../api/work-pools";
import { checkValue, type Schema } from "../forms/json-schema-check";
import { SchemaFormFields } from "../forms/schema-form-fields";
import { fieldsOf, fromInputText, toInputText } from "../forms/schema-fields";
import { hasTemplateErrors, templateErrorsFromIssues, type TemplateErrors } from "./template-errors";

const NO_ERRORS: TemplateErrors = { variables: {}, other: [] };

/**
 * Edits a pool's base job template: each variable's default as a typed field, the job
 * configuration as JSON. Defaults are checked against their schema before saving; the server's
 * 422 answers are shown at the field their `loc` names.
 */
export function BaseJobTemplateEditor({ poolName, template, onSaved, onCancel }: { poolName: string; template: BaseJobTemplate; onSaved: () => void; onCancel: () => void }) {
  const variables = (template.variables ?? { type: "object", properties: {} }) as Schema;
  // Each variable's default is the value edited, so the field's own schema is the property schema.
  const fields = fieldsOf(variables).map((f) => ({ ...f, required: false, title: f.name }));
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, toInputText(f.kind, f.default)])));
  const [jobConfiguration, setJobConfiguration] = useState(JSON.stringify(template.job_configuration ?? {}, null, 2));
  const [errors, setErrors] = useState<TemplateErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found: TemplateErrors = { variables: {}, other: [] };
    const properties: Record<string, JsonObject> = { ...((variables.properties ?? {}) as Record<string, JsonObject>) };
    for (const f of fields) {
      try {
        const value = fromInputText(f.kind, values[f.name] ?? "");
        const next = { ...properties[f.name] };
        if (value === undefined) delete next.default;
        else {
          const issues = checkValue({ [f.name]: value }, { type: "object", properties: { [f.name]: properties[f.name] } }, variables);
          if (issues.length) found.variables[f.name] = `default ${issues.map((i) => i.message).join("; ")}`;
          next.default = value;
        }
        properties[f.name] = next;
      } catch (err) {
        found.variables[f.name] = `default ${(err as Error).message}`;
      }
    }
    let config: JsonObject = {};
    try {
      config = JSON.parse(jobConfiguration);
      if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error();
    } catch {
      found.jobConfiguration = "must be a JSON object";
    }
    setErrors(found);
    if (hasTemplateErrors(found)) {
      setFailure("Not saved: fix the fields marked below.");
      return;
    }
    setBusy(true);
    try {
      await updateWorkPool(poolName, { base_job_template: { job_configuration: config, variables: { ...variables, properties } } });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) setErrors(templateErrorsFromIssues(err.issues));
      setFailure(`Not saved: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const fieldErrors = Object.fromEntries(Object.entries(errors.variables));
  return (
    <form className="form" onSubmit={save} noValidate aria-label="Edit base job template" style={{ maxWidth: "none" }}>
      <h3>Variable defaults</h3>
      {fields.length === 0 && <p className="muted">This template declares no variables.</p>}
      <SchemaFormFields fields={fields} values={values} errors={fieldErrors} onChange={(name, text) => setValues((v) => ({ ...v, [name]: text }))} idPrefix="variable" />
      <div className="field">
        <label htmlFor="job-configuration">Job configuration (JSON)</label>
        <textarea
          id="job-configuration"
          rows={16}
          value={jobConfiguration}
          onChange={(e) => setJobConfiguration(e.target.value)}
          aria-invalid={errors.jobConfiguration ? true : undefined}
          aria-describedby={errors.jobConfiguration ? "job-configuration-error" : undefined}
        />
        {errors.jobConfiguration && (
          <span id="job-configuration-error" className="field-error">
            Job configuration {errors.jobConfiguration}
          </span>
        )}
      </div>
      {errors.other.length > 0 && (
        <ul className="field-error">
          {errors.other.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      )}
      {failure && (
        <p className="error-message" role="alert">
          {failure}
        </p>
      )}
      <div className="page-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : "Save template"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
