import type { Kysely } from "kysely";
import { validateJobVariables, type JsonRecord } from "@ecsflow/schemas";
import type { DB } from "../../database/index.js";
import { ValidationFailedError } from "../../errors.js";
import { parseJson } from "../shared/json-columns.js";

/**
 * Checks job variables against the variables schema of a pool's base job template, so a bad value
 * (a string for `cpu`, an unknown launch type) is refused when it is written, not discovered when
 * a worker tries to start the run. Deployments skip `required` (a run may still supply them);
 * runs of a deployment are checked with the deployment's variables merged in, `required` included.
 * A pool without a template (`{}`) has nothing to check against.
 */
export async function assertJobVariablesFitPool(
  db: Kysely<DB>,
  workPoolId: string | null | undefined,
  jobVariables: Record<string, unknown> | null | undefined,
  options: { ignoreRequired: boolean; loc?: (string | number)[] },
): Promise<void> {
  if (!workPoolId || !jobVariables) return;
  const pool = await db.selectFrom("work_pool").select(["name", "base_job_template"]).where("id", "=", workPoolId).executeTakeFirst();
  if (!pool) return;
  const template = parseJson<{ variables?: JsonRecord }>(pool.base_job_template, {});
  if (!template.variables) return;
  const errors = validateJobVariables(template.variables, jobVariables as never, { ignoreRequired: options.ignoreRequired });
  if (errors.length === 0) return;
  const loc = options.loc ?? ["body", "job_variables"];
  throw new ValidationFailedError(
    `Job variables do not fit work pool "${pool.name}"`,
    errors.map((e) => ({ loc: [...loc, ...e.loc], msg: `${e.msg} (work pool "${pool.name}")`, type: "value_error" })),
  );
}
