// Rendering a flow run's job configuration from its work pool's base job template: the worker's
// one place for template rendering. Pure: no I/O, no clock, no process environment (the host
// environment for `{{ $VAR }}` is a parameter).
//
// Steps, as Prefect's worker does them (BaseJobConfiguration.from_template_and_values,
// prepare_for_flow_run; prefect.utilities.templating.apply_values):
// 1. Template: `{}` means the default template of the pool's type.
// 2. Variables: schema defaults <- pool <- deployment <- flow run (see job-variables.ts), checked
//    against the variables schema with `required` enforced.
// 3. Placeholders in job_configuration's values (never its keys), in one pass:
//    - a string that is exactly one `{{ name }}` takes the variable's value with its JSON type;
//      if the variable is unset (absent or null) the key is removed, or the list item dropped;
//    - placeholders inside longer text are replaced by text: strings as they are, numbers and
//      booleans as JSON (`true`, not Python's `True`), objects and lists as JSON (Prefect uses
//      Python's str(): `{'a': 1}`); unset variables become "";
//    - `{{ a.b[0] }}` walks into the variable `a`;
//    - `{{ $VAR }}` reads the host environment, always as text: "" when unset, even as a whole
//      value (Prefect does the same: env placeholders never remove keys);
//    - values are not templated again, so a variable holding `{{ x }}` stays literal;
//    - in the top-level `command` text (not a whole placeholder), each value is inserted quoted as
//      a POSIX shell word, so that splitting the command (parse-command.ts) keeps it one literal
//      argument: a value with spaces, quotes, `;`, `$(…)` or backticks cannot add arguments or
//      operators the template did not write. (Prefect inserts the raw text; a value meant as
//      several arguments belongs in a whole `{{ command }}`.) No shell ever runs the command.
// 4. Stamps, on the top-level `env`, `labels`, `name` and `command` (the ECS infrastructure uses
//    these, as Prefect's ECS worker does, not the copies inside task_run_request):
//    - env, lowest precedence first: PREFECT_API_URL, PREFECT_API_KEY (when given),
//      attribution (PREFECT__WORKER_ID, PREFECT__WORKER_NAME, PREFECT__FLOW_ID,
//      PREFECT__FLOW_NAME, PREFECT__DEPLOYMENT_ID, PREFECT__DEPLOYMENT_NAME), then the rendered
//      user env, which wins, as in Prefect (so a deployment can point its tasks at another API URL,
//      e.g. an internal load balancer the worker does not use). A null in the user env removes the
//      key, stamped ones included. Non-string values become text.
//      Unlike Prefect, PREFECT__FLOW_RUN_ID is set last and cannot be overridden or removed: a run
//      told another run's id would report into that run.
//      When `api_key_secret_arn` renders to a non-empty string, PREFECT_API_KEY is left out of env:
//      the ECS infrastructure passes it as a container secret (prefect-aws does the same with
//      `prefect_api_key_secret_arn`).
//    - labels: prefect.io/flow-run-id, flow-run-name, work-pool-name, work-pool-id, worker-name,
//      flow-id, flow-name, deployment-id, deployment-name, deployment-updated (the ones Prefect
//      sets, kept under Prefect's names for tools that read them), ecsflow.io/version in place of
//      prefect.io/version; the user's labels win.
//    - name: `{{ ctx.flow.* }}` / `{{ ctx.flow_run.* }}` in it are filled from the flow and flow
//      run; empty or unset means the flow run's name.
//    - command: empty or unset means `ecsflow flow-run execute`.
//    - unset_env (only when some layer's env set a key to null): those keys, sorted, so that
//      infrastructure can also remove them from what it does not build from `env` (the ECS task
//      definition's static container environment), since `env` itself cannot carry a null.

import {
  defaultBaseJobTemplateFor,
  envPlaceholderVariable,
  findPlaceholders,
  placeholderPath,
  replacePlaceholders,
  validateBaseJobTemplate,
  validateJobVariables,
  variableDefaults,
  wholePlaceholder,
  type JsonRecord,
  type JsonValue,
  type Placeholder,
  type TemplateError,
} from "@ecsflow/schemas";
import { JobTemplateRenderError } from "./errors.js";
import { appliedValues, mergeJobVariables, type JobVariableLayer, type MergedJobVariables } from "./job-variables.js";
import { setOwn } from "./set-own.js";
import { quote } from "shell-quote";

export const DEFAULT_FLOW_RUN_COMMAND = "ecsflow flow-run execute";

export interface RenderJobTemplateInput {
  /** The work pool's `base_job_template`; `{}` means the default for `worker.poolType`. */
  baseJobTemplate: JsonRecord;
  /** Variable values for every run of the pool, above the schema's defaults (e.g. a worker option). */
  poolDefaults?: JsonRecord | null;
  deploymentJobVariables?: JsonRecord | null;
  flowRunJobVariables?: JsonRecord | null;
  /** The worker's host environment, read by `{{ $VAR }}` placeholders. */
  env: Readonly<Record<string, string | undefined>>;
  /** The flow run as the API returns it; every field is available to `{{ ctx.flow_run.* }}` in `name`. */
  flowRun: { id: string; name: string; flow_id: string; deployment_id?: string | null };
  deployment?: { id: string; name: string; updated?: string | null } | null;
  /** The flow as the API returns it; every field is available to `{{ ctx.flow.* }}` in `name`. */
  flow: { id: string; name: string };
  worker: { name: string; id?: string | null; poolName: string; poolId?: string | null; poolType?: string | null };
  /** The API URL tasks should use, stamped as PREFECT_API_URL. */
  apiUrl: string;
  /** Stamped as PREFECT_API_KEY when given (and no api_key_secret_arn is set). */
  apiKey?: string | null;
  /** ecsflow's version, for the `ecsflow.io/version` label. */
  version?: string | null;
  /** W3C traceparent of the run's trace, stamped as TRACEPARENT when the worker traces. */
  traceparent?: string;
}

/** The rendered job configuration: the template's keys plus the four stamped fields. */
export type RenderedJobConfiguration = JsonRecord & {
  command: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  name: string;
  /** Env names a layer unset with null (absent when none). */
  unset_env?: string[];
};

const isObject = (v: JsonValue | undefined): v is JsonRecord => v !== null && typeof v === "object" && !Array.isArray(v);
const NOT_SET: unique symbol = Symbol("not set");
type Rendered = JsonValue | typeof NOT_SET;

export function renderJobTemplate(input: RenderJobTemplateInput): RenderedJobConfiguration {
  const template = resolveTemplate(input.baseJobTemplate, input.worker.poolType);
  const variablesSchema = template.variables;

  const merged = mergeJobVariables([
    { layer: "template default", variables: variableDefaults(variablesSchema) },
    { layer: "work pool", variables: input.poolDefaults },
    { layer: "deployment", variables: input.deploymentJobVariables },
    { layer: "flow run", variables: input.flowRunJobVariables },
  ]);
  checkVariables(variablesSchema, merged);

  const values = appliedValues(merged.values);
  const jobConfiguration = structuredClone(template.job_configuration);
  // A literal env object in the template is a base the variables' env merges over (Prefect).
  if (isObject(jobConfiguration.env) && isObject(values.env)) jobConfiguration.env = { ...jobConfiguration.env, ...values.env };

  const rendered = applyValues(jobConfiguration, values, input.env, true) as JsonRecord;
  checkUnsupportedPlaceholders(rendered, merged);
  return stamp(rendered, template.job_configuration, merged, input);
}

function resolveTemplate(baseJobTemplate: JsonRecord, poolType: string | null | undefined): { job_configuration: JsonRecord; variables: JsonRecord } {
  let template: JsonRecord = baseJobTemplate;
  if (isObject(template) && Object.keys(template).length === 0) {
    const fallback = poolType ? defaultBaseJobTemplateFor(poolType) : undefined;
    template = (fallback as unknown as JsonRecord | undefined) ?? { job_configuration: {}, variables: { type: "object", properties: {} } };
  }
  const errors = validateBaseJobTemplate(template);
  if (errors.length > 0) {
    throw new JobTemplateRenderError("INVALID_BASE_JOB_TEMPLATE", `The work pool's base job template is invalid; fix the work pool: ${formatErrors(errors)}`, { errors });
  }
  return template as { job_configuration: JsonRecord; variables: JsonRecord };
}

function checkVariables(variablesSchema: JsonRecord, merged: MergedJobVariables): void {
  const errors = validateJobVariables(variablesSchema, merged.values);
  if (errors.length === 0) return;
  const described = errors.map((e) => `${e.loc.join(".") || "job variables"} ${e.msg}${sourceNote(e.loc, merged)}`).join("; ");
  throw new JobTemplateRenderError("INVALID_JOB_VARIABLES", `Invalid job variables: ${described}`, {
    variable: typeof errors[0].loc[0] === "string" ? errors[0].loc[0] : undefined,
    errors,
  });
}

function sourceNote(loc: (string | number)[], merged: MergedJobVariables): string {
  const [name, key] = loc;
  let layer: JobVariableLayer | undefined;
  if (name === "env" && typeof key === "string" && Object.hasOwn(merged.envSources, key)) layer = merged.envSources[key];
  else if (typeof name === "string" && Object.hasOwn(merged.sources, name)) layer = merged.sources[name];
  if (layer === undefined) return " (no layer sets it)";
  return layer === "template default" ? " (set by the work pool template's default)" : layer === "work pool" ? " (set by the work pool's defaults)" : ` (set by the ${layer}'s job_variables)`;
}

/** Prefect's apply_values, with NOT_SET for "remove this key / drop this item". */
function applyValues(template: JsonValue, values: JsonRecord, hostEnv: Readonly<Record<string, string | undefined>>, top = false): Rendered {
  if (typeof template === "string") return applyToString(template, values, hostEnv);
  if (Array.isArray(template)) {
    const out: JsonValue[] = [];
    for (const item of template) {
      const r = applyValues(item, values, hostEnv);
      if (r !== NOT_SET) out.push(r);
    }
    return out;
  }
  if (isObject(template)) {
    const out: JsonRecord = {};
    for (const [key, value] of Object.entries(template)) {
      const r = top && key === "command" && typeof value === "string" ? applyToString(value, values, hostEnv, true) : applyValues(value, values, hostEnv);
      if (r !== NOT_SET) setOwn(out, key, r);
    }
    return out;
  }
  return template;
}

/** `asWords`: the text is a command line; values go in quoted as shell words (see step 3). */
function applyToString(text: string, values: JsonRecord, hostEnv: Readonly<Record<string, string | undefined>>, asWords = false): Rendered {
  const whole = wholePlaceholder(text);
  if (whole?.kind === "standard") {
    const value = lookup(values, whole.name);
    return value === undefined || value === null ? NOT_SET : structuredClone(value);
  }
  const word = (v: string) => (asWords && v !== "" ? quote([v]) : v);
  return replacePlaceholders(text, (p: Placeholder) => {
    if (p.kind === "standard") {
      const value = lookup(values, p.name);
      return value === undefined || value === null ? "" : word(asText(value));
    }
    if (p.kind === "env") {
      const variable = envPlaceholderVariable(p.name);
      return word((Object.hasOwn(hostEnv, variable) ? hostEnv[variable] : undefined) ?? "");
    }
    return undefined;
  });
}

/** Prefect's get_from_dict: dots and `[i]` walk objects and lists; anything missing is undefined. */
function lookup(values: JsonRecord, name: string): JsonValue | undefined {
  let cur: JsonValue | undefined = values;
  for (const seg of placeholderPath(name)) {
    if (Array.isArray(cur) && /^-?\d+$/.test(seg)) {
      const i = Number(seg);
      // Python indexes from the end for negative numbers.
      cur = cur[i < 0 ? cur.length + i : i];
    } else if (isObject(cur) && Object.hasOwn(cur, seg)) {
      cur = cur[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}

function asText(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function checkUnsupportedPlaceholders(rendered: JsonRecord, merged: MergedJobVariables): void {
  const found = findPlaceholders(rendered).filter((p) => p.kind === "block" || p.kind === "variable");
  if (found.length === 0) return;
  // They came from a variable's value (the template itself was validated): name it if we can.
  const variable = Object.keys(merged.values).find((name) => findPlaceholders(merged.values[name]).some((p) => p.fullMatch === found[0].fullMatch));
  throw new JobTemplateRenderError(
    "UNSUPPORTED_PLACEHOLDER",
    `${found.map((p) => p.fullMatch).join(", ")}: ecsflow does not resolve Prefect blocks or variables; set the value itself${variable ? ` in job variable "${variable}"` : ""}`,
    { variable, errors: found.map((p) => ({ loc: variable ? [variable] : [], msg: `uses ${p.fullMatch}` })) },
  );
}

/** Sets `key` unless the value is absent: env and labels take only what the run has. */
function setPresent(target: Record<string, string>, key: string, value: string | null | undefined): void {
  if (value !== undefined && value !== null) setOwn(target, key, value);
}

function stamp(rendered: JsonRecord, templateConfiguration: JsonRecord, merged: MergedJobVariables, input: RenderJobTemplateInput): RenderedJobConfiguration {
  const { flowRun, flow, deployment, worker } = input;
  const feeding = (field: string) => {
    const source = templateConfiguration[field];
    const p = typeof source === "string" ? wholePlaceholder(source) : undefined;
    return p?.kind === "standard" ? placeholderPath(p.name)[0] : undefined;
  };
  function wrongType(field: string, expected: string): never {
    const variable = feeding(field);
    throw new JobTemplateRenderError(
      "INVALID_JOB_CONFIGURATION",
      `job_configuration.${field} rendered to ${JSON.stringify(rendered[field])}, but must be ${expected}${variable ? `; fix job variable "${variable}"` : "; fix the work pool's template"}`,
      { variable, errors: [{ loc: [field], msg: `must be ${expected}` }] },
    );
  }

  const userEnv = rendered.env;
  if (userEnv !== undefined && !isObject(userEnv)) wrongType("env", "an object of strings");
  const userLabels = rendered.labels;
  if (userLabels !== undefined && !isObject(userLabels)) wrongType("labels", "an object of strings");
  const name = rendered.name;
  if (name !== undefined && typeof name !== "string") wrongType("name", "a string");
  const command = rendered.command;
  if (command !== undefined && typeof command !== "string") wrongType("command", "a string");

  // env
  const env: Record<string, string> = {};
  const put = (key: string, value: string | null | undefined) => setPresent(env, key, value);
  put("PREFECT_API_URL", input.apiUrl);
  put("PREFECT_API_KEY", input.apiKey);
  put("PREFECT__WORKER_ID", worker.id);
  put("PREFECT__WORKER_NAME", worker.name);
  put("PREFECT__FLOW_ID", flowRun.flow_id);
  put("PREFECT__FLOW_NAME", flow.name);
  put("PREFECT__DEPLOYMENT_ID", flowRun.deployment_id);
  put("PREFECT__DEPLOYMENT_NAME", deployment?.name);
  const unset = new Set<string>();
  for (const [key, value] of Object.entries(userEnv ?? {})) {
    if (value === null) unset.add(key);
    else setOwn(env, key, asText(value));
  }
  const mergedEnv = merged.values.env;
  if (isObject(mergedEnv)) for (const [key, value] of Object.entries(mergedEnv)) if (value === null) unset.add(key);
  for (const key of unset) delete env[key];
  if (typeof rendered.api_key_secret_arn === "string" && rendered.api_key_secret_arn.trim() !== "") delete env.PREFECT_API_KEY;
  setOwn(env, "PREFECT__FLOW_RUN_ID", flowRun.id);
  // The OpenTelemetry convention for context in a child's environment; set last, like the run id.
  if (input.traceparent) setOwn(env, "TRACEPARENT", input.traceparent);

  // labels
  const labels: Record<string, string> = {};
  const label = (key: string, value: string | null | undefined) => setPresent(labels, key, value);
  label("prefect.io/flow-run-id", flowRun.id);
  label("prefect.io/flow-run-name", flowRun.name);
  label("ecsflow.io/version", input.version);
  label("prefect.io/work-pool-name", worker.poolName);
  label("prefect.io/work-pool-id", worker.poolId);
  label("prefect.io/worker-name", worker.name);
  label("prefect.io/flow-id", flow.id);
  label("prefect.io/flow-name", flow.name);
  if (deployment) {
    label("prefect.io/deployment-id", deployment.id);
    label("prefect.io/deployment-name", deployment.name);
    label("prefect.io/deployment-updated", deployment.updated);
  }
  for (const [key, value] of Object.entries(userLabels ?? {})) {
    if (value === null) delete labels[key];
    else setOwn(labels, key, asText(value));
  }

  const out = rendered as RenderedJobConfiguration;
  setOwn(out, "env", env);
  setOwn(out, "labels", labels);
  setOwn(out, "name", renderName(name, input) || flowRun.name);
  setOwn(out, "command", command?.trim() ? command : DEFAULT_FLOW_RUN_COMMAND);
  const unsetEnv = [...unset].filter((key) => !Object.hasOwn(env, key)).sort();
  if (unsetEnv.length > 0) setOwn(out, "unset_env", unsetEnv);
  else delete out.unset_env;
  return out;
}

/** `{{ ctx.flow.name }}` / `{{ ctx.flow_run.name }}` (any field) in the name; `$VAR` from the host. */
function renderName(name: string | undefined, input: RenderJobTemplateInput): string {
  if (!name) return "";
  const ctx: JsonRecord = { ctx: { flow: JSON.parse(JSON.stringify(input.flow)) as JsonRecord, flow_run: JSON.parse(JSON.stringify(input.flowRun)) as JsonRecord } };
  const r = applyToString(name, ctx, input.env);
  // A whole-value placeholder that finds nothing falls back to the flow run's name (Prefect would
  // keep the braces).
  return r === NOT_SET ? "" : typeof r === "string" ? r : asText(r);
}

function formatErrors(errors: TemplateError[]): string {
  return errors.map((e) => `${e.loc.join(".") || "template"} ${e.msg}`).join("; ");
}
