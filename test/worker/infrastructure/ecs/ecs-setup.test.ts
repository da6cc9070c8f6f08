// Setup and the infrastructure's surface: the worker's AWS identity, the default template, options.

import { afterAll, beforeAll, expect, it } from "vitest";
import { ecsDefaultBaseJobTemplate } from "../../../../packages/schemas/src/index.js";
import { compileEcsInfrastructureOptions, EcsInfrastructureOptionsError } from "../../../../packages/worker/src/infrastructure/ecs/index.js";
import { LogCapture, startWorld, type World } from "./ecs-fixture.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

it("says at setup which AWS identity and Region the worker acts as (STS)", async () => {
  const capture = new LogCapture("info");
  await w.infrastructure({ checkCredentialsOnSetup: true, logger: capture.logger }).setup();
  const line = capture.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "ECS worker acting as this AWS identity");
  expect(line).toMatchObject({ account: "000000000000", region: "us-east-1" });
});

it("warns, without failing, when it cannot confirm the identity", async () => {
  const capture = new LogCapture("warn");
  await expect(w.infrastructure({ checkCredentialsOnSetup: true, logger: capture.logger, endpoint: "http://127.0.0.1:9", maxAttempts: 1 }).setup()).resolves.toBeUndefined();
  expect(capture.text).toContain("could not confirm the worker's AWS identity");
  expect(capture.text).not.toContain("worker-secret-access-key");
});

it("is type ecs, with the default ECS base job template", () => {
  const infra = w.infrastructure();
  expect(infra.type).toBe("ecs");
  expect(infra.defaultBaseJobTemplate).toEqual(ecsDefaultBaseJobTemplate);
});

it("refuses bad options with a typed error naming the option", () => {
  expect(() => compileEcsInfrastructureOptions({ endpoint: "not a url" })).toThrow(EcsInfrastructureOptionsError);
  expect(() => compileEcsInfrastructureOptions({ budgets: { describeTasks: { burst: 0, ratePerSecond: 1 } } })).toThrow("Budget describeTasks needs burst ≥ 1");
  expect(compileEcsInfrastructureOptions({}).defaultImage).toBe("ecsflow/ecsflow:latest");
});
