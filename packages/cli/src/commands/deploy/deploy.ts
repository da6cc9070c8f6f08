import { dirname, resolve } from "node:path";
import { ApiValidationError, EcsflowClient, ObjectNotFoundError } from "@ecsflow/client";
import type { Deployment, DeploymentCreate } from "@ecsflow/schemas";
import { validateJobVariables, type JsonRecord } from "@ecsflow/schemas";
import { loadFlowFromEntrypoint } from "@ecsflow/sdk";
import { loadSettings } from "@ecsflow/settings";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { readProjectFile, type DeploymentSpec } from "./read-project-file.js";

export interface DeployOptions {
  file: string;
  all?: boolean;
  json?: boolean;
}

interface Change {
  deployment: string;
  id: string;
  action: "created" | "updated" | "unchanged";
  changed: string[];
}

/** `ecsflow deploy`: check ecsflow.yaml locally and against each pool, then register flows and deployments. */
export async function deploy(names: string[], options: DeployOptions): Promise<void> {
  const file = resolve(options.file);
  const specs = readProjectFile(options.file);
  const selected = selectDeployments(options.file, specs, names, options.all === true);
  const settings = loadSettings();
  const apiUrl = settings["api.url"];
  if (!apiUrl) throw new CliError("No API to deploy to: set PREFECT_API_URL (or ECSFLOW_API_URL, or `ecsflow config set api.url …`).", ExitCode.Usage);
  const client = new EcsflowClient({ apiUrl, apiKey: settings["api.key"], authString: settings["api.auth_string"], userAgent: "ecsflow-cli" });
  const projectDir = dirname(file);

  // Everything is checked before anything is written, so a bad file changes nothing.
  const prepared: { spec: DeploymentSpec; flowName: string; body: Omit<DeploymentCreate, "flow_id"> }[] = [];
  const problems: string[] = [];
  for (const spec of selected) {
    const where = (field: string) => `${options.file}: deployment '${spec.name}': ${field}`;
    const path = resolve(projectDir, spec.path ?? ".");
    let flowName: string;
    let schema: Record<string, unknown> | undefined;
    try {
      const definition = await loadFlowFromEntrypoint(spec.entrypoint, path);
      flowName = definition.options.name;
      schema = definition.options.parameters;
    } catch (err) {
      problems.push(where(`entrypoint: ${err instanceof Error ? err.message : String(err)}`));
      continue;
    }
    if (schema) {
      // Defaults may be partial (a run can supply the rest), so `required` is not checked here.
      const { validateParameters } = await import("@ecsflow/sdk");
      await validateParameters(flowName, { ...schema, required: [] }, spec.parameters).catch((err: { issues?: string[]; message: string }) =>
        (err.issues ?? [err.message]).forEach((i) => problems.push(where(`parameters.${i}`))),
      );
    }
    try {
      const pool = await client.readWorkPool(spec.work_pool.name);
      const variables = (pool.base_job_template as { variables?: JsonRecord } | undefined)?.variables;
      if (variables) {
        for (const e of validateJobVariables(variables, spec.work_pool.job_variables as JsonRecord, { ignoreRequired: true })) {
          problems.push(where(`work_pool.job_variables${e.loc.length ? `.${e.loc.join(".")}` : ""}: ${e.msg} (pool '${spec.work_pool.name}')`));
        }
      }
    } catch (err) {
      if (err instanceof ObjectNotFoundError) problems.push(where(`work_pool.name: no work pool named '${spec.work_pool.name}' (create it with \`ecsflow work-pool create ${spec.work_pool.name} --type process\` or fix the name)`));
      else throw err;
    }
    prepared.push({
      spec,
      flowName,
      body: {
        name: spec.name,
        entrypoint: spec.entrypoint,
        path,
        description: spec.description ?? null,
        version: spec.version ?? null,
        tags: spec.tags,
        parameters: spec.parameters,
        parameter_openapi_schema: schema ?? { type: "object", properties: {} },
        ...(spec.enforce_parameter_schema !== undefined ? { enforce_parameter_schema: spec.enforce_parameter_schema } : {}),
        work_pool_name: spec.work_pool.name,
        work_queue_name: spec.work_pool.work_queue_name ?? null,
        job_variables: spec.work_pool.job_variables,
        schedules: spec.schedules.map((s) => ({ schedule: s.schedule, active: s.active })),
        concurrency_limit: spec.concurrency_limit ?? null,
      },
    });
  }
  if (problems.length) throw new CliError(`Nothing was deployed; ${problems.length} problem(s):\n  ${problems.join("\n  ")}`, ExitCode.Rejected);

  const changes: Change[] = [];
  for (const { spec, flowName, body } of prepared) {
    const flow = await client.createFlow(flowName);
    const before = await client.readDeploymentByName(flowName, spec.name).catch((err) => {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    });
    let after: Deployment;
    try {
      after = await client.createDeployment({ ...body, flow_id: flow.id });
    } catch (err) {
      if (err instanceof ApiValidationError) {
        // The server can still refuse what passed the checks above (the pool's template changed
        // meanwhile, or a rule only the server knows): undo this run's writes, then say why.
        const undone = await undoCreated(client, changes);
        const fields = err.fieldMessages.map((m) => m.replace(/^body\./, "").replace(/^job_variables/, "work_pool.job_variables"));
        throw new CliError(`${options.file}: deployment '${spec.name}': the server refused it:\n  ${(fields.length ? fields : [err.message]).join("\n  ")}\n${undone}`, ExitCode.Rejected);
      }
      throw err;
    }
    const changed = before ? changedFields(before, after) : [];
    changes.push({ deployment: `${flowName}/${spec.name}`, id: after.id, action: !before ? "created" : changed.length ? "updated" : "unchanged", changed });
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(changes, null, 2)}\n`);
    return;
  }
  for (const c of changes) {
    const detail = c.action === "updated" ? ` (${c.changed.join(", ")})` : "";
    process.stdout.write(`${c.action === "created" ? "Created" : c.action === "updated" ? "Updated" : "Unchanged"} deployment '${c.deployment}'${detail}\n`);
  }
  process.stdout.write(`\nRun one with: ecsflow deployment run '${changes[0]?.deployment ?? "flow/deployment"}'\n`);
}

/** Deletes the deployments this run created before a refusal; says what could not be undone. */
async function undoCreated(client: EcsflowClient, changes: Change[]): Promise<string> {
  const notes: string[] = [];
  for (const c of changes.filter((x) => x.action === "created")) {
    await client.deleteDeployment(c.id).catch((err: unknown) => notes.push(`could not remove '${c.deployment}', created before the refusal (${err instanceof Error ? err.message : String(err)})`));
  }
  const updated = changes.filter((c) => c.action === "updated").map((c) => `'${c.deployment}'`);
  if (updated.length) notes.push(`already updated before the refusal (deploy again once it is fixed): ${updated.join(", ")}`);
  return notes.length ? `Partly deployed: ${notes.join("; ")}.` : "Nothing was deployed.";
}

function selectDeployments(file: string, specs: DeploymentSpec[], names: string[], all: boolean): DeploymentSpec[] {
  if (all && names.length) throw new CliError("Give deployment names or --all, not both.", ExitCode.Usage);
  if (all) return specs;
  if (names.length === 0) {
    if (specs.length === 1) return specs;
    throw new CliError(`${file} declares ${specs.length} deployments (${specs.map((s) => s.name).join(", ")}): name the ones to deploy, or pass --all.`, ExitCode.Usage);
  }
  const missing = names.filter((n) => !specs.some((s) => s.name === n));
  if (missing.length) throw new CliError(`${file} has no deployment named ${missing.map((m) => `'${m}'`).join(", ")}; it declares: ${specs.map((s) => s.name).join(", ")}.`, ExitCode.Usage);
  return specs.filter((s) => names.includes(s.name));
}

const COMPARED = ["description", "version", "tags", "parameters", "parameter_openapi_schema", "entrypoint", "path", "work_pool_name", "work_queue_name", "job_variables", "concurrency_limit", "enforce_parameter_schema"] as const;

function changedFields(before: Deployment, after: Deployment): string[] {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const out: string[] = COMPARED.filter((k) => JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null));
  // Compared as a set (the API may return them in another order), without the anchor date an
  // interval schedule gets from the server when the file gives none (it is "now" at each deploy).
  const sched = (d: Record<string, unknown>) =>
    JSON.stringify(
      ((d.schedules as { schedule: Record<string, unknown>; active: boolean }[] | undefined) ?? [])
        .map((s) => {
          const { anchor_date: _anchor, ...rest } = s.schedule;
          return JSON.stringify([rest, s.active]);
        })
        .sort(),
    );
  if (sched(b) !== sched(a)) out.push("schedules");
  return out;
}
