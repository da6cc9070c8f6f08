import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  defaultBaseJobTemplateFor,
  ecsDefaultBaseJobTemplate,
  processDefaultBaseJobTemplate,
  validateBaseJobTemplate,
  type BaseJobTemplate,
  type JsonRecord,
} from "../../packages/schemas/src/index.js";
import { referenceFile } from "../support/reference-file.js";

const ecsReference = referenceFile("prefect-ecs-default-base-job-template.json");
const processReference = referenceFile("prefect-process-default-base-job-template.json");
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as BaseJobTemplate;

// The documented additions of ecsflow's ECS template (see packages/schemas/src/base-job-templates/ecs.ts).
const ECS_ADDITIONS = ["api_key_secret_arn"];

function withoutAdditions(template: BaseJobTemplate): BaseJobTemplate {
  const copy = structuredClone(template);
  for (const name of ECS_ADDITIONS) {
    delete copy.job_configuration[name];
    delete copy.variables.properties[name];
  }
  return copy;
}

describe("default base job templates", () => {
  it.skipIf(!ecsReference)("ecs equals Prefect's default except the documented additions (skipped when shared/reference/prefect-ecs-default-base-job-template.json is absent)", () => {
    expect(withoutAdditions(ecsDefaultBaseJobTemplate)).toEqual(read(ecsReference!));
  });

  it.skipIf(!ecsReference)("ecs keeps Prefect's key order for variables and job_configuration (skipped when shared/reference/prefect-ecs-default-base-job-template.json is absent)", () => {
    const reference = read(ecsReference!);
    const ours = withoutAdditions(ecsDefaultBaseJobTemplate);
    expect(Object.keys(ours.variables.properties)).toEqual(Object.keys(reference.variables.properties));
    expect(Object.keys(ours.job_configuration)).toEqual(Object.keys(reference.job_configuration));
  });

  it.skipIf(!processReference)("process equals Prefect's default exactly (skipped when shared/reference/prefect-process-default-base-job-template.json is absent)", () => {
    expect(processDefaultBaseJobTemplate).toEqual(read(processReference!));
  });

  it("ecs declares api_key_secret_arn as an optional string wired into job_configuration", () => {
    expect(ecsDefaultBaseJobTemplate.variables.properties.api_key_secret_arn).toMatchObject({ type: "string", title: "API Key Secret ARN" });
    expect(ecsDefaultBaseJobTemplate.variables.required ?? []).not.toContain("api_key_secret_arn");
    expect(ecsDefaultBaseJobTemplate.job_configuration.api_key_secret_arn).toBe("{{ api_key_secret_arn }}");
  });

  it("ecs keeps Prefect's defaults: FARGATE, 300 s start timeout, 5 s poll, no deregistration", () => {
    const p = ecsDefaultBaseJobTemplate.variables.properties;
    expect([p.launch_type.default, p.task_start_timeout_seconds.default, p.task_watch_poll_interval.default, p.auto_deregister_task_definition.default]).toEqual([
      "FARGATE",
      300,
      5,
      false,
    ]);
  });

  it("both defaults pass base job template validation", () => {
    expect(validateBaseJobTemplate(ecsDefaultBaseJobTemplate)).toEqual([]);
    expect(validateBaseJobTemplate(processDefaultBaseJobTemplate)).toEqual([]);
  });

  it("every variable of each default is used by its job_configuration", () => {
    for (const template of [ecsDefaultBaseJobTemplate, processDefaultBaseJobTemplate]) {
      const text = JSON.stringify(template.job_configuration);
      const unused = Object.keys(template.variables.properties).filter((name) => !text.includes(`{{ ${name} }}`));
      expect(unused).toEqual([]);
    }
  });

  it("defaultBaseJobTemplateFor returns ecs and process, undefined for other types", () => {
    expect(defaultBaseJobTemplateFor("ecs")).toEqual(ecsDefaultBaseJobTemplate);
    expect(defaultBaseJobTemplateFor("process")).toEqual(processDefaultBaseJobTemplate);
    expect(defaultBaseJobTemplateFor("kubernetes")).toBeUndefined();
    expect(defaultBaseJobTemplateFor("toString")).toBeUndefined();
    expect(defaultBaseJobTemplateFor("")).toBeUndefined();
  });

  it("defaultBaseJobTemplateFor gives a mutable copy; the shared constants stay frozen", () => {
    const copy = defaultBaseJobTemplateFor("ecs")!;
    copy.job_configuration.cluster = "mine";
    (copy.variables.properties.cpu as JsonRecord).default = 512;
    expect(ecsDefaultBaseJobTemplate.job_configuration.cluster).toBe("{{ cluster }}");
    expect(ecsDefaultBaseJobTemplate.variables.properties.cpu.default).toBeUndefined();
    expect(() => {
      (ecsDefaultBaseJobTemplate.variables.properties.cpu as JsonRecord).default = 1;
    }).toThrow(TypeError);
  });
});
