import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JsonRecord } from "../../packages/schemas/src/index.js";
import { SubmissionError } from "../../packages/worker/src/errors.js";
import { parseCommand } from "../../packages/worker/src/infrastructure/process/parse-command.js";
import { ProcessRunner } from "../../packages/worker/src/infrastructure/process/process-runner.js";
import { renderJobTemplate, type RenderJobTemplateInput } from "../../packages/worker/src/render-job-template.js";

// Job variables are data, never code: a value holding shell syntax, template syntax or an address
// the template did not name is rendered as the literal text it is, becomes at most one argument of
// the command the template wrote, and the process starts without a shell.

const FLOW_RUN = { id: "0b4f1c9e-1111-4a8a-9c1e-000000000001", name: "run", flow_id: "0b4f1c9e-2222-4a8a-9c1e-000000000002", deployment_id: null };
const METADATA = "http://169.254.169.254/latest/meta-data/iam/security-credentials/";
const HOSTILE = ["; rm -rf /", "$(id)", "`id`", "a b --inspect", "x' 'y", '"q" \\', "| tee out", "&& id", "> /tmp/out", "$HOME", "*", "#comment"];

function input(job_configuration: JsonRecord, properties: JsonRecord, values: JsonRecord, env: Record<string, string> = {}): RenderJobTemplateInput {
  return {
    baseJobTemplate: { job_configuration, variables: { type: "object", properties } },
    flowRunJobVariables: values,
    env,
    flowRun: FLOW_RUN,
    flow: { id: FLOW_RUN.flow_id, name: "f" },
    worker: { name: "w", poolName: "p", poolType: "process" },
    apiUrl: "http://api.test/api",
  };
}

const strings = (names: string[]) => Object.fromEntries(names.map((n) => [n, { type: "string" }]));

afterEach(() => vi.restoreAllMocks());

describe("job template rendering with hostile values", () => {
  it("keeps each value inside a command one literal argument, and the process gets exactly those arguments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-inject-"));
    const script = join(dir, "argv.cjs");
    writeFileSync(script, "process.stdout.write(JSON.stringify(process.argv.slice(2)))");
    const names = HOSTILE.map((_, i) => `v${i}`);
    const command = `node ${script} ${names.map((n) => `{{ ${n} }}`).join(" ")} --end`;
    const values = Object.fromEntries(names.map((n, i) => [n, HOSTILE[i]]));
    const rendered = renderJobTemplate(input({ command }, strings(names), values));
    const argv = parseCommand(rendered.command);
    expect(argv).toEqual(["node", script, ...HOSTILE, "--end"]);

    // Started for real: no shell, so the child sees the same words and nothing else ran.
    const runner = new ProcessRunner();
    let out = "";
    const { exited } = await runner.start({ argv: [process.execPath, ...argv.slice(1)], env: { PATH: process.env.PATH ?? "" }, cwd: dir, streamOutput: true }, (line) => (out += line));
    expect(await exited).toEqual({ exitCode: 0, signal: null });
    expect(JSON.parse(out)).toEqual([...HOSTILE, "--end"]);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("refuses a whole command that uses shell operators instead of dropping or running them", () => {
    for (const command of ["echo a; rm -rf /", "echo $(id)", "echo a | tee /tmp/x", "echo a && id", "echo a > /tmp/x"]) {
      const rendered = renderJobTemplate(input({ command: "{{ command }}" }, strings(["command"]), { command }));
      expect(() => parseCommand(rendered.command), command).toThrow(SubmissionError);
      expect(() => parseCommand(rendered.command)).toThrow(/shell operator .*sh -c/);
    }
    // Backticks mean nothing without a shell: a literal word.
    expect(parseCommand(renderJobTemplate(input({ command: "{{ command }}" }, strings(["command"]), { command: "echo `id`" })).command)).toEqual(["echo", "`id`"]);
  });

  it("never renders template syntax found inside a value: {{ other }}, {{ $HOST_VAR }}, nested ones", () => {
    const env = { AWS_SECRET_ACCESS_KEY: "host-secret", HOME: "/home/worker" };
    const rendered = renderJobTemplate(
      input(
        { command: "run {{ a }}", env: { A: "{{ a }}", B: "prefix {{ b }}", C: "{{ c }}" }, labels: { l: "{{ d }}" } },
        strings(["a", "b", "c", "d"]),
        { a: "{{ d }}", b: "{{ $AWS_SECRET_ACCESS_KEY }}", c: "{{ {{ d }} }}", d: "D" },
        env,
      ),
    );
    expect(rendered.env).toMatchObject({ A: "{{ d }}", B: "prefix {{ $AWS_SECRET_ACCESS_KEY }}", C: "{{ {{ d }} }}" });
    expect(rendered.labels.l).toBe("D");
    expect(parseCommand(rendered.command)).toEqual(["run", "{{ d }}"]);
    // The host's secret reached nothing: only the template itself may name host variables.
    expect(JSON.stringify(rendered)).not.toContain("host-secret");
  });

  it("puts a metadata-address URL only where the template named that variable, and fetches nothing", () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const rendered = renderJobTemplate(
      input({ command: "ecsflow flow-run execute", env: { SOURCE: "{{ source }}" }, image: "{{ image }}", stream_output: "{{ stream_output }}" }, { ...strings(["source", "image"]), stream_output: { type: "boolean" } }, { source: METADATA, image: `busybox {{ $AWS_CONTAINER_CREDENTIALS_FULL_URI }} ${METADATA}` }, { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/creds" }),
    );
    expect(rendered.env.SOURCE).toBe(METADATA);
    expect(rendered.image).toBe(`busybox {{ $AWS_CONTAINER_CREDENTIALS_FULL_URI }} ${METADATA}`);
    expect(JSON.stringify(rendered).split("169.254.169.254").length - 1).toBe(2);
    expect(JSON.stringify(rendered)).not.toContain("169.254.170.2");
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("rejects a variable whose value is not of the declared type rather than coercing hostile input", () => {
    expect(() => renderJobTemplate(input({ stream_output: "{{ stream_output }}" }, { stream_output: { type: "boolean" } }, { stream_output: "true; id" }))).toThrow(/stream_output/);
  });
});
