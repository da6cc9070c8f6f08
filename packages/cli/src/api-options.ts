import type { Command } from "commander";

/** Flags every command that talks to the API takes. */
export interface ApiFlags {
  apiUrl?: string;
  json?: boolean;
}

/** Adds `--api-url` and `--json`, so every API command accepts them the same way. */
export function withApiOptions(command: Command): Command {
  return command
    .option("--api-url <url>", "API URL (default: PREFECT_API_URL, or `ecsflow config set api.url URL`)")
    .option("--json", "print JSON to stdout (diagnostics go to stderr)");
}
