import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";

interface LsFlags extends ApiFlags {
  limit: string;
}

export function registerFlowLs(parent: Command): void {
  withApiOptions(parent.command("ls").description("List flows, newest first").option("--limit <n>", "at most this many (max 200)", "15")).action(async (flags: LsFlags) => {
    const out = createOutput(Boolean(flags.json));
    const flows = await clientFromSettings(flags).filterFlows({ sort: "CREATED_DESC", limit: parseInteger(flags.limit, "--limit", 1) });
    out.result(flows, () =>
      out.table(
        flows.map((f) => ({ id: f.id, name: f.name, created: f.created })),
        [
          { key: "id", header: "ID" },
          { key: "name", header: "NAME" },
          { key: "created", header: "CREATED" },
        ],
      ),
    );
  });
}
