// Task definitions without churn: canonical hash, at most one registration per hash, reuse after
// a restart, match_latest_revision_in_family, single flight, the registration budget and retries,
// and deregistration of only what this worker registered.

import { DeregisterTaskDefinitionCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalTaskDefinition, taskDefinitionHash, TASK_DEFINITION_HASH_TAG } from "../../../../packages/worker/src/infrastructure/ecs/index.js";
import { callsOf, describeTask, describeTaskDefinition, eventually, fakeFlowRun, makeJob, render, runJob, startWorld, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const taskDefinitionOf = async (taskArn: string) => (await describeTask(w.ecs, taskArn)).taskDefinitionArn!;

describe("canonical form and hash", () => {
  const base = {
    family: "test-family",
    containerDefinitions: [
      {
        name: "prefect",
        image: "prefecthq/prefect:3-latest",
        cpu: 256,
        memory: 512,
        environment: [
          { name: "PREFECT_API_URL", value: "https://api.prefect.cloud" },
          { name: "ENVIRONMENT", value: "production" },
          { name: "DATABASE_URL", value: "postgresql://..." },
        ],
        secrets: [
          { name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-pass" },
          { name: "API_KEY", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key" },
        ],
      },
    ],
  };

  it("is the same whatever the order of environment, secrets and keys", () => {
    const reordered = {
      containerDefinitions: [
        {
          secrets: [...base.containerDefinitions[0].secrets].reverse(),
          environment: [...base.containerDefinitions[0].environment].reverse(),
          memory: 512,
          cpu: 256,
          image: "prefecthq/prefect:3-latest",
          name: "prefect",
        },
      ],
      family: "test-family",
    };
    expect(taskDefinitionHash(reordered)).toBe(taskDefinitionHash(base));
  });

  it("fills AWS's defaults and drops what AWS adds after registration", () => {
    const described = {
      ...structuredClone(base),
      taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/test-family:3",
      revision: 3,
      status: "ACTIVE",
      compatibilities: ["EC2"],
      requiresAttributes: [{ name: "x" }],
      registeredAt: new Date(),
      registeredBy: "me",
      networkMode: "bridge",
      volumes: [],
      placementConstraints: [],
    };
    described.containerDefinitions[0] = { ...described.containerDefinitions[0], essential: true, portMappings: [], mountPoints: [], volumesFrom: [] } as never;
    expect(taskDefinitionHash(described)).toBe(taskDefinitionHash(base));
    expect(canonicalTaskDefinition(base)).toMatchObject({ networkMode: "bridge", containerDefinitions: [{ essential: true }] });
  });

  it("differs for anything that changes how the task runs", () => {
    const changed = (f: (d: any) => void) => {
      const d = structuredClone(base) as any;
      f(d);
      return taskDefinitionHash(d);
    };
    const h = taskDefinitionHash(base);
    expect(changed((d) => (d.containerDefinitions[0].image = "prefecthq/prefect:2-latest"))).not.toBe(h);
    expect(changed((d) => (d.containerDefinitions[0].cpu = 512))).not.toBe(h);
    expect(changed((d) => (d.executionRoleArn = "test-role"))).not.toBe(h);
    expect(changed((d) => (d.containerDefinitions[0].essential = false))).not.toBe(h);
    // stopTimeout 0 is not the default (30): 0 is kept, not dropped as empty.
    expect(changed((d) => (d.containerDefinitions[0].stopTimeout = 0))).not.toBe(h);
    expect(changed((d) => (d.cpu = "1 vCPU"))).toBe(changed((d) => (d.cpu = "1024")));
  });

  it("of a registered definition, described back by ECS, equals the hash of what was registered", async () => {
    const { configuration, flowRun } = render({ variables: { image: "busybox", cpu: 512, memory: 1024, execution_role_arn: "arn:aws:iam::000000000000:role/exec", configure_cloudwatch_logs: true } });
    const job = makeJob(configuration, flowRun);
    await w.infrastructure().run(job.job);
    const td = await describeTaskDefinition(w.ecs, await taskDefinitionOf(job.started[0].split("::")[1]));
    const tag = td.tags!.find((t) => t.key === TASK_DEFINITION_HASH_TAG)!.value;
    const { tags: _tags, ...content } = td;
    expect(taskDefinitionHash(content as Record<string, unknown>)).toBe(tag);
  });
});

describe("registration at most once per hash", () => {
  it("reuses the definition for a second run of the same configuration, registering once", async () => {
    const infra = w.infrastructure();
    const before = callsOf(w, "ecs:RegisterTaskDefinition");
    const flowRun = fakeFlowRun();
    const a = await runJob(infra, { flowRun });
    const b = await runJob(infra, { flowRun: { ...flowRun, id: fakeFlowRun().id } });
    expect(await taskDefinitionOf(a.taskArn)).toBe(await taskDefinitionOf(b.taskArn));
    expect(callsOf(w, "ecs:RegisterTaskDefinition") - before).toBe(1);
    expect(infra.registry.registrations).toBe(1);
  });

  it("registers one definition for 25 concurrent runs of one configuration (single flight)", async () => {
    const infra = w.infrastructure();
    const deployment = fakeFlowRun();
    const before = callsOf(w, "ecs:RegisterTaskDefinition");
    const results = await Promise.all(Array.from({ length: 25 }, () => runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id } })));
    const arns = new Set(await Promise.all(results.map((r) => taskDefinitionOf(r.taskArn))));
    expect(arns.size).toBe(1);
    expect(callsOf(w, "ecs:RegisterTaskDefinition") - before).toBe(1);
  });

  it("never registers for runtime-only changes: env, command, labels, cluster, task role, a null env", async () => {
    for (const launchType of ["EC2", "FARGATE"]) {
      const infra = w.infrastructure();
      const deployment = fakeFlowRun();
      const base = { execution_role_arn: "arn:aws:iam::000000000000:role/exec", launch_type: launchType };
      const first = await runJob(infra, { flowRun: deployment, variables: base });
      const arn = await taskDefinitionOf(first.taskArn);
      const before = callsOf(w, "ecs:RegisterTaskDefinition");
      for (const change of [{ env: { FOO: "BAR" } }, { command: "sh -c 'echo other'" }, { labels: { FOO: "BAR" } }, { cluster: "default" }, { task_role_arn: "arn:aws:iam::000000000000:role/t" }, { env: { FOO: null } }]) {
        const r = await runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id }, variables: { ...base, ...change } });
        expect(await taskDefinitionOf(r.taskArn)).toBe(arn);
      }
      expect(callsOf(w, "ecs:RegisterTaskDefinition")).toBe(before);
    }
  });

  it.each([{ image: "new-image" }, { configure_cloudwatch_logs: true }, { family: "foobar" }])("registers anew when the definition changes (%o)", async (change) => {
    const infra = w.infrastructure();
    const deployment = fakeFlowRun();
    const base = { execution_role_arn: "arn:aws:iam::000000000000:role/exec" };
    const a = await runJob(infra, { flowRun: deployment, variables: base });
    const b = await runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id }, variables: { ...base, ...change } });
    expect(await taskDefinitionOf(a.taskArn)).not.toBe(await taskDefinitionOf(b.taskArn));
  });

  it("keeps one definition per deployment (families differ), and per flow without a deployment", async () => {
    const infra = w.infrastructure();
    const one = fakeFlowRun();
    const a = await runJob(infra, { flowRun: one });
    const b = await runJob(infra, { flowRun: fakeFlowRun({ flow_id: one.flow_id }) });
    const c = await runJob(infra, { flowRun: fakeFlowRun({ flow_id: one.flow_id, deployment_id: null }) });
    const arns = await Promise.all([a, b, c].map((r) => taskDefinitionOf(r.taskArn)));
    expect(new Set(arns).size).toBe(3);
  });

  it("after a worker restart, finds its definition by the hash tag instead of registering again", async () => {
    const deployment = fakeFlowRun();
    const first = await runJob(w.infrastructure(), { flowRun: deployment });
    const before = callsOf(w, "ecs:RegisterTaskDefinition");
    const restarted = w.infrastructure();
    const second = await runJob(restarted, { flowRun: { ...deployment, id: fakeFlowRun().id } });
    expect(await taskDefinitionOf(second.taskArn)).toBe(await taskDefinitionOf(first.taskArn));
    expect(callsOf(w, "ecs:RegisterTaskDefinition")).toBe(before);
  });

  it("registers again when its definition was deregistered from outside", async () => {
    const infra = w.infrastructure();
    const deployment = fakeFlowRun();
    const first = await runJob(infra, { flowRun: deployment });
    const arn = await taskDefinitionOf(first.taskArn);
    await w.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    const second = await runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id } });
    expect(second.result.exitCode).toBe(0);
    const again = await taskDefinitionOf(second.taskArn);
    expect(again).not.toBe(arn);
    expect((await describeTaskDefinition(w.ecs, again)).status).toBe("ACTIVE");
  });
});

describe("match_latest_revision_in_family", () => {
  it("reuses the family's latest revision registered by someone else when its content is the same", async () => {
    for (const family of [undefined, "test-family-match"]) {
      const deployment = fakeFlowRun();
      const familyName = family ?? `prefect_test-pool_${deployment.deployment_id}`;
      const variables = { execution_role_arn: "arn:aws:iam::000000000000:role/exec", image: "busybox", ...(family ? { family } : {}) };
      // What ecsflow would register, registered by hand without the hash tag (revision 1: different; revision 2: equal).
      await w.ecs.send(new RegisterTaskDefinitionCommand({ family: familyName, containerDefinitions: [{ name: "prefect", image: "busybox:other", memory: 64 }] }));
      const equal = await w.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: familyName,
          containerDefinitions: [{ name: "prefect", image: "busybox", essential: true }],
          cpu: "1024",
          memory: "2048",
          networkMode: "awsvpc",
          requiresCompatibilities: ["FARGATE"],
          executionRoleArn: "arn:aws:iam::000000000000:role/exec",
        }),
      );
      const before = callsOf(w, "ecs:RegisterTaskDefinition");
      const matched = await runJob(w.infrastructure(), { flowRun: deployment, variables: { ...variables, match_latest_revision_in_family: true } });
      expect(await taskDefinitionOf(matched.taskArn)).toBe(equal.taskDefinition!.taskDefinitionArn);
      expect(await taskDefinitionOf(matched.taskArn)).toMatch(/:2$/);
      expect(callsOf(w, "ecs:RegisterTaskDefinition")).toBe(before);
      // Without the flag, an untagged revision is not trusted: ecsflow registers its own (tagged) one.
      const unmatched = await runJob(w.infrastructure(), { flowRun: { ...deployment, id: fakeFlowRun().id }, variables });
      expect(await taskDefinitionOf(unmatched.taskArn)).toMatch(/:3$/);
    }
  });
});

describe("the registration budget and retries", () => {
  it("retries a throttled RegisterTaskDefinition with backoff and registers once", async () => {
    w.ecsLocal.admin.setFaults([{ kind: "throttle", operation: "RegisterTaskDefinition", count: 2 }]);
    try {
      // A fast budget: this is about the retries, not the pacing.
      const infra = w.infrastructure({ registerPolicy: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 50, budgetMs: 10_000 }, budgets: { registerTaskDefinition: { burst: 10, ratePerSecond: 100 } } });
      const before = callsOf(w, "ecs:RegisterTaskDefinition");
      const r = await runJob(infra);
      expect(r.result.exitCode).toBe(0);
      expect(callsOf(w, "ecs:RegisterTaskDefinition") - before).toBe(3);
      expect(infra.registry.registrations).toBe(1);
      expect(infra.budget.throttles.RegisterTaskDefinitionCommand).toBe(2);
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });

  it("gives up after its attempts with a SubmissionError that says why", async () => {
    w.ecsLocal.admin.setFaults([{ kind: "throttle", operation: "RegisterTaskDefinition" }]);
    try {
      const infra = w.infrastructure({ registerPolicy: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10, budgetMs: 10_000 }, budgets: { registerTaskDefinition: { burst: 10, ratePerSecond: 100 } } });
      const { configuration, flowRun } = render();
      const error = await infra.run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
      expect((error as Error).name).toBe("SubmissionError");
      expect((error as Error).message).toContain("ECS refused to register the task definition");
    } finally {
      w.ecsLocal.admin.setFaults([]);
    }
  });

  it("keeps to 1 registration a second for definitions of different families, so AWS's 1/s limit never throttles", async () => {
    // AWS: 1/s with a burst of 20; here a burst of 2, so only the client-side pacing keeps it unthrottled.
    w.ecsLocal.admin.setLimits({ enabled: true, buckets: { registerTaskDefinition: { burst: 2, ratePerSecond: 1 } } });
    try {
      const infra = w.infrastructure();
      const runs = await Promise.all([0, 1, 2, 3, 4].map(() => runJob(infra)));
      expect(runs.every((r) => r.result.exitCode === 0)).toBe(true);
      expect(infra.registry.registrations).toBe(5);
      expect(infra.budget.throttles.RegisterTaskDefinitionCommand ?? 0).toBe(0);
    } finally {
      w.ecsLocal.admin.setLimits({ enabled: false });
    }
  });
});

describe("auto_deregister_task_definition", () => {
  it("deregisters a definition this worker registered once its run has ended", async () => {
    const r = await runJob(w.infrastructure(), { variables: { auto_deregister_task_definition: true } });
    const arn = await taskDefinitionOf(r.taskArn);
    await eventually(async () => ((await describeTaskDefinition(w.ecs, arn)).status === "INACTIVE" ? true : undefined), "deregistration");
    expect((await describeTaskDefinition(w.ecs, arn)).status).toBe("INACTIVE");
  });

  it("waits until no run of the worker still uses it", async () => {
    const infra = w.infrastructure();
    const deployment = fakeFlowRun();
    const variables = { auto_deregister_task_definition: true, command: "sh -c 'sleep 1'" };
    const [a, b] = await Promise.all([runJob(infra, { flowRun: deployment, variables }), runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id }, variables })]);
    const arn = await taskDefinitionOf(a.taskArn);
    expect(await taskDefinitionOf(b.taskArn)).toBe(arn);
    expect(a.result.exitCode).toBe(0);
    expect(b.result.exitCode).toBe(0);
    expect((await describeTaskDefinition(w.ecs, arn)).status).toBe("INACTIVE");
  });

  it("never deregisters a definition another worker registered, even one it reused", async () => {
    const deployment = fakeFlowRun();
    const first = await runJob(w.infrastructure(), { flowRun: deployment });
    const arn = await taskDefinitionOf(first.taskArn);
    const reuser = await runJob(w.infrastructure(), { flowRun: { ...deployment, id: fakeFlowRun().id }, variables: { auto_deregister_task_definition: true } });
    expect(await taskDefinitionOf(reuser.taskArn)).toBe(arn);
    expect((await describeTaskDefinition(w.ecs, arn)).status).toBe("ACTIVE");
  });
});
