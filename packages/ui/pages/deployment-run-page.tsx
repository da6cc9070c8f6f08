import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiError, describeError } from "../api/api-error";
import { createFlowRunFromDeployment, readDeployment } from "../api/deployments";
import { readFlowRun } from "../api/flow-runs";
import type { JsonObject } from "../api/types";
import { readWorkPool } from "../api/work-pools";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { PageHeader } from "../components/page-header";
import { Section } from "../components/section";
import { checkValue, type Schema } from "../forms/json-schema-check";
import { SchemaFormFields } from "../forms/schema-form-fields";
import { fieldsOf, fromInputText, toInputText } from "../forms/schema-fields";
import { useApi } from "../hooks/use-api";
import { navigate, useLocation } from "../router/history";
import { Link } from "../router/link";

const JOB_VARS = "__job_variables";

/** Job-variable overrides: each key must be one of the pool's variables and fit its schema. */
function checkJobVariables(overrides: JsonObject, variables: Schema | undefined): string[] {
  if (!variables?.properties) return [];
  const props = variables.properties as Record<string, Schema>;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (!props[key]) {
      problems.push(`${key} is not a variable of this work pool (it has: ${Object.keys(props).join(", ")})`);
      continue;
    }
    if (value === null) continue;
    for (const issue of checkValue(value, props[key], variables)) problems.push(`${[key, ...issue.path.slice(0)].join(".")} ${issue.message}`);
  }
  return problems;
}

/**
 * Starts a run of a deployment from a form generated from its parameter schema, checked before it
 * is sent; the server's 422 answers land at the field they name. `?from=<run id>` fills the form
 * from an earlier run ("run again with changes").
 */
export function DeploymentRunPage({ id }: { id: string }) {
  const { search } = useLocation();
  const fromRun = search.get("from");
  const loaded = useApi(
    async (signal) => {
      const deployment = await readDeployment(id, signal);
      const [pool, previous] = await Promise.all([
        deployment.work_pool_name ? readWorkPool(deployment.work_pool_name, signal).catch(() => null) : Promise.resolve(null),
        fromRun ? readFlowRun(fromRun, signal) : Promise.resolve(null),
      ]);
      return { deployment, pool, previous };
    },
    `${id}:${fromRun}`,
  );

  const schema = (loaded.data?.deployment.parameter_openapi_schema ?? null) as Schema | null;
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [summary, setSummary] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    const { deployment, previous } = loaded.data;
    const start = { ...(previous?.parameters ?? deployment.parameters ?? {}) };
    const initial: Record<string, string> = {};
    for (const f of fields) initial[f.name] = toInputText(f.kind, start[f.name] ?? f.default);
    // Parameters the schema does not describe are kept as JSON, so nothing is silently dropped.
    const extra = Object.fromEntries(Object.entries(start).filter(([k]) => !fields.some((f) => f.name === k)));
    initial.__extra = Object.keys(extra).length ? JSON.stringify(extra, null, 2) : "";
    initial[JOB_VARS] = previous?.job_variables && Object.keys(previous.job_variables).length ? JSON.stringify(previous.job_variables, null, 2) : "";
    initial.__tags = (previous?.tags ?? []).join(", ");
    setValues(initial);
  }, [loaded.data, fields]);

  if (!loaded.data) {
    return (
      <>
        <PageHeader title="Run deployment" />
        <ErrorMessage error={loaded.error} title="The deployment could not be loaded" />
        {!loaded.error && <Loading />}
      </>
    );
  }
  const { deployment, pool } = loaded.data;
  const variablesSchema = pool?.base_job_template?.variables as Schema | undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSummary(null);
    const fieldErrors: Record<string, string | undefined> = {};
    const parameters: JsonObject = {};
    try {
      if (values.__extra?.trim()) Object.assign(parameters, JSON.parse(values.__extra));
    } catch {
      fieldErrors.__extra = "must be a JSON object";
    }
    for (const f of fields) {
      try {
        const v = fromInputText(f.kind, values[f.name] ?? "");
        if (v !== undefined) parameters[f.name] = v;
      } catch (err) {
        fieldErrors[f.name] = (err as Error).message;
      }
    }
    if (schema) {
      for (const issue of checkValue(parameters, schema)) {
        const name = String(issue.path[0] ?? "");
        if (name && !fieldErrors[name]) fieldErrors[name] = issue.path.length > 1 ? `${issue.path.slice(1).join(".")} ${issue.message}` : issue.message;
      }
    }
    let jobVariables: JsonObject | undefined;
    if (values[JOB_VARS]?.trim()) {
      try {
        const parsed = JSON.parse(values[JOB_VARS]);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error();
        jobVariables = parsed;
        const problems = checkJobVariables(parsed, variablesSchema);
        if (problems.length) fieldErrors[JOB_VARS] = problems.join("; ");
      } catch {
        fieldErrors[JOB_VARS] ??= 'must be a JSON object, e.g. {"cpu": 1024}';
      }
    }
    setErrors(fieldErrors);
    if (Object.values(fieldErrors).some(Boolean)) {
      setSummary(new Error("Some fields need fixing before the run can start; each says what is wrong."));
      return;
    }
    setBusy(true);
    try {
      const tags = (values.__tags ?? "").split(",").map((t) => t.trim()).filter(Boolean);
      const created = await createFlowRunFromDeployment(deployment.id, { parameters, ...(jobVariables ? { job_variables: jobVariables } : {}), ...(tags.length ? { tags } : {}) });
      navigate(`/runs/${created.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        const serverErrors: Record<string, string> = {};
        for (const issue of err.issues) {
          const loc = issue.loc.filter((p) => p !== "body");
          const key = loc[0] === "parameters" && loc.length > 1 ? String(loc[1]) : loc[0] === "job_variables" ? JOB_VARS : "";
          if (key) serverErrors[key] = `${loc.slice(key === JOB_VARS ? 1 : 2).join(".")} ${issue.msg}`.trim();
        }
        setErrors(serverErrors);
      }
      setSummary(new Error(`The run was not started: ${describeError(err)}`));
    } finally {
      setBusy(false);
    }
  };

  const set = (name: string, text: string) => setValues((v) => ({ ...v, [name]: text }));
  const jobVarsError = errors[JOB_VARS];
  return (
    <>
      <PageHeader title={`Run ${deployment.name}`} subtitle={<Link to={`/deployments/${deployment.id}`}>Back to the deployment</Link>} />
      <form className="form" onSubmit={submit} noValidate aria-label="New run">
        <Section title="Parameters">
          <div className="form">
            {fields.length === 0 && !schema && <p className="muted">This deployment has no parameter schema; give parameters as JSON below.</p>}
            <SchemaFormFields fields={fields} values={values} errors={errors} onChange={set} idPrefix="param" />
            {(values.__extra || fields.length === 0) && (
              <div className="field">
                <label htmlFor="param-extra">Other parameters (JSON object)</label>
                <textarea id="param-extra" rows={4} value={values.__extra ?? ""} aria-invalid={errors.__extra ? true : undefined} aria-describedby={errors.__extra ? "param-extra-error" : undefined} onChange={(e) => set("__extra", e.target.value)} />
                {errors.__extra && (
                  <span id="param-extra-error" className="field-error">
                    Other parameters {errors.__extra}
                  </span>
                )}
              </div>
            )}
          </div>
        </Section>
        <Section title="Job variables">
          <div className="field">
            <label htmlFor="job-variables">Overrides for this run (JSON object)</label>
            <textarea
              id="job-variables"
              rows={5}
              value={values[JOB_VARS] ?? ""}
              placeholder={variablesSchema?.properties ? `{"${Object.keys(variablesSchema.properties as object)[0]}": …}` : "{}"}
              aria-invalid={jobVarsError ? true : undefined}
              aria-describedby={`job-variables-help${jobVarsError ? " job-variables-error" : ""}`}
              onChange={(e) => set(JOB_VARS, e.target.value)}
            />
            <span id="job-variables-help" className="field-help">
              {variablesSchema?.properties
                ? `Variables of pool ${pool!.name}: ${Object.keys(variablesSchema.properties as object).join(", ")}. Leave empty to use the deployment's and pool's values.`
                : "Leave empty to use the deployment's and pool's values."}
            </span>
            {jobVarsError && (
              <span id="job-variables-error" className="field-error">
                Job variables: {jobVarsError}
              </span>
            )}
          </div>
          <div className="field" style={{ marginTop: 12 }}>
            <label htmlFor="run-tags">Tags (comma-separated)</label>
            <input id="run-tags" value={values.__tags ?? ""} onChange={(e) => set("__tags", e.target.value)} />
          </div>
        </Section>
        <ErrorMessage error={summary} />
        <div>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Starting…" : "Start run"}
          </button>
        </div>
      </form>
    </>
  );
}
