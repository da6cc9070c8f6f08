import { describe, expect, it } from "vitest";
import { planAdoption } from "../../packages/worker/src/adoption-plan.js";
import { fakeFlowRun } from "./infrastructure/ecs/ecs-fixture.js";

describe("planAdoption", () => {
  const listed = (flowRunId: string, infrastructurePid: string, running: boolean, attempt?: number) => ({ flowRunId, infrastructurePid, running, attempt });

  it("keeps the recorded id, else the listed one (running first, then the latest attempt), else none", () => {
    const recorded = fakeFlowRun({ state_type: "RUNNING", infrastructure_pid: "c::recorded" });
    const unrecorded = fakeFlowRun({ state_type: "PENDING" });
    const never = fakeFlowRun({ state_type: "PENDING" });
    const plan = planAdoption(
      [recorded, unrecorded, never],
      [listed(recorded.id, "c::other", true), listed(unrecorded.id, "c::old", false, 0), listed(unrecorded.id, "c::live", true, 0), listed(unrecorded.id, "c::stopped-later", false, 1)],
    );
    expect(plan.map((c) => [c.infrastructurePid, c.found])).toEqual([
      ["c::recorded", false],
      ["c::live", true],
      [null, false],
    ]);
  });

  it("leaves out runs that are not open", () => {
    const done = fakeFlowRun({ state_type: "COMPLETED", infrastructure_pid: "c::x" });
    const scheduled = fakeFlowRun({ state_type: "SCHEDULED" });
    const cancelling = fakeFlowRun({ state_type: "CANCELLING" });
    expect(planAdoption([done, scheduled, cancelling], []).map((c) => c.flowRun.id)).toEqual([cancelling.id]);
  });
});
