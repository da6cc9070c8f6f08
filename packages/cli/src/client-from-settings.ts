import { EcsflowClient } from "@ecsflow/client";
import { loadSettings } from "@ecsflow/settings";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/**
 * The API client of a CLI command, connected as Prefect users expect: `--api-url` > environment
 * (`PREFECT_API_URL`, `PREFECT_API_KEY`, `PREFECT_API_AUTH_STRING`, or their `ECSFLOW_*` forms) >
 * the profile file (`ecsflow config set api.url …`). The first retry is announced on stderr so a
 * slow or unreachable server is never silent.
 */
export function clientFromSettings(flags: { apiUrl?: string }, stderr: NodeJS.WritableStream = process.stderr): EcsflowClient {
  const settings = loadSettings({ flags: { "api.url": flags.apiUrl } });
  const apiUrl = settings["api.url"];
  if (!apiUrl) {
    throw new CliError("No API URL: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api), pass --api-url, or run `ecsflow config set api.url URL`.", ExitCode.Usage);
  }
  if (!/^https?:\/\//i.test(apiUrl)) {
    throw new CliError(`The API URL "${apiUrl}" must start with http:// or https:// (e.g. http://127.0.0.1:4200/api).`, ExitCode.Usage);
  }
  let announced = false;
  return new EcsflowClient({
    apiUrl,
    apiKey: settings["api.key"],
    authString: settings["api.auth_string"],
    userAgent: "ecsflow-cli",
    onRetry: (info) => {
      if (announced) return;
      announced = true;
      stderr.write(`The API at ${apiUrl} did not answer ${info.method} ${info.path} (${info.reason}); retrying…\n`);
    },
  });
}
