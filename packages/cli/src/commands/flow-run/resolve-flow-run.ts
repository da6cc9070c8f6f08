import type { EcsflowClient } from "@ecsflow/client";
import type { FlowRun } from "@ecsflow/schemas";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { orNotFound } from "../../or-not-found.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HINT = "Run `ecsflow flow-run ls` to see recent runs.";

/** A flow run by id or, as in Prefect's CLI, by its (generated) name when that name is unique. */
export async function resolveFlowRun(client: EcsflowClient, ref: string): Promise<FlowRun> {
  if (UUID.test(ref)) return orNotFound(client.readFlowRun(ref), `Flow run ${ref}`, HINT);
  const runs = await client.filterFlowRuns({ flow_runs: { name: { any_: [ref] } }, limit: 20 });
  if (runs.length === 0) throw new CliError(`Flow run "${ref}" not found. ${HINT}`, ExitCode.Rejected);
  if (runs.length > 1) {
    const list = runs.map((r) => `  ${r.id}  ${r.state_type ?? ""}  ${r.created}`).join("\n");
    throw new CliError(`Several flow runs are named "${ref}"; give one by id:\n${list}`, ExitCode.Usage);
  }
  return runs[0];
}
