// Task definitions built from the rendered job configuration: Prefect's ECS worker's behaviours
// (prefect-aws tests/workers/test_ecs_worker.py), ported to ecs-local, with its known bugs fixed.

import { RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubmissionError } from "../../../../packages/worker/src/errors.js";
import { TASK_DEFINITION_HASH_TAG } from "../../../../packages/worker/src/infrastructure/ecs/index.js";
import { callsOf, containerOf, describeTask, describeTaskDefinition, fakeFlowRun, LogCapture, makeJob, render, REGION, runJob, startWorld, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const TEST_TASK_DEFINITION = {
  containerDefinitions: [{ cpu: 1024, image: "busybox", memory: 2048, name: "prefect", command: ["sh", "-c", "echo linked"] }],
  family: "prefect-linked",
};

async function taskAndDefinition(taskArn: string) {
  const task = await describeTask(w.ecs, taskArn);
  const td = await describeTaskDefinition(w.ecs, task.taskDefinitionArn!);
  return { task, td };
}

describe("the default template", () => {
  it("registers a Fargate task definition with the prefect container and runs the command from the overrides", async () => {
    const r = await runJob(w.infrastructure());
    expect(r.result.exitCode).toBe(0);
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(task.launchType).toBe("FARGATE");
    expect(td.containerDefinitions!.map((c) => ({ name: c.name, image: c.image, essential: c.essential, environment: c.environment }))).toEqual([
      { name: "prefect", image: "busybox", essential: true, environment: [] },
    ]);
    expect(td.cpu).toBe("1024");
    expect(td.memory).toBe("2048");
    expect(td.requiresCompatibilities).toEqual(["FARGATE"]);
    expect(td.networkMode).toBe("awsvpc");
    const override = containerOf(task.overrides!.containerOverrides, "prefect")!;
    expect(override.command).toEqual(["sh", "-c", "echo hello from the task"]);
    expect(r.started[0]).toBe(`${task.clusterArn}::${task.taskArn}`);
    expect(r.output.some((o) => o.line.includes(`Created ECS task ${task.taskArn}`))).toBe(true);
  });

  it("uses the image variable", async () => {
    const r = await runJob(w.infrastructure(), { variables: { image: "prefecthq/prefect-dev:main-python3.9" } });
    const { td } = await taskAndDefinition(r.taskArn);
    expect(td.containerDefinitions![0].image).toBe("prefecthq/prefect-dev:main-python3.9");
  });

  it("names the family prefect_<pool>_<deployment id>, or the flow id without a deployment, slugified", async () => {
    const withDeployment = await runJob(w.infrastructure());
    const flowRun = fakeFlowRun({ deployment_id: null });
    const without = await runJob(w.infrastructure(), { flowRun });
    const custom = await runJob(w.infrastructure(), { variables: { family: "my family/with:bad*chars" } });
    const d1 = (await taskAndDefinition(withDeployment.taskArn)).td;
    expect(d1.family).toBe(`prefect_test-pool_${withDeployment.job.flowRun.deployment_id}`);
    expect((await taskAndDefinition(without.taskArn)).td.family).toBe(`prefect_test-pool_${flowRun.flow_id}`);
    expect((await taskAndDefinition(custom.taskArn)).td.family).toBe("my-family-with-bad-chars");
  });
});

describe("launch types, cpu and memory", () => {
  it.each(["EC2", "FARGATE", "FARGATE_SPOT"])("launch type %s: the definition's compatibilities, network mode and the task's placement", async (launchType) => {
    const r = await runJob(w.infrastructure(), { variables: { launch_type: launchType } });
    const { task, td } = await taskAndDefinition(r.taskArn);
    if (launchType === "EC2") {
      expect(td.requiresCompatibilities ?? []).toEqual([]);
      expect(td.networkMode).toBe("bridge");
      expect(task.launchType).toBe("EC2");
    } else {
      expect(td.requiresCompatibilities).toEqual(["FARGATE"]);
      expect(td.networkMode).toBe("awsvpc");
      expect(task.launchType).toBe("FARGATE");
    }
    // FARGATE_SPOT is no launch type: it became the capacity provider strategy [{FARGATE_SPOT, weight 1}].
    expect(task.capacityProviderName).toBe(launchType === "FARGATE_SPOT" ? "FARGATE_SPOT" : undefined);
  });

  const cases: [string, number | undefined, number | undefined][] = [];
  for (const launchType of ["EC2", "FARGATE", "FARGATE_SPOT"]) for (const [cpu, memory] of [[undefined, undefined], [1024, undefined], [undefined, 2048], [2048, 4096]] as const) cases.push([launchType, cpu, memory]);
  it.each(cases)("%s with cpu %s, memory %s: EC2 on the container, Fargate on the task as strings, overrides only when set", async (launchType, cpu, memory) => {
    const variables: Record<string, unknown> = { launch_type: launchType };
    if (cpu !== undefined) variables.cpu = cpu;
    if (memory !== undefined) variables.memory = memory;
    const r = await runJob(w.infrastructure(), { variables });
    const { task, td } = await taskAndDefinition(r.taskArn);
    const container = containerOf(td.containerDefinitions, "prefect")!;
    if (launchType === "EC2") {
      expect(container.cpu).toBe(cpu ?? 1024);
      expect(container.memory).toBe(memory ?? 2048);
    } else {
      expect(td.cpu).toBe(String(cpu ?? 1024));
      expect(td.memory).toBe(String(memory ?? 2048));
    }
    expect(task.overrides!.cpu).toBe(cpu === undefined ? undefined : String(cpu));
    expect(task.overrides!.memory).toBe(memory === undefined ? undefined : String(memory));
    const override = containerOf(task.overrides!.containerOverrides, "prefect")!;
    expect(override.cpu).toBe(cpu);
    expect(override.memory).toBe(memory);
  });

  it("keeps cpu and memory set in the task definition template and overrides nothing", async () => {
    for (const launchType of ["EC2", "FARGATE"]) {
      const r = await runJob(w.infrastructure(), {
        variables: { launch_type: launchType },
        templateOverrides: {
          task_definition: { containerDefinitions: [{ name: "prefect", image: "{{ image }}", cpu: 2048, memory: 4096 }], cpu: "4096", memory: "8192" },
        },
      });
      const { task, td } = await taskAndDefinition(r.taskArn);
      const container = containerOf(td.containerDefinitions, "prefect")!;
      expect([container.cpu, container.memory, td.cpu, td.memory]).toEqual([2048, 4096, "4096", "8192"]);
      expect([task.overrides!.cpu, task.overrides!.memory]).toEqual([undefined, undefined]);
    }
  });

  it("with a capacity provider strategy drops the launch type, with a warning, and places the task on the provider", async () => {
    const r = await runJob(w.infrastructure(), { variables: { launch_type: "EC2", capacity_provider_strategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }] } });
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(task.capacityProviderName).toBe("FARGATE_SPOT");
    // The strategy decides the definition's shape (Prefect used the unrelated launch type).
    expect(td.requiresCompatibilities).toEqual(["FARGATE"]);
    expect(r.output.map((o) => o.line).join("\n")).toContain("Found capacity_provider_strategy; removing launchType EC2");
  });

  it("lets an EC2-only task definition without a launch type use the cluster's default capacity provider (no launchType sent)", async () => {
    const { configuration, flowRun } = render({
      templateOverrides: { task_definition: { containerDefinitions: [{ name: "prefect", image: "busybox", cpu: 256, memory: 512 }], family: "prefect-ec2", requiresCompatibilities: ["EC2"] } },
    });
    delete (configuration.task_run_request as Record<string, unknown>).launchType;
    const capture = new LogCapture("debug");
    const job = makeJob(configuration, flowRun, capture.logger);
    const result = await w.infrastructure().run(job.job);
    expect(result.exitCode).toBe(0);
    const request = capture.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "RunTask request").request;
    expect(request).not.toHaveProperty("launchType");
    expect(request).not.toHaveProperty("networkConfiguration");
    // ecs-local's default cluster has no default strategy: ECS places such a task on EC2.
    expect((await describeTask(w.ecs, job.started[0].split("::")[1])).launchType).toBe("EC2");
  });
});

describe("the orchestration container", () => {
  it("runs the user's own container when the template names another one, with no 'prefect' container added", async () => {
    const r = await runJob(w.infrastructure(), {
      templateOverrides: { task_definition: { containerDefinitions: [{ name: "user-defined-name", command: ["sh", "-c", "echo from the definition"], image: "alpine" }] } },
    });
    const { task, td } = await taskAndDefinition(r.taskArn);
    const user = containerOf(td.containerDefinitions, "user-defined-name")!;
    expect(user.image).toBe("alpine");
    expect(containerOf(td.containerDefinitions, "prefect")).toBeUndefined();
    expect(containerOf(task.overrides!.containerOverrides, "user-defined-name")).toBeDefined();
    expect(containerOf(task.overrides!.containerOverrides, "prefect")).toBeUndefined();
  });

  it("keeps the template container's own command while the command variable is unset, and overrides it once set", async () => {
    const template = { task_definition: { containerDefinitions: [{ name: "prefect", image: "busybox", command: ["sh", "-c", "echo template command"] }] } };
    const { configuration, flowRun } = render({ templateOverrides: template });
    // The `command` variable unset: the override template rendered without it.
    const overrides = (configuration.task_run_request as { overrides: { containerOverrides: Record<string, unknown>[] } }).overrides;
    delete overrides.containerOverrides[0].command;
    const kept = makeJob(configuration, flowRun);
    await w.infrastructure().run(kept.job);
    const keptTask = await describeTask(w.ecs, kept.started[0].split("::")[1]);
    expect(containerOf(keptTask.overrides!.containerOverrides, "prefect")!.command).toBeUndefined();

    const set = await runJob(w.infrastructure(), { templateOverrides: template, variables: { command: "echo goodbye" } });
    const setTask = await describeTask(w.ecs, set.taskArn);
    expect(containerOf(setTask.overrides!.containerOverrides, "prefect")!.command).toEqual(["echo", "goodbye"]);
  });

  it("uses the template container's image over the image variable when the template does not reference it", async () => {
    const r = await runJob(w.infrastructure(), {
      templateOverrides: { task_definition: { containerDefinitions: [{ name: "prefect", image: "use-this-image" }] } },
      variables: { image: "not-templated-anywhere" },
    });
    expect(containerOf((await taskAndDefinition(r.taskArn)).td.containerDefinitions, "prefect")!.image).toBe("use-this-image");
  });

  it("refuses a container_name the task definition does not have", async () => {
    const { configuration, flowRun } = render({
      templateOverrides: { task_definition: { containerDefinitions: [{ name: "app", image: "busybox" }] } },
      variables: { container_name: "missing" },
    });
    const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionError);
    expect((error as Error).message).toContain('Container "missing" (container_name) is not in the task definition');
  });

  it("marks containers essential unless the template says otherwise, reuses the definition, and refuses all non-essential", async () => {
    const infra = w.infrastructure();
    const templateOverrides = {
      task_definition: {
        containerDefinitions: [
          { name: "prefect", image: "{{ image }}" },
          { name: "datadog-agent", essential: true, image: "busybox", command: ["sh", "-c", "sleep 30"] },
          { name: "log-router", essential: false, image: "busybox", command: ["sh", "-c", "sleep 30"] },
        ],
      },
    };
    const flowRun = fakeFlowRun();
    const first = await runJob(infra, { templateOverrides, flowRun });
    const second = await runJob(infra, { templateOverrides, flowRun: { ...flowRun, id: fakeFlowRun().id } });
    const a = await describeTask(w.ecs, first.taskArn);
    const b = await describeTask(w.ecs, second.taskArn);
    expect(a.taskDefinitionArn).toBe(b.taskDefinitionArn);
    const td = await describeTaskDefinition(w.ecs, a.taskDefinitionArn!);
    expect(td.containerDefinitions!.map((c) => c.essential)).toEqual([true, true, false]);

    const { configuration, flowRun: fr } = render({
      templateOverrides: { task_definition: { containerDefinitions: [{ name: "prefect", image: "busybox", essential: false }, { name: "other", image: "busybox", essential: false }] } },
    });
    const error = await infra.run(makeJob(configuration, fr).job).catch((e: unknown) => e);
    expect((error as Error).message).toContain("At least one container in the task definition must be essential");
  });
});

describe("environment, secrets and tags", () => {
  it("puts env only in the overrides, never in the task definition", async () => {
    const r = await runJob(w.infrastructure(), { variables: { env: { FOO: "BAR" } } });
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(containerOf(td.containerDefinitions, "prefect")!.environment).toEqual([]);
    const env = containerOf(task.overrides!.containerOverrides, "prefect")!.environment!;
    expect(env).toContainEqual({ name: "FOO", value: "BAR" });
    expect(env).toContainEqual({ name: "PREFECT__FLOW_RUN_ID", value: r.job.flowRun.id });
  });

  it("keeps the template's static environment in the definition, minus what env sets, and env wins at runtime", async () => {
    const r = await runJob(w.infrastructure(), {
      templateOverrides: {
        task_definition: { containerDefinitions: [{ name: "prefect", image: "busybox", environment: [{ name: "BAR", value: "FOO" }, { name: "OVERRIDE", value: "OLD" }] }] },
      },
      variables: { env: { FOO: "BAR", OVERRIDE: "NEW" }, command: "sh -c 'echo BAR=$BAR OVERRIDE=$OVERRIDE FOO=$FOO'" },
    });
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(containerOf(td.containerDefinitions, "prefect")!.environment).toEqual([{ name: "BAR", value: "FOO" }]);
    const env = containerOf(task.overrides!.containerOverrides, "prefect")!.environment!;
    expect(env).toContainEqual({ name: "FOO", value: "BAR" });
    expect(env).toContainEqual({ name: "OVERRIDE", value: "NEW" });
  });

  it("merges the request template's environment under env, and a null env removes a variable", async () => {
    const flowRun = fakeFlowRun({ job_variables: { env: { UNSET: null, STAMPED_GONE: null } } });
    const r = await runJob(w.infrastructure(), {
      flowRun,
      templateOverrides: {
        task_run_request: { overrides: { containerOverrides: [{ name: "prefect", environment: [{ name: "BAR", value: "FOO" }, { name: "OVERRIDE", value: "OLD" }, { name: "UNSET", value: "x" }] }] } },
        task_definition: { containerDefinitions: [{ name: "prefect", image: "busybox", environment: [{ name: "STAMPED_GONE", value: "x" }, { name: "KEEP", value: "y" }] }] },
      },
      variables: { env: { FOO: "BAR", OVERRIDE: "NEW", PREFECT__DEPLOYMENT_NAME: null } },
    });
    const { task, td } = await taskAndDefinition(r.taskArn);
    const env = containerOf(task.overrides!.containerOverrides, "prefect")!.environment!;
    const names = env.map((e) => e.name);
    expect(env.slice(0, 1)).toEqual([{ name: "BAR", value: "FOO" }]);
    expect(env).toContainEqual({ name: "FOO", value: "BAR" });
    expect(env).toContainEqual({ name: "OVERRIDE", value: "NEW" });
    expect(names).not.toContain("PREFECT__DEPLOYMENT_NAME");
    // The flow run's null removed the template's entries, in the overrides and in the definition.
    expect(names.filter((n) => n === "UNSET").length).toBeLessThanOrEqual(1);
    expect(containerOf(td.containerDefinitions, "prefect")!.environment).toEqual([{ name: "KEEP", value: "y" }]);
  });

  it("a deployment's null env removes a static entry of the template's task definition too", async () => {
    const r = await runJob(w.infrastructure(), {
      templateOverrides: {
        task_definition: { containerDefinitions: [{ name: "prefect", image: "busybox", environment: [{ name: "STATIC_GONE", value: "x" }, { name: "KEEP", value: "y" }] }] },
      },
      // Job variables as a deployment sets them (the flow run's job_variables are empty).
      variables: { env: { STATIC_GONE: null }, command: `sh -c 'test -z "$STATIC_GONE" && test "$KEEP" = y'` },
    });
    expect(r.job.flowRun.job_variables).toBeNull();
    expect(r.result.exitCode).toBe(0);
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(containerOf(td.containerDefinitions, "prefect")!.environment).toEqual([{ name: "KEEP", value: "y" }]);
    expect(containerOf(task.overrides!.containerOverrides, "prefect")!.environment!.map((e) => e.name)).not.toContain("STATIC_GONE");
  });

  it("passes the API key as plain env only when there is no api_key_secret_arn", async () => {
    const r = await runJob(w.infrastructure(), { apiKey: API_KEY_VALUE });
    const task = await describeTask(w.ecs, r.taskArn);
    expect(containerOf(task.overrides!.containerOverrides, "prefect")!.environment).toContainEqual({ name: "PREFECT_API_KEY", value: API_KEY_VALUE });
  });

  it("with api_key_secret_arn, makes PREFECT_API_KEY a container secret that reaches the task, never plain env", async () => {
    const arn = await createSecret("api-key", API_KEY_VALUE);
    const r = await runJob(w.infrastructure(), {
      apiKey: API_KEY_VALUE,
      variables: {
        api_key_secret_arn: arn,
        // The task fails unless the secret arrived as its env.
        command: `sh -c 'test "$PREFECT_API_KEY" = "${API_KEY_VALUE}"'`,
        launch_type: "EC2",
      },
    });
    expect(r.result.exitCode).toBe(0);
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(containerOf(td.containerDefinitions, "prefect")!.secrets).toEqual([{ name: "PREFECT_API_KEY", valueFrom: arn }]);
    expect(containerOf(task.overrides!.containerOverrides, "prefect")!.environment!.map((e) => e.name)).not.toContain("PREFECT_API_KEY");
    expect(JSON.stringify(td)).not.toContain(API_KEY_VALUE);
  });

  it("keeps the template's secrets beside PREFECT_API_KEY, and replaces a same-named one", async () => {
    const stale = await createSecret("stale-api-key", "stale");
    const db = await createSecret("db-password", "hunter2");
    const key = await createSecret("prefect-worker-api-key", API_KEY_VALUE);
    const r = await runJob(w.infrastructure(), {
      templateOverrides: {
        task_definition: {
          containerDefinitions: [
            { name: "prefect", image: "busybox", secrets: [{ name: "PREFECT_API_KEY", valueFrom: stale }, { name: "MY_DATABASE_PASSWORD", valueFrom: db }] },
          ],
        },
      },
      variables: { api_key_secret_arn: key, launch_type: "EC2", command: `sh -c 'test "$PREFECT_API_KEY" = "${API_KEY_VALUE}" && test "$MY_DATABASE_PASSWORD" = hunter2'` },
    });
    expect(r.result.exitCode).toBe(0);
    const { td } = await taskAndDefinition(r.taskArn);
    // The configured ARN replaced the stale one in place; the template's other secret is kept.
    expect(containerOf(td.containerDefinitions, "prefect")!.secrets).toEqual([
      { name: "PREFECT_API_KEY", valueFrom: key },
      { name: "MY_DATABASE_PASSWORD", valueFrom: db },
    ]);
  });

  it("refuses secrets on Fargate without an execution role, and an api_key_secret_arn that does not exist, before RunTask", async () => {
    const noRole = render({ variables: { api_key_secret_arn: await createSecret("k", "v") } });
    const roleError = await w.infrastructure().run(makeJob(noRole.configuration, noRole.flowRun).job).catch((e: unknown) => e);
    expect((roleError as Error).message).toContain("need an execution role");
    const before = callsOf(w, "ecs:RunTask");
    const { configuration, flowRun } = render({ variables: { api_key_secret_arn: `arn:aws:secretsmanager:${REGION}:000000000000:secret:no-such-secret`, execution_role_arn: "arn:aws:iam::000000000000:role/exec" } });
    const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionError);
    expect((error as Error).message).toContain("does not exist in Secrets Manager");
    expect(callsOf(w, "ecs:RunTask")).toBe(before);
  });

  it("turns labels into tags slugified to AWS's charset, not on the definition; labels win over template tags", async () => {
    const weird = "af_sn253@!$@&$%@(bfausfg!#!*&):@cas{}[]'XY";
    const r = await runJob(w.infrastructure(), {
      variables: { labels: { foo: "bar", [weird]: weird, "flow-name": "Hello, World", OVERRIDE: "NEW" } },
      templateOverrides: { task_run_request: { tags: [{ key: "BAR", value: "FOO" }, { key: "OVERRIDE", value: "OLD" }] } },
    });
    const { task, td } = await taskAndDefinition(r.taskArn);
    const tags = Object.fromEntries(task.tags!.map((t) => [t.key, t.value]));
    expect(tags.foo).toBe("bar");
    expect(tags["af_sn253@-@-@-bfausfg-:@cas-XY"]).toBe("af_sn253@-@-@-bfausfg-:@cas-XY");
    expect(tags["flow-name"]).toBe("Hello-World");
    expect(tags.BAR).toBe("FOO");
    expect(tags.OVERRIDE).toBe("NEW");
    expect(tags["prefect.io/flow-run-id"]).toBe(r.job.flowRun.id);
    expect((td.tags ?? []).map((t) => t.key)).toEqual([TASK_DEFINITION_HASH_TAG]);
  });

  it("sets the task role and the execution role where they belong", async () => {
    const r = await runJob(w.infrastructure(), { variables: { task_role_arn: "arn:aws:iam::000000000000:role/task", execution_role_arn: "arn:aws:iam::000000000000:role/exec" } });
    const { task, td } = await taskAndDefinition(r.taskArn);
    expect(task.overrides!.taskRoleArn).toBe("arn:aws:iam::000000000000:role/task");
    expect(td.executionRoleArn).toBe("arn:aws:iam::000000000000:role/exec");
  });
});

describe("CloudWatch logs options", () => {
  for (const [title, options, withDeployment] of [
    ["a prefix option", { "awslogs-stream-prefix": "override-prefix", "max-buffer-size": "2m" }, true],
    ["other options, with a deployment", { "max-buffer-size": "2m" }, true],
    ["other options, without a deployment", { "max-buffer-size": "2m" }, false],
  ] as const) {
    it(`configures awslogs on the orchestration container only (${title})`, async () => {
      const flowRun = fakeFlowRun(withDeployment ? {} : { deployment_id: null });
      const r = await runJob(w.infrastructure(), {
        flowRun,
        variables: { configure_cloudwatch_logs: true, execution_role_arn: "arn:aws:iam::000000000000:role/exec", cloudwatch_logs_options: options },
      });
      const { td } = await taskAndDefinition(r.taskArn);
      const prefix = "awslogs-stream-prefix" in options ? options["awslogs-stream-prefix"] : `prefect-logs_test-pool_${flowRun.deployment_id ?? flowRun.flow_id}`;
      expect(containerOf(td.containerDefinitions, "prefect")!.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: { "awslogs-create-group": "true", "awslogs-group": "prefect", "awslogs-region": REGION, "awslogs-stream-prefix": prefix, "max-buffer-size": "2m" },
      });
    });
  }

  it("refuses CloudWatch logs on Fargate without an execution role, and options without configure_cloudwatch_logs", async () => {
    const before = callsOf(w, "ecs:RunTask");
    for (const variables of [{ configure_cloudwatch_logs: true }, { cloudwatch_logs_options: { "max-buffer-size": "2m" } }]) {
      const { configuration, flowRun } = render({ variables });
      const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubmissionError);
    }
    expect(callsOf(w, "ecs:RunTask")).toBe(before);
  });
});

describe("a linked task definition (task_definition_arn)", () => {
  it("is used as is, never registered, with the ignored template variables named in a warning", async () => {
    const arn = (await w.ecs.send(new RegisterTaskDefinitionCommand({ ...TEST_TASK_DEFINITION, executionRoleArn: "base" }))).taskDefinition!.taskDefinitionArn!;
    const before = callsOf(w, "ecs:RegisterTaskDefinition");
    const capture = new LogCapture("warn");
    const r = await runJob(w.infrastructure(), {
      logger: capture.logger,
      variables: { task_definition_arn: arn, launch_type: "EC2", image: "new-image", family: "foobar", configure_cloudwatch_logs: true, execution_role_arn: "x" },
    });
    expect(callsOf(w, "ecs:RegisterTaskDefinition")).toBe(before);
    const task = await describeTask(w.ecs, r.taskArn);
    expect(task.taskDefinitionArn).toBe(arn);
    const warning = r.output.map((o) => o.line).find((l) => l.startsWith("Skipping task definition construction since a task definition ARN is provided"))!;
    for (const name of ["image", "family", "configure_cloudwatch_logs", "execution_role_arn"]) expect(warning).toContain(name);
    expect(capture.text).toContain("Skipping task definition construction");
  });

  it("is never deregistered, even with auto_deregister_task_definition", async () => {
    const arn = (await w.ecs.send(new RegisterTaskDefinitionCommand(TEST_TASK_DEFINITION))).taskDefinition!.taskDefinitionArn!;
    await runJob(w.infrastructure(), { variables: { task_definition_arn: arn, launch_type: "EC2", auto_deregister_task_definition: true } });
    expect((await describeTaskDefinition(w.ecs, arn)).status).toBe("ACTIVE");
  });

  it("fails with a clear message when it does not exist", async () => {
    const { configuration, flowRun } = render({ variables: { task_definition_arn: "arn:aws:ecs:us-east-1:000000000000:task-definition/nope:1", launch_type: "EC2" } });
    const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionError);
    expect((error as Error).message).toContain("does not exist in this account and Region");
  });
});

const API_KEY_VALUE = "pnu_TaskDefinitionSuiteKey0123456789";

async function createSecret(name: string, value: string): Promise<string> {
  const sm = new SecretsManagerClient(w.clientConfig);
  try {
    return (await sm.send(new CreateSecretCommand({ Name: `${name}-${Math.random().toString(36).slice(2)}`, SecretString: value }))).ARN!;
  } finally {
    sm.destroy();
  }
}
