// vitest globalSetup: a container engine for the container-mode tests. ECSFLOW_TEST_ENGINE_HOST
// names one (e.g. a developer's Docker); otherwise, where Debian's podman is installed, Podman's
// Docker-compatible service runs on a private socket for the length of the run. Tests read the
// address with inject("engineHost"); null means skip, with the reason in inject("engineSkipReason").
import type { TestProject } from "vitest/node";
import { engineAnswers, parseEngineAddress } from "../../packages/ecs-local/src/runtime/detect-engine.js";
import { startPodmanService } from "./podman-service.js";

declare module "vitest" {
  export interface ProvidedContext {
    engineHost: string | null;
    engineSkipReason: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const use = (engineHost: string | null, reason: string) => {
    project.provide("engineHost", engineHost);
    project.provide("engineSkipReason", reason);
  };
  const explicit = process.env.ECSFLOW_TEST_ENGINE_HOST;
  if (explicit) {
    const address = parseEngineAddress(explicit);
    if (!address || !(await engineAnswers(address))) use(null, `ECSFLOW_TEST_ENGINE_HOST=${explicit} does not answer the Docker Engine API`);
    else use(explicit, "");
    return async () => undefined;
  }
  const podman = await startPodmanService();
  if ("skipReason" in podman) {
    use(null, podman.skipReason);
    return async () => undefined;
  }
  use(podman.engineHost, "");
  return () => podman.stop();
}
