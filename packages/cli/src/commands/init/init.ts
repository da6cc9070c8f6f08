import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

const projectFile = (pool: string) => `# ecsflow.yaml: the deployments of this project. Same keys as the \`deployments:\` section of
# Prefect's prefect.yaml. Deploy with \`ecsflow deploy --all\` (or \`ecsflow deploy NAME\`).
deployments:
  - name: hello-local                 # unique within the flow
    entrypoint: flows/hello.ts:hello  # path/to/file.ts:exportedFlow, relative to this file
    description: Greets someone.
    # version: "1.0"
    tags: [example]
    parameters:                       # defaults for each run; checked against the flow's schema
      name: world
    work_pool:
      name: ${pool}                    # create it first: ecsflow work-pool create ${pool} --type process
      # work_queue_name: default
      job_variables: {}               # checked against the pool's variables, e.g. for an ecs pool:
      #   image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/flows:latest
      #   cpu: 512
      #   memory: 1024
      #   env: { LOG_LEVEL: debug }
    # schedules:                      # any number; each one of cron, interval (seconds) or rrule
    #   - cron: "0 9 * * 1-5"
    #     timezone: Europe/Paris
    #   - interval: 3600
    #   - rrule: "FREQ=WEEKLY;BYDAY=MO"
    #     active: false
    # concurrency_limit: 1            # at most this many runs of this deployment at once
`;

const exampleFlow = `import { flow, task, getRunLogger } from "ecsflow";

const greet = task({ name: "greet", retries: 2, retryDelaySeconds: 1 }, async (name: string) => {
  getRunLogger().info(\`Hello, \${name}!\`);
  return \`Hello, \${name}!\`;
});

// The parameters schema (JSON Schema) is checked before each run and drives the UI's form.
export const hello = flow(
  {
    name: "hello",
    parameters: { type: "object", properties: { name: { type: "string", default: "world" } } },
  },
  async ({ name }: { name: string }) => greet(name),
);
`;

/** `ecsflow init`: a starting point that deploys as is. */
export function init(dir: string, opts: { pool: string; force?: boolean }): void {
  const files: [string, string][] = [
    [join(dir, "ecsflow.yaml"), projectFile(opts.pool)],
    [join(dir, "flows", "hello.ts"), exampleFlow],
  ];
  const existing = files.filter(([f]) => existsSync(f)).map(([f]) => f);
  if (existing.length && !opts.force) throw new CliError(`Not overwriting ${existing.join(" and ")}; pass --force to replace.`, ExitCode.Usage);
  mkdirSync(join(dir, "flows"), { recursive: true });
  for (const [f, text] of files) {
    writeFileSync(f, text);
    process.stdout.write(`Wrote ${f}\n`);
  }
  process.stdout.write(`\nNext: ecsflow work-pool create ${opts.pool} --type process, then ecsflow deploy --all\n`);
}
