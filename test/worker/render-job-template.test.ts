import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ecsDefaultBaseJobTemplate, processDefaultBaseJobTemplate, type JsonRecord, type JsonValue } from "../../packages/schemas/src/index.js";
import { JobTemplateRenderError } from "../../packages/worker/src/errors.js";
import { DEFAULT_FLOW_RUN_COMMAND, renderJobTemplate, type RenderJobTemplateInput } from "../../packages/worker/src/render-job-template.js";

const FLOW_RUN = { id: "0b4f1c9e-1111-4a8a-9c1e-000000000001", name: "crimson-heron", flow_id: "0b4f1c9e-2222-4a8a-9c1e-000000000002", deployment_id: "0b4f1c9e-3333-4a8a-9c1e-000000000003" };
const FLOW = { id: FLOW_RUN.flow_id, name: "etl" };
const DEPLOYMENT = { id: FLOW_RUN.deployment_id, name: "nightly", updated: "2026-01-02T03:04:05+00:00" };
const WORKER = { name: "worker-1", id: "0b4f1c9e-4444-4a8a-9c1e-000000000004", poolName: "my-ecs-pool", poolId: "0b4f1c9e-5555-4a8a-9c1e-000000000005" };
const STAMPED = ["env", "labels", "name", "command"];

function baseInput(over: Partial<RenderJobTemplateInput> = {}): RenderJobTemplateInput {
  return {
    baseJobTemplate: {},
    env: {},
    flowRun: FLOW_RUN,
    deployment: DEPLOYMENT,
    flow: FLOW,
    worker: WORKER,
    apiUrl: "http://api.test/api",
    ...over,
  };
}

const template = (job_configuration: JsonRecord, properties: JsonRecord, extra: JsonRecord = {}): JsonRecord => ({
  job_configuration,
  variables: { type: "object", properties, ...extra },
});

/** The rendered configuration without the four stamped fields. */
function unstamped(config: JsonRecord): JsonRecord {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !STAMPED.includes(k)));
}

// Property schemas used across the table.
const P: JsonRecord = {
  image: { type: "string" },
  cpu: { type: "integer" },
  ratio: { type: "number" },
  flag: { type: "boolean" },
  obj: { type: "object" },
  list: { type: "array" },
  net: { type: "object" },
  any: {},
  with_default: { type: "string", default: "from-default" },
  int_default: { type: "integer", default: 300 },
  false_default: { type: "boolean", default: false },
};

interface Case {
  title: string;
  jc: JsonRecord;
  deployment?: JsonRecord;
  flowRun?: JsonRecord;
  pool?: JsonRecord;
  hostEnv?: Record<string, string>;
  expected: JsonRecord;
}

const CASES: Case[] = [
  // whole-value placeholders keep the value's JSON type
  { title: "a string variable", jc: { v: "{{ image }}" }, deployment: { image: "repo/app:1" }, expected: { v: "repo/app:1" } },
  { title: "an integer keeps its type", jc: { v: "{{ cpu }}" }, deployment: { cpu: 512 }, expected: { v: 512 } },
  { title: "a fraction keeps its type", jc: { v: "{{ ratio }}" }, deployment: { ratio: 0.25 }, expected: { v: 0.25 } },
  { title: "true keeps its type", jc: { v: "{{ flag }}" }, deployment: { flag: true }, expected: { v: true } },
  { title: "false is a value, not unset", jc: { v: "{{ flag }}" }, deployment: { flag: false }, expected: { v: false } },
  { title: "zero is a value, not unset", jc: { v: "{{ cpu }}" }, deployment: { cpu: 0 }, expected: { v: 0 } },
  { title: "an empty string is a value, not unset", jc: { v: "{{ image }}" }, deployment: { image: "" }, expected: { v: "" } },
  { title: "an object keeps its shape", jc: { v: "{{ obj }}" }, deployment: { obj: { a: { b: [1, "x"] } } }, expected: { v: { a: { b: [1, "x"] } } } },
  { title: "a list keeps its shape", jc: { v: "{{ list }}" }, deployment: { list: [1, { a: 2 }, [3]] }, expected: { v: [1, { a: 2 }, [3]] } },
  { title: "no spaces inside the braces", jc: { v: "{{cpu}}" }, deployment: { cpu: 1 }, expected: { v: 1 } },
  { title: "extra spaces inside the braces", jc: { v: "{{    cpu   }}" }, deployment: { cpu: 1 }, expected: { v: 1 } },

  // unset placeholders remove their key or list item
  { title: "an unset variable removes its key", jc: { v: "{{ image }}", keep: "x" }, expected: { keep: "x" } },
  { title: "a null variable removes its key", jc: { v: "{{ image }}", keep: "x" }, deployment: { image: null }, expected: { keep: "x" } },
  { title: "a null flow-run variable unsets the deployment's", jc: { v: "{{ image }}" }, deployment: { image: "a" }, flowRun: { image: null }, expected: {} },
  { title: "a null variable unsets the template default", jc: { v: "{{ with_default }}" }, deployment: { with_default: null }, expected: {} },
  { title: "unset list items are dropped", jc: { v: ["{{ image }}", "{{ cpu }}", "lit", "{{ flag }}"] }, deployment: { cpu: 2, flag: false }, expected: { v: [2, "lit", false] } },
  { title: "a list whose items are all unset becomes empty", jc: { v: ["{{ image }}"] }, expected: { v: [] } },
  { title: "unset keys inside nested objects are removed", jc: { a: { b: { c: "{{ image }}", d: 1 } } }, expected: { a: { b: { d: 1 } } } },

  // defaults and layers
  { title: "a schema default applies when nothing sets the variable", jc: { v: "{{ with_default }}", n: "{{ int_default }}", f: "{{ false_default }}" }, expected: { v: "from-default", n: 300, f: false } },
  { title: "the pool layer overrides the default", jc: { v: "{{ with_default }}" }, pool: { with_default: "pool" }, expected: { v: "pool" } },
  { title: "the deployment overrides the pool", jc: { v: "{{ with_default }}" }, pool: { with_default: "pool" }, deployment: { with_default: "dep" }, expected: { v: "dep" } },
  { title: "the flow run overrides the deployment", jc: { v: "{{ with_default }}" }, deployment: { with_default: "dep" }, flowRun: { with_default: "run" }, expected: { v: "run" } },
  { title: "objects other than env are replaced whole, not merged", jc: { v: "{{ obj }}" }, deployment: { obj: { a: 1, b: 2 } }, flowRun: { obj: { b: 3 } }, expected: { v: { b: 3 } } },

  // placeholders inside text
  { title: "text around a string", jc: { v: "{{ image }}:latest" }, deployment: { image: "repo/app" }, expected: { v: "repo/app:latest" } },
  { title: "text around an integer", jc: { v: "cpu-{{ cpu }}" }, deployment: { cpu: 512 }, expected: { v: "cpu-512" } },
  { title: "text around a boolean is JSON text", jc: { v: "flag={{ flag }}" }, deployment: { flag: true }, expected: { v: "flag=true" } },
  { title: "text around an object is JSON", jc: { v: "cfg={{ obj }}" }, deployment: { obj: { a: 1 } }, expected: { v: 'cfg={"a":1}' } },
  { title: "text around a list is JSON", jc: { v: "l={{ list }}" }, deployment: { list: [1, "a"] }, expected: { v: 'l=[1,"a"]' } },
  { title: "an unset variable inside text becomes empty", jc: { v: "a-{{ image }}-b" }, expected: { v: "a--b" } },
  { title: "two placeholders in one string", jc: { v: "{{ image }}@{{ cpu }}" }, deployment: { image: "i", cpu: 2 }, expected: { v: "i@2" } },
  { title: "the same placeholder twice is one string", jc: { v: "{{ cpu }}{{ cpu }}" }, deployment: { cpu: 7 }, expected: { v: "77" } },
  { title: "two spellings of one placeholder", jc: { v: "{{cpu}}/{{ cpu }}" }, deployment: { cpu: 7 }, expected: { v: "7/7" } },
  { title: "a space before a lone placeholder makes it text", jc: { v: " {{ cpu }}" }, deployment: { cpu: 7 }, expected: { v: " 7" } },
  { title: "a variable's own braces are not templated again", jc: { v: "{{ image }}", w: "x{{ image }}" }, deployment: { image: "{{ cpu }}" }, expected: { v: "{{ cpu }}", w: "x{{ cpu }}" } },

  // dotted paths
  { title: "a dotted path takes the nested value with its type", jc: { v: "{{ net.subnets }}" }, deployment: { net: { subnets: ["s-1", "s-2"] } }, expected: { v: ["s-1", "s-2"] } },
  { title: "a list index in a path", jc: { v: "{{ net.subnets[1] }}" }, deployment: { net: { subnets: ["s-1", "s-2"] } }, expected: { v: "s-2" } },
  { title: "a dotted list index in a path", jc: { v: "{{ net.subnets.0 }}" }, deployment: { net: { subnets: ["s-1"] } }, expected: { v: "s-1" } },
  { title: "a path through objects in lists", jc: { v: "{{ net.rules[0].port }}" }, deployment: { net: { rules: [{ port: 443 }] } }, expected: { v: 443 } },
  { title: "a missing path removes the key", jc: { v: "{{ net.nope.deeper }}", k: 1 }, deployment: { net: { a: 1 } }, expected: { k: 1 } },
  { title: "an index past the end removes the key", jc: { v: "{{ net.subnets[5] }}" }, deployment: { net: { subnets: ["s"] } }, expected: {} },
  { title: "a path into a string removes the key", jc: { v: "{{ image.length }}" }, deployment: { image: "abc" }, expected: {} },
  { title: "a dotted path inside text", jc: { v: "vpc={{ net.vpc }}" }, deployment: { net: { vpc: "vpc-1" } }, expected: { v: "vpc=vpc-1" } },
  { title: "a path does not reach Object.prototype", jc: { v: "{{ net.constructor }}" }, deployment: { net: {} }, expected: {} },

  // dotted job-variable keys
  { title: "a dotted job-variable key sets a nested value", jc: { v: "{{ net }}" }, deployment: { "net.vpc": "vpc-1" }, expected: { v: { vpc: "vpc-1" } } },
  { title: "the nested spelling wins over the dotted one in one layer", jc: { v: "{{ net }}" }, deployment: { "net.vpc": "dotted", net: { vpc: "nested", other: 1 } }, expected: { v: { vpc: "nested", other: 1 } } },

  // host environment
  { title: "{{ $VAR }} as a whole value is the host's text", jc: { v: "{{ $AWS_REGION }}" }, hostEnv: { AWS_REGION: "eu-west-1" }, expected: { v: "eu-west-1" } },
  { title: "{{ $VAR }} stays text even when it looks like a number", jc: { v: "{{ $PORT }}" }, hostEnv: { PORT: "8080" }, expected: { v: "8080" } },
  { title: "an unset {{ $VAR }} is empty text, not a removed key", jc: { v: "{{ $NOPE }}" }, expected: { v: "" } },
  { title: "{{ $VAR }} inside text", jc: { v: "arn:aws:iam::{{ $ACCOUNT }}:role/x" }, hostEnv: { ACCOUNT: "123" }, expected: { v: "arn:aws:iam::123:role/x" } },
  { title: "{{ $VAR }} does not read Object.prototype", jc: { v: "{{ $toString }}" }, expected: { v: "" } },
  { title: "env and job variables together", jc: { v: "{{ $REG }}/{{ image }}" }, hostEnv: { REG: "ecr" }, deployment: { image: "app" }, expected: { v: "ecr/app" } },

  // structure
  { title: "literals of every type pass through", jc: { n: 1, f: 1.5, t: true, z: null, s: "plain", l: [1, null], o: {} }, expected: { n: 1, f: 1.5, t: true, z: null, s: "plain", l: [1, null], o: {} } },
  { title: "keys are never templated", jc: { "{{ image }}": "{{ image }}" }, deployment: { image: "x" }, expected: { "{{ image }}": "x" } },
  {
    title: "deeply nested objects and lists",
    jc: { a: [{ b: [{ c: "{{ cpu }}", d: ["{{ image }}", "{{ flag }}"] }] }] },
    deployment: { cpu: 1, flag: true },
    expected: { a: [{ b: [{ c: 1, d: [true] }] }] },
  },
  { title: "variables the schema does not declare are allowed and ignored", jc: { v: "{{ image }}" }, deployment: { image: "i", undeclared: { x: 1 } }, expected: { v: "i" } },
  { title: "a __proto__ key is kept as data", jc: { v: "{{ obj }}" }, deployment: { obj: JSON.parse('{"__proto__": {"polluted": true}}') as JsonRecord }, expected: { v: JSON.parse('{"__proto__": {"polluted": true}}') as JsonRecord } },
];

describe("renderJobTemplate: placeholders", () => {
  it.each(CASES)("$title", (c) => {
    const config = renderJobTemplate(
      baseInput({ baseJobTemplate: template(c.jc, P), poolDefaults: c.pool, deploymentJobVariables: c.deployment, flowRunJobVariables: c.flowRun, env: c.hostEnv ?? {} }),
    );
    expect(unstamped(config)).toEqual(c.expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("renderJobTemplate: env", () => {
  const envTemplate = (defaultEnv?: JsonRecord) =>
    template({ env: "{{ env }}", overrides: { environment: "{{ env }}" } }, { env: { type: "object", additionalProperties: { type: "string" }, ...(defaultEnv ? { default: defaultEnv } : {}) } });
  const render = (over: Partial<RenderJobTemplateInput>) => renderJobTemplate(baseInput({ baseJobTemplate: envTemplate(), ...over }));

  it("merges env by key across default, pool, deployment and flow run", () => {
    const config = renderJobTemplate(
      baseInput({
        baseJobTemplate: envTemplate({ A: "default", B: "default" }),
        poolDefaults: { env: { C: "pool" } },
        deploymentJobVariables: { env: { B: "deployment", D: "deployment" } },
        flowRunJobVariables: { env: { D: "run" } },
      }),
    );
    expect(config.env).toMatchObject({ A: "default", B: "deployment", C: "pool", D: "run" });
    expect(config.overrides).toEqual({ environment: { A: "default", B: "deployment", C: "pool", D: "run" } });
  });

  it("removes a variable set by an earlier layer when a later one sets it to null", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: envTemplate({ A: "1", B: "2" }), deploymentJobVariables: { env: { A: null } } }));
    expect(config.env).not.toHaveProperty("A");
    expect(config.env.B).toBe("2");
    expect(config.overrides).toEqual({ environment: { B: "2" } });
    // Named for infrastructure that has env of its own elsewhere (the ECS task definition's).
    expect(config.unset_env).toEqual(["A"]);
  });

  it("names in unset_env every key a layer nulled (stamped ones too), and nothing when none was", () => {
    const config = render({ deploymentJobVariables: { env: { Z: null, PREFECT__DEPLOYMENT_NAME: null } }, flowRunJobVariables: { env: { Y: null, PREFECT__FLOW_RUN_ID: null } } });
    // PREFECT__FLOW_RUN_ID cannot be removed, so it is not reported as removed.
    expect(config.unset_env).toEqual(["PREFECT__DEPLOYMENT_NAME", "Y", "Z"]);
    expect(render({ deploymentJobVariables: { env: { A: "1" } } })).not.toHaveProperty("unset_env");
  });

  it("a later layer can set again what an earlier one removed", () => {
    const config = render({ deploymentJobVariables: { env: { A: null } }, flowRunJobVariables: { env: { A: "back" } } });
    expect(config.env.A).toBe("back");
    expect(config).not.toHaveProperty("unset_env");
  });

  it("env: null in a layer drops the env of the layers below", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: envTemplate({ A: "1" }), deploymentJobVariables: { env: null }, flowRunJobVariables: { env: { B: "2" } } }));
    expect(config.env).not.toHaveProperty("A");
    expect(config.env.B).toBe("2");
  });

  it("a dotted env key in the flow run merges with the deployment's env", () => {
    const config = render({ deploymentJobVariables: { env: { A: "1" } }, flowRunJobVariables: { "env.B": "2" } });
    expect(config.env).toMatchObject({ A: "1", B: "2" });
  });

  it("a template with a literal env object keeps it and merges the env variable over it", () => {
    const t = template({ env: { FIXED: "yes", FROM_VAR: "{{ image }}", OVERRIDDEN: "template" } }, { env: { type: "object" }, image: { type: "string" } });
    const config = renderJobTemplate(baseInput({ baseJobTemplate: t, deploymentJobVariables: { image: "img", env: { OVERRIDDEN: "variable" } } }));
    expect(config.env).toMatchObject({ FIXED: "yes", FROM_VAR: "img", OVERRIDDEN: "variable" });
  });

  it("turns non-string env values into text when the schema allows them", () => {
    const t = template({ env: "{{ env }}" }, { env: { type: "object" } });
    const config = renderJobTemplate(baseInput({ baseJobTemplate: t, deploymentJobVariables: { env: { PORT: 8080, DEBUG: true, CFG: { a: 1 } } } }));
    expect(config.env).toMatchObject({ PORT: "8080", DEBUG: "true", CFG: '{"a":1}' });
  });

  it("ignores the env variable when the template has no env key (as Prefect does)", () => {
    const t = template({ image: "{{ image }}" }, { env: { type: "object" }, image: { type: "string" } });
    const config = renderJobTemplate(baseInput({ baseJobTemplate: t, deploymentJobVariables: { env: { A: "1" } } }));
    expect(config.env).not.toHaveProperty("A");
  });
});

describe("renderJobTemplate: stamps", () => {
  const processTemplate = processDefaultBaseJobTemplate as unknown as JsonRecord;
  const render = (over: Partial<RenderJobTemplateInput> = {}) => renderJobTemplate(baseInput({ baseJobTemplate: processTemplate, ...over }));

  it("sets the API URL, the flow run id and the attribution variables Prefect sets", () => {
    expect(render().env).toEqual({
      PREFECT_API_URL: "http://api.test/api",
      PREFECT__FLOW_RUN_ID: FLOW_RUN.id,
      PREFECT__WORKER_ID: WORKER.id,
      PREFECT__WORKER_NAME: WORKER.name,
      PREFECT__FLOW_ID: FLOW.id,
      PREFECT__FLOW_NAME: FLOW.name,
      PREFECT__DEPLOYMENT_ID: DEPLOYMENT.id,
      PREFECT__DEPLOYMENT_NAME: DEPLOYMENT.name,
    });
  });

  it("sets PREFECT_API_KEY only when a key is given", () => {
    expect(render().env).not.toHaveProperty("PREFECT_API_KEY");
    expect(render({ apiKey: null }).env).not.toHaveProperty("PREFECT_API_KEY");
    expect(render({ apiKey: "pnu_secret" }).env.PREFECT_API_KEY).toBe("pnu_secret");
  });

  it("leaves out deployment attribution for a run without a deployment", () => {
    const config = render({ deployment: null, flowRun: { ...FLOW_RUN, deployment_id: null } });
    expect(Object.keys(config.env).filter((k) => k.includes("DEPLOYMENT"))).toEqual([]);
    expect(Object.keys(config.labels).filter((k) => k.includes("deployment"))).toEqual([]);
  });

  it("lets the user's env override the API URL and the attribution variables (Prefect's precedence)", () => {
    const config = render({ deploymentJobVariables: { env: { PREFECT_API_URL: "http://internal-lb/api", PREFECT__FLOW_NAME: "renamed" } } });
    expect(config.env.PREFECT_API_URL).toBe("http://internal-lb/api");
    expect(config.env.PREFECT__FLOW_NAME).toBe("renamed");
  });

  it("lets a null in the user's env remove a stamped variable", () => {
    const config = render({ apiKey: "k", deploymentJobVariables: { env: { PREFECT_API_KEY: null } } });
    expect(config.env).not.toHaveProperty("PREFECT_API_KEY");
  });

  it("never lets the user's env change or remove PREFECT__FLOW_RUN_ID", () => {
    expect(render({ deploymentJobVariables: { env: { PREFECT__FLOW_RUN_ID: "other" } } }).env.PREFECT__FLOW_RUN_ID).toBe(FLOW_RUN.id);
    expect(render({ flowRunJobVariables: { env: { PREFECT__FLOW_RUN_ID: null } } }).env.PREFECT__FLOW_RUN_ID).toBe(FLOW_RUN.id);
  });

  it("leaves PREFECT_API_KEY out of env when api_key_secret_arn is set (ECS passes it as a secret)", () => {
    const ecs = ecsDefaultBaseJobTemplate as unknown as JsonRecord;
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prefect-key";
    const withArn = renderJobTemplate(baseInput({ baseJobTemplate: ecs, apiKey: "k", deploymentJobVariables: { api_key_secret_arn: arn } }));
    expect(withArn.env).not.toHaveProperty("PREFECT_API_KEY");
    expect(withArn.api_key_secret_arn).toBe(arn);
    const withUserKey = renderJobTemplate(baseInput({ baseJobTemplate: ecs, deploymentJobVariables: { api_key_secret_arn: arn, env: { PREFECT_API_KEY: "plain" } } }));
    expect(withUserKey.env).not.toHaveProperty("PREFECT_API_KEY");
    const emptyArn = renderJobTemplate(baseInput({ baseJobTemplate: ecs, apiKey: "k", deploymentJobVariables: { api_key_secret_arn: "" } }));
    expect(emptyArn.env.PREFECT_API_KEY).toBe("k");
  });

  it("sets the labels Prefect sets, with ecsflow's version label", () => {
    expect(render({ version: "0.1.0" }).labels).toEqual({
      "prefect.io/flow-run-id": FLOW_RUN.id,
      "prefect.io/flow-run-name": FLOW_RUN.name,
      "ecsflow.io/version": "0.1.0",
      "prefect.io/work-pool-name": WORKER.poolName,
      "prefect.io/work-pool-id": WORKER.poolId,
      "prefect.io/worker-name": WORKER.name,
      "prefect.io/flow-id": FLOW.id,
      "prefect.io/flow-name": FLOW.name,
      "prefect.io/deployment-id": DEPLOYMENT.id,
      "prefect.io/deployment-name": DEPLOYMENT.name,
      "prefect.io/deployment-updated": DEPLOYMENT.updated,
    });
  });

  it("lets the user's labels win and drops null ones", () => {
    const labels = render({ deploymentJobVariables: { labels: { team: "data", "prefect.io/flow-name": "mine" } } }).labels;
    expect(labels.team).toBe("data");
    expect(labels["prefect.io/flow-name"]).toBe("mine");
    const t = template({ labels: "{{ labels }}" }, { labels: { type: "object" } });
    const dropped = renderJobTemplate(baseInput({ baseJobTemplate: t, deploymentJobVariables: { labels: { "prefect.io/worker-name": null, n: 1 } } })).labels;
    expect(dropped).not.toHaveProperty("prefect.io/worker-name");
    expect(dropped.n).toBe("1");
  });

  it.each<[string, JsonRecord | undefined, string]>([
    ["defaults the name to the flow run's name", undefined, FLOW_RUN.name],
    ["keeps a name that is set", { name: "my-job" }, "my-job"],
    ["treats an empty name as unset", { name: "" }, FLOW_RUN.name],
    ["fills {{ ctx.flow.name }} and {{ ctx.flow_run.name }} in the name", { name: "{{ ctx.flow.name }}-{{ ctx.flow_run.name }}" }, "etl-crimson-heron"],
    ["fills any flow run field in the name", { name: "run-{{ ctx.flow_run.id }}" }, `run-${FLOW_RUN.id}`],
    ["empties unknown ctx fields inside text", { name: "x{{ ctx.flow.nope }}" }, "x"],
    ["falls back to the flow run's name when the whole name finds nothing", { name: "{{ ctx.flow.nope }}" }, FLOW_RUN.name],
  ])("%s", (_, deployment, expected) => {
    expect(render({ deploymentJobVariables: deployment }).name).toBe(expected);
  });

  it.each<[string, JsonRecord | undefined, string]>([
    ["defaults the command to ecsflow's", undefined, "ecsflow flow-run execute"],
    ["keeps a command that is set", { command: "python -m app" }, "python -m app"],
    ["treats an empty command as unset", { command: "" }, "ecsflow flow-run execute"],
    ["treats a blank command as unset", { command: "   " }, "ecsflow flow-run execute"],
  ])("%s", (_, deployment, expected) => {
    expect(render({ deploymentJobVariables: deployment }).command).toBe(expected);
  });

  it("exports the default command", () => {
    expect(DEFAULT_FLOW_RUN_COMMAND).toBe("ecsflow flow-run execute");
  });

  it("adds the stamped fields even when the template has none of them", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: template({ image: "{{ image }}" }, { image: { type: "string" } }) }));
    expect(Object.keys(config).sort()).toEqual(["command", "env", "labels", "name"]);
  });
});

describe("renderJobTemplate: templates", () => {
  it("uses the pool type's default template when the pool's template is {}", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: {}, worker: { ...WORKER, poolType: "ecs" }, deploymentJobVariables: { image: "app:1", cpu: 1024 } }));
    expect(config.task_definition).toEqual({ containerDefinitions: [{ image: "app:1" }], cpu: 1024 });
    expect(config.task_run_request).toMatchObject({ launchType: "FARGATE" });
  });

  it("renders only the stamps for {} when the pool type has no default", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: {}, worker: { ...WORKER, poolType: "kubernetes" } }));
    expect(Object.keys(config).sort()).toEqual(["command", "env", "labels", "name"]);
  });

  it("renders Prefect's ECS default with the defaults and one image", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: ecsDefaultBaseJobTemplate as unknown as JsonRecord, deploymentJobVariables: { image: "app:1" } }));
    expect(unstamped(config)).toEqual({
      task_definition: { containerDefinitions: [{ image: "app:1" }] },
      task_run_request: { launchType: "FARGATE", overrides: { containerOverrides: [{}] } },
      task_start_timeout_seconds: 300,
      task_watch_poll_interval: 5,
      auto_deregister_task_definition: false,
      match_latest_revision_in_family: false,
    });
  });

  it("renders Prefect's process default with its stream_output default", () => {
    const config = renderJobTemplate(baseInput({ baseJobTemplate: processDefaultBaseJobTemplate as unknown as JsonRecord, deploymentJobVariables: { working_dir: "/srv" } }));
    expect(unstamped(config)).toEqual({ stream_output: true, working_dir: "/srv" });
  });

  it("changes neither its input nor the shared default templates", () => {
    const input = baseInput({
      baseJobTemplate: template({ env: { A: "{{ image }}" }, v: "{{ obj }}" }, { image: { type: "string" }, obj: { type: "object" }, env: { type: "object", default: { D: "1" } } }),
      deploymentJobVariables: { image: "i", obj: { a: [1] }, env: { B: null } },
      flowRunJobVariables: { "env.C": "c" },
      env: { X: "y" },
    });
    const before = structuredClone(input);
    const config = renderJobTemplate(input);
    (config.v as JsonRecord).a = "changed";
    expect(input).toEqual(before);
    // The frozen defaults would throw if anything wrote into them.
    expect(() => renderJobTemplate(baseInput({ baseJobTemplate: ecsDefaultBaseJobTemplate as unknown as JsonRecord, deploymentJobVariables: { env: { A: "1" } } }))).not.toThrow();
  });
});

describe("renderJobTemplate: errors", () => {
  const ecs = ecsDefaultBaseJobTemplate as unknown as JsonRecord;
  const renderError = (over: Partial<RenderJobTemplateInput>): JobTemplateRenderError => {
    try {
      renderJobTemplate(baseInput(over));
    } catch (err) {
      if (err instanceof JobTemplateRenderError) return err;
      throw err;
    }
    throw new Error("expected renderJobTemplate to throw");
  };

  it("names a variable of the wrong type and the layer that set it", () => {
    const err = renderError({ baseJobTemplate: ecs, deploymentJobVariables: { cpu: "1024" } });
    expect(err.code).toBe("INVALID_JOB_VARIABLES");
    expect(err.variable).toBe("cpu");
    expect(err.errors).toEqual([{ loc: ["cpu"], msg: 'must be integer, not string "1024"' }]);
    expect(err.message).toContain("cpu must be integer");
    expect(err.message).toContain("deployment's job_variables");
  });

  it("names the flow run as the layer when its value is the bad one", () => {
    const err = renderError({ baseJobTemplate: ecs, deploymentJobVariables: { launch_type: "EC2" }, flowRunJobVariables: { launch_type: "LAMBDA" } });
    expect(err.variable).toBe("launch_type");
    expect(err.message).toContain("flow run's job_variables");
  });

  it("names the env key and its layer for a bad env value", () => {
    const err = renderError({ baseJobTemplate: ecs, deploymentJobVariables: { env: { OK: "1" } }, flowRunJobVariables: { env: { PORT: 80 } } });
    expect(err.errors).toEqual([{ loc: ["env", "PORT"], msg: "must be string, not number 80" }]);
    expect(err.message).toContain("flow run's job_variables");
  });

  it("reports a missing required variable", () => {
    const t = template({ c: "{{ cluster }}" }, { cluster: { type: "string" } }, { required: ["cluster"] });
    const err = renderError({ baseJobTemplate: t });
    expect(err.code).toBe("INVALID_JOB_VARIABLES");
    expect(err.variable).toBe("cluster");
    expect(err.message).toContain("cluster is required");
  });

  it("reports a bad template default as the template's fault", () => {
    const err = renderError({ baseJobTemplate: template({ c: "{{ cpu }}" }, { cpu: { type: "integer", default: "x" } }) });
    expect(err.code).toBe("INVALID_BASE_JOB_TEMPLATE");
    expect(err.message).toContain("fix the work pool");
  });

  it("refuses a template that uses an undeclared variable", () => {
    const err = renderError({ baseJobTemplate: template({ c: "{{ cluster }}" }, {}) });
    expect(err.code).toBe("INVALID_BASE_JOB_TEMPLATE");
    expect(err.errors[0].loc).toEqual(["job_configuration", "c"]);
  });

  it("refuses a template that is not {job_configuration, variables}", () => {
    expect(renderError({ baseJobTemplate: { job_configuration: {} } }).code).toBe("INVALID_BASE_JOB_TEMPLATE");
  });

  it("refuses a Prefect variable placeholder arriving in a job variable's value", () => {
    const err = renderError({ baseJobTemplate: ecs, deploymentJobVariables: { image: "{{ prefect.variables.image }}" } });
    expect(err.code).toBe("UNSUPPORTED_PLACEHOLDER");
    expect(err.variable).toBe("image");
    expect(err.message).toContain("does not resolve Prefect blocks or variables");
  });

  it.each<[string, JsonRecord, JsonRecord, string]>([
    ["env rendering to text", { env: "{{ env }}" }, { env: "A=1" }, "env"],
    ["labels rendering to a list", { labels: "{{ labels }}" }, { labels: ["a"] }, "labels"],
    ["command rendering to a list", { command: "{{ command }}" }, { command: ["python", "-m", "app"] }, "command"],
    ["name rendering to a number", { name: "{{ name }}" }, { name: 5 }, "name"],
  ])("refuses %s, naming the variable that feeds it", (_, jc, deployment, field) => {
    const err = renderError({ baseJobTemplate: template(jc, { [field]: {} }), deploymentJobVariables: deployment });
    expect(err.code).toBe("INVALID_JOB_CONFIGURATION");
    expect(err.variable).toBe(field);
    expect(err.errors).toEqual([{ loc: [field], msg: expect.stringContaining("must be") }]);
    expect(err.message).toContain(`fix job variable "${field}"`);
  });

  it("is an Error with a fixed name, recognised across copies of the class by its brand", () => {
    const err = renderError({ baseJobTemplate: ecs, deploymentJobVariables: { cpu: "x" } });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("JobTemplateRenderError");
    const lookalike = Object.assign(new Error("x"), { [Symbol.for("ecsflow.worker.JobTemplateRenderError")]: true });
    expect(lookalike instanceof JobTemplateRenderError).toBe(true);
    expect(new Error("plain") instanceof JobTemplateRenderError).toBe(false);
  });
});

describe("renderJobTemplate: properties", () => {
  // Variables with any JSON value; property schemas `{}` accept everything.
  const NAMES = ["alpha", "beta", "gamma", "delta"];
  const anySchema: JsonRecord = Object.fromEntries(NAMES.map((n) => [n, {}]));
  const nonNullJson = fc.jsonValue().filter((v) => v !== null) as fc.Arbitrary<JsonValue>;
  // Text that cannot form a placeholder, so only the template's own placeholders appear.
  const plainText = fc.string({ maxLength: 8 }).filter((s) => !s.includes("{") && !s.includes("}"));
  const noBraces = (v: JsonValue) => !JSON.stringify(v).includes("{{");

  it("a whole-value placeholder keeps the value's JSON type and content", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), nonNullJson, (name, value) => {
        const config = renderJobTemplate(baseInput({ baseJobTemplate: template({ v: `{{ ${name} }}` }, anySchema), deploymentJobVariables: { [name]: value } }));
        expect(config.v).toEqual(value);
        expect(typeof config.v).toBe(typeof value);
        expect(Array.isArray(config.v)).toBe(Array.isArray(value));
      }),
    );
  });

  it("leaves no placeholder of a declared variable in the output", () => {
    const piece = fc.oneof(plainText, fc.constantFrom(...NAMES).map((n) => `{{ ${n} }}`), fc.constantFrom(...NAMES).map((n) => `{{${n}}}`));
    const templateString = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(""));
    const jobConfiguration = fc.dictionary(fc.constantFrom("a", "b", "c"), fc.oneof(templateString, fc.array(templateString, { maxLength: 3 })));
    const variables = fc.dictionary(fc.constantFrom(...NAMES), fc.oneof(nonNullJson, fc.constant(null)).filter(noBraces));
    fc.assert(
      fc.property(jobConfiguration, variables, variables, (jc, deployment, flowRun) => {
        const config = renderJobTemplate(baseInput({ baseJobTemplate: template(jc, anySchema), deploymentJobVariables: deployment, flowRunJobVariables: flowRun }));
        const text = JSON.stringify(unstamped(config));
        for (const n of NAMES) {
          expect(text).not.toContain(`{{ ${n} }}`);
          expect(text).not.toContain(`{{${n}}}`);
        }
      }),
    );
  });

  it("text around a string placeholder is kept verbatim", () => {
    fc.assert(
      fc.property(plainText, plainText, plainText, (before, value, after) => {
        fc.pre(before.length + after.length > 0);
        const config = renderJobTemplate(baseInput({ baseJobTemplate: template({ v: `${before}{{ alpha }}${after}` }, anySchema), deploymentJobVariables: { alpha: value } }));
        expect(config.v).toBe(`${before}${value}${after}`);
      }),
    );
  });

  it("the last layer that sets a variable wins; null there removes the key", () => {
    const layerValue = fc.option(fc.oneof(fc.integer(), fc.constant(null)), { nil: undefined });
    fc.assert(
      fc.property(layerValue, layerValue, layerValue, (pool, deployment, run) => {
        const layer = (v: number | null | undefined) => (v === undefined ? undefined : { alpha: v });
        const config = renderJobTemplate(
          baseInput({ baseJobTemplate: template({ v: "{{ alpha }}" }, anySchema), poolDefaults: layer(pool), deploymentJobVariables: layer(deployment), flowRunJobVariables: layer(run) }),
        );
        const winner = [run, deployment, pool].find((v) => v !== undefined);
        if (winner === undefined || winner === null) expect(config).not.toHaveProperty("v");
        else expect(config.v).toBe(winner);
      }),
    );
  });

  it("env merges by key: each key takes the last layer that names it, and null removes it", () => {
    const envLayer = fc.dictionary(fc.constantFrom("A", "B", "C"), fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)));
    fc.assert(
      fc.property(envLayer, envLayer, envLayer, (pool, deployment, run) => {
        const t = template({ env: "{{ env }}" }, { env: { type: "object", additionalProperties: { type: "string" } } });
        const config = renderJobTemplate(baseInput({ baseJobTemplate: t, poolDefaults: { env: pool }, deploymentJobVariables: { env: deployment }, flowRunJobVariables: { env: run } }));
        for (const key of ["A", "B", "C"]) {
          const winner = [run, deployment, pool].find((l) => Object.hasOwn(l, key))?.[key];
          if (winner === undefined || winner === null) expect(config.env).not.toHaveProperty(key);
          else expect(config.env[key]).toBe(winner);
        }
      }),
    );
  });
});
