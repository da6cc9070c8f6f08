import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import type { AwsConnection } from "@ecsflow/provision";
import { loadSettings } from "@ecsflow/settings";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

export interface AwsFlags {
  region?: string;
  awsEndpointUrl?: string;
  apiUrl?: string;
  json?: boolean;
  yes?: boolean;
  dryRun?: boolean;
}

/** The flags `ecs provision` and `ecs teardown` share. */
export function withAwsFlags(command: Command): Command {
  return command
    .option("--region <region>", "AWS Region (default: ECSFLOW_AWS_REGION, else the SDK's AWS_REGION / profile)")
    .option("--aws-endpoint-url <url>", "send every AWS call here, e.g. ecs-local's http://127.0.0.1:4566 (env ECSFLOW_AWS_ENDPOINT_URL)")
    .option("--api-url <url>", "ecsflow API URL (default: PREFECT_API_URL, or `ecsflow config set api.url URL`)")
    .option("--dry-run", "print the plan (what exists, what would be created or changed) and change nothing")
    .option("--yes", "apply without asking")
    .option("--json", "print JSON to stdout (diagnostics go to stderr)");
}

/** Credentials: the AWS SDK's default chain (environment, profile, SSO, instance or task role). */
export function awsConnection(flags: AwsFlags): AwsConnection {
  const settings = loadSettings({ flags: { "aws.region": flags.region, "aws.endpoint_url": flags.awsEndpointUrl } });
  const endpoint = settings["aws.endpoint_url"];
  if (endpoint !== undefined && !/^https?:\/\//i.test(endpoint)) throw new CliError(`--aws-endpoint-url "${endpoint}" must start with http:// or https://.`, ExitCode.Usage);
  return { region: settings["aws.region"], endpoint };
}

export const splitList = (value: string | undefined, flag: string): string[] | undefined => {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new CliError(`${flag} names no ids.`, ExitCode.Usage);
  return items;
};

/** Without --yes, only a person at a terminal can say yes; a script must pass it. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CliError("Not applying without confirmation: pass --yes (or --dry-run to only see the plan).", ExitCode.Usage);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** ProvisionError → the CLI's exit codes: 4 when AWS or the API did not answer, else 3. */
export async function asCliErrors<T>(work: () => Promise<T>): Promise<T> {
  const { ProvisionError } = await import("@ecsflow/provision");
  try {
    return await work();
  } catch (err) {
    if (err instanceof ProvisionError) throw new CliError(err.message, err.unreachable ? ExitCode.Unreachable : ExitCode.Rejected, { cause: err });
    throw err;
  }
}
