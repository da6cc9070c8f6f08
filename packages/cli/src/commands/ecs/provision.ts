import type { Command } from "commander";
import { loadSettings } from "@ecsflow/settings";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import { parsePort } from "../../parse-options.js";
import { asCliErrors, awsConnection, confirm, splitList, withAwsFlags, type AwsFlags } from "./aws-flags.js";

interface ProvisionFlags extends AwsFlags {
  pool: string;
  cluster?: string;
  image?: string;
  workerApiUrl?: string;
  createApiKeySecret?: boolean;
  apiKeySecretArn?: string;
  subnets?: string;
  securityGroups?: string;
  healthcheckPort: string;
  cloudformation?: string;
  /** commander's --no-task-events: false when given. */
  taskEvents: boolean;
}

const COLUMNS = [
  { key: "resource", header: "RESOURCE" },
  { key: "name", header: "NAME" },
  { key: "action", header: "ACTION" },
  { key: "detail", header: "DETAIL" },
];

export function registerProvision(parent: Command): void {
  withAwsFlags(
    parent
      .command("provision")
      .description("Create, idempotently, what an ECS work pool needs: cluster, log group, task-events rule and queue, roles, API key secret, the pool, and the worker as an ECS service")
      .requiredOption("--pool <name>", "work pool name (type ecs); also names the resources")
      .option("--cluster <name>", "ECS cluster (default ecsflow-<pool>; an existing one is used as is)")
      .option("--image <image>", "the worker's image", "ecsflow/ecsflow:latest")
      .option("--worker-api-url <url>", "API URL the worker uses from inside AWS (default: the --api-url)")
      .option("--create-api-key-secret", "store the API key (ECSFLOW_API_KEY / PREFECT_API_KEY) as a Secrets Manager secret for the worker")
      .option("--api-key-secret-arn <arn>", "an existing Secrets Manager secret holding the API key")
      .option("--subnets <a,b>", "the worker's and runs' subnets (default: every subnet of the default VPC)")
      .option("--security-groups <a,b>", "their security groups (default: the VPC's default)")
      .option("--healthcheck-port <port>", "port of the worker's /health inside its task", "8080")
      .option("--no-task-events", "do not create the EventBridge rule and SQS queue the worker watches its tasks through (it then polls DescribeTasks)")
      .option("--cloudformation <file>", "instead, write these resources as a CloudFormation template to FILE (- for stdout); no AWS call is made"),
  ).action(async (flags: ProvisionFlags) => {
    const out = createOutput(Boolean(flags.json));
    if (flags.createApiKeySecret && flags.apiKeySecretArn) throw new CliError("Pass either --create-api-key-secret or --api-key-secret-arn, not both.", ExitCode.Usage);
    const settings = loadSettings({ flags: { "api.url": flags.apiUrl } });
    if (flags.cloudformation !== undefined) return writeCloudFormation(flags, settings["api.url"]);
    const api = clientFromSettings(flags);
    const apiKey = settings["api.key"];
    if (flags.createApiKeySecret && !apiKey) throw new CliError("--create-api-key-secret needs the API key: set ECSFLOW_API_KEY (or PREFECT_API_KEY).", ExitCode.Usage);
    const workerApiUrl = flags.workerApiUrl ?? settings["api.url"]!;
    const connection = awsConnection(flags);
    // The worker runs in AWS: a loopback API URL only works against a local endpoint (ecs-local).
    if (!connection.endpoint && /^https?:\/\/(localhost|127\.|\[::1\])/i.test(workerApiUrl)) {
      out.warn(`Warning: the worker will use the API at ${workerApiUrl}, which it cannot reach from AWS; pass --worker-api-url with an address it can reach.`);
    }
    const { provision } = await import("@ecsflow/provision");
    const base = {
      pool: flags.pool,
      cluster: flags.cluster,
      image: flags.image,
      apiUrl: workerApiUrl,
      createApiKeySecret: flags.createApiKeySecret ? { apiKey } : undefined,
      apiKeySecretArn: flags.apiKeySecretArn,
      subnets: splitList(flags.subnets, "--subnets"),
      securityGroups: splitList(flags.securityGroups, "--security-groups"),
      healthPort: parsePort(flags.healthcheckPort, "--healthcheck-port"),
      taskEvents: flags.taskEvents,
      connection,
      api,
    };
    await asCliErrors(async () => {
      if (!flags.dryRun && !flags.yes) {
        const plan = await provision({ ...base, dryRun: true });
        out.table(plan.entries as unknown as Record<string, unknown>[], COLUMNS);
        if (plan.entries.every((e) => e.action === "exists" || e.action === "check")) return out.info("Everything is in place; nothing to do.");
        if (!(await confirm(`Apply this plan in account ${plan.accountId}, ${plan.region}?`))) throw new CliError("Not applied.", ExitCode.Rejected);
      }
      const result = await provision({ ...base, dryRun: Boolean(flags.dryRun) });
      out.result({ dryRun: result.dryRun, accountId: result.accountId, region: result.region, resources: result.entries }, () => {
        out.table(result.entries as unknown as Record<string, unknown>[], COLUMNS);
        const changed = result.entries.filter((e) => e.action === "create" || e.action === "update").length;
        out.info(result.dryRun ? `Dry run: ${changed} resource(s) would be created or changed; nothing was.` : `Done: ${changed} resource(s) created or changed. The worker runs as ECS service ${result.entries.at(-1)!.name}.`);
      });
    });
  });
}

async function writeCloudFormation(flags: ProvisionFlags, apiUrl: string | undefined): Promise<void> {
  const workerApiUrl = flags.workerApiUrl ?? apiUrl;
  if (!workerApiUrl) throw new CliError("The template needs the API URL the worker uses: pass --worker-api-url (or --api-url / PREFECT_API_URL).", ExitCode.Usage);
  const { cloudFormationTemplate } = await import("@ecsflow/provision");
  const template = cloudFormationTemplate({
    pool: flags.pool,
    cluster: flags.cluster,
    image: flags.image ?? "ecsflow/ecsflow:latest",
    apiUrl: workerApiUrl,
    // The key itself never goes into the file: the stack takes it as a NoEcho parameter.
    apiKeySecret: flags.createApiKeySecret ? "create" : flags.apiKeySecretArn ? { arn: flags.apiKeySecretArn } : undefined,
    subnets: splitList(flags.subnets, "--subnets"),
    securityGroups: splitList(flags.securityGroups, "--security-groups"),
    healthPort: parsePort(flags.healthcheckPort, "--healthcheck-port"),
    taskEvents: flags.taskEvents,
  });
  const text = JSON.stringify(template, null, 2) + "\n";
  if (flags.cloudformation === "-") {
    process.stdout.write(text);
    return;
  }
  const { writeFileSync } = await import("node:fs");
  writeFileSync(flags.cloudformation!, text);
  if (!flags.json) process.stdout.write(`Wrote the CloudFormation template to ${flags.cloudformation}.\n`);
}
