import type { Command } from "commander";
import type { Log } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { formatLog } from "../../format-run.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";
import { watchFlowRun } from "../../watch-flow-run.js";
import { resolveFlowRun } from "./resolve-flow-run.js";

interface LogsFlags extends ApiFlags {
  follow?: boolean;
  tail?: string;
}

const PAGE = 200;

export function registerFlowRunLogs(parent: Command): void {
  withApiOptions(
    parent
      .command("logs")
      .description("Print a flow run's logs; with --follow, keep printing new lines until the run ends")
      .argument("<run>", "flow run id or name")
      .option("-f, --follow", "stream new logs until the run reaches a final state (with --json: one JSON object a line)")
      .option("-n, --tail <n>", "only the last n lines (before following)"),
  ).action(async (ref: string, flags: LogsFlags) => {
    const out = createOutput(Boolean(flags.json));
    const tail = flags.tail === undefined ? undefined : parseInteger(flags.tail, "--tail", 1);
    if (tail !== undefined && flags.follow) throw new CliError("--tail and --follow do not combine: --follow prints the whole log, then new lines.", ExitCode.Usage);
    const client = clientFromSettings(flags);
    const run = await resolveFlowRun(client, ref);
    if (flags.follow) {
      // Streaming: JSON Lines with --json, since one array could only be printed at the end.
      const print = (log: Log) => (out.json ? process.stdout.write(JSON.stringify(log) + "\n") : out.info(formatLog(log)));
      const final = await watchFlowRun(client, run.id, { onLog: print });
      out.warn(`Flow run '${final.name}' ended ${final.state_type}.`);
      return;
    }
    const logs: Log[] = [];
    if (tail !== undefined) {
      // The newest n, then back in time order.
      const newest = await client.filterLogs({ logs: { flow_run_id: { any_: [run.id] } }, sort: "TIMESTAMP_DESC", limit: Math.min(tail, PAGE) });
      logs.push(...newest.reverse());
    } else {
      for (let offset = 0; ; offset += PAGE) {
        const page = await client.filterLogs({ logs: { flow_run_id: { any_: [run.id] } }, sort: "TIMESTAMP_ASC", limit: PAGE, offset });
        logs.push(...page);
        if (page.length < PAGE) break;
      }
    }
    out.result(logs, () => {
      for (const log of logs) out.info(formatLog(log));
      if (logs.length === 0) out.warn(`Flow run '${run.name}' has no logs yet.`);
    });
  });
}
