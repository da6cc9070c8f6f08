import type { Command } from "commander";
import type { FlowRun } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { formatLog, formatStateChange } from "../../format-run.js";
import { createOutput } from "../../output.js";
import { collect, parseJsonObject, parseKeyValues } from "../../parse-key-value.js";
import { parsePositiveNumber } from "../../parse-options.js";
import { watchFlowRun, WatchTimeoutError } from "../../watch-flow-run.js";
import { resolveDeployment } from "./resolve-deployment.js";

const NO_WORKER_HINT_MS = 15_000;

interface RunFlags extends ApiFlags {
  param?: string[];
  params?: string;
  jobVariable?: string[];
  tag?: string[];
  flowRunName?: string;
  watch?: boolean;
  watchTimeout?: string;
}

export function registerDeploymentRun(parent: Command): void {
  withApiOptions(
    parent
      .command("run")
      .description("Start a run of a deployment now; with --watch, follow its states and logs and exit 0 only if it COMPLETED (5 otherwise)")
      .argument("<deployment>", "FLOW/DEPLOYMENT or id")
      .option("-p, --param <key=value>", "a flow parameter; the value is read as JSON when it parses (repeatable)", collect)
      .option("--params <json>", "flow parameters as one JSON object (--param wins on a shared key)")
      .option("-j, --job-variable <key=value>", "a job variable overriding the work pool's template, e.g. cpu=1024 (repeatable)", collect)
      .option("-t, --tag <tag>", "a tag for the run (repeatable)", collect)
      .option("--flow-run-name <name>", "name of the run (default: generated)")
      .option("-w, --watch", "follow the run until it ends")
      .option("--watch-timeout <s>", "with --watch, stop after this many seconds (exit 5; the run continues)"),
  ).action(async (ref: string, flags: RunFlags) => {
    const out = createOutput(Boolean(flags.json));
    // Check every flag before anything is created.
    const parameters = { ...(flags.params !== undefined ? parseJsonObject(flags.params, "--params") : {}), ...parseKeyValues(flags.param ?? [], "--param") };
    const jobVariables = parseKeyValues(flags.jobVariable ?? [], "--job-variable");
    const timeoutMs = flags.watchTimeout === undefined ? undefined : parsePositiveNumber(flags.watchTimeout, "--watch-timeout") * 1000;
    const client = clientFromSettings(flags);
    const deployment = await resolveDeployment(client, ref);
    const run = await client.createFlowRunFromDeployment(deployment.id, {
      parameters,
      ...(Object.keys(jobVariables).length ? { job_variables: jobVariables } : {}),
      ...(flags.tag?.length ? { tags: flags.tag } : {}),
      ...(flags.flowRunName ? { name: flags.flowRunName } : {}),
    });
    if (!flags.watch) {
      out.result(run, () =>
        out.info(
          `Created flow run '${run.name}' (${run.id}) of deployment "${ref}": ${run.state?.name ?? run.state_type}.\n` +
            `A worker of work pool "${run.work_pool_name ?? deployment.work_pool_name ?? "?"}" will start it. Follow it: ecsflow flow-run logs ${run.id} --follow`,
        ),
      );
      return;
    }
    // People read progress on stdout; with --json it goes to stderr so stdout holds only the final run.
    const say = (line: string) => (out.json ? out.warn(line) : out.info(line));
    say(`Created flow run '${run.name}' (${run.id}) of deployment "${ref}"; watching it (Ctrl-C stops watching, not the run).`);
    // A run nobody takes waits silently forever; after a while, say what is probably missing.
    const hintAt = Date.now() + NO_WORKER_HINT_MS;
    let hinted = false;
    const onPoll = (r: FlowRun) => {
      if (hinted || r.state_type !== "SCHEDULED" || Date.now() < hintAt) return;
      hinted = true;
      const pool = r.work_pool_name ?? deployment.work_pool_name;
      out.warn(`Still SCHEDULED after ${NO_WORKER_HINT_MS / 1000} s: is a worker polling work pool "${pool}"? Start one with: ecsflow worker start --pool ${pool}`);
    };
    let final;
    try {
      final = await watchFlowRun(client, run.id, { timeoutMs, onPoll, onState: (s, r) => say(formatStateChange(s, r)), onLog: (l) => say(formatLog(l)) });
    } catch (err) {
      if (err instanceof WatchTimeoutError) throw new CliError(err.message, ExitCode.RunNotCompleted);
      throw err;
    }
    out.result(final, () => undefined);
    if (final.state_type !== "COMPLETED") {
      const why = final.state?.message ? `: ${final.state.message}` : "";
      throw new CliError(`Flow run '${final.name}' (${final.id}) ended ${final.state_type}${why}`, ExitCode.RunNotCompleted);
    }
    say(`Flow run '${final.name}' completed.`);
  });
}
