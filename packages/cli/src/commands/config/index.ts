import type { Command } from "commander";
import { SETTING_DEFINITIONS, defaultProfilePath, isSettingKey, loadSettings, readProfile, redactSettings, writeProfileValue } from "@ecsflow/settings";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";

export function registerConfig(program: Command): void {
  const config = program.command("config").description("Read and write settings in the profile file (~/.ecsflow/config.json)");

  config
    .command("set")
    .description("Set a setting in the profile, e.g. `ecsflow config set api.url http://127.0.0.1:4200/api`")
    .argument("<key>", "setting key (see `ecsflow config ls`)")
    .argument("<value>", "value")
    .action((key: string, value: string) => {
      if (!isSettingKey(key)) throw new CliError(`Unknown setting "${key}". Run \`ecsflow config ls\` to see the settings.`, ExitCode.Usage);
      const path = defaultProfilePath();
      writeProfileValue(path, key, value);
      process.stdout.write(`Set ${key} in ${path}\n`);
    });

  config
    .command("unset")
    .description("Remove a setting from the profile")
    .argument("<key>", "setting key")
    .action((key: string) => {
      if (!isSettingKey(key)) throw new CliError(`Unknown setting "${key}". Run \`ecsflow config ls\` to see the settings.`, ExitCode.Usage);
      const path = defaultProfilePath();
      writeProfileValue(path, key, undefined);
      process.stdout.write(`Removed ${key} from ${path}\n`);
    });

  config
    .command("ls")
    .description("Show every setting with its resolved value (secrets masked) and where it can be set")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const out = createOutput(Boolean(opts.json));
      const settings = redactSettings(loadSettings());
      const profile = readProfile(defaultProfilePath());
      const rows = Object.entries(SETTING_DEFINITIONS).map(([key, def]) => ({
        key,
        value: settings[key] ?? "",
        env: def.env.join(", "),
        in_profile: key in profile ? "yes" : "",
      }));
      out.result(settings, () =>
        out.table(rows, [
          { key: "key", header: "SETTING" },
          { key: "value", header: "VALUE" },
          { key: "env", header: "ENVIRONMENT" },
          { key: "in_profile", header: "PROFILE" },
        ]),
      );
    });
}
