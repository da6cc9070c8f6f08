import { describe, expect, it } from "vitest";
import * as client from "../../packages/client/src/index.js";
import { ApiUnreachableError, ApiValidationError, EcsflowError, EntrypointError, ObjectNotFoundError, RunTimeoutError, SdkError } from "../../packages/sdk/src/index.js";

// One error hierarchy for the client and the SDK: flow code catches the API's errors and the
// SDK's from "ecsflow", and tells them apart by class or by their stable `code`.
describe("errors of the client and the SDK", () => {
  it("share one base class and keep their names and codes", () => {
    const timeout = new RunTimeoutError("too slow");
    const unreachable = new ApiUnreachableError("no route", "http://127.0.0.1:1/api", { cause: new Error("ECONNREFUSED") });
    const notFound = client.errorForStatus(404, { detail: "Flow run not found" }, "GET", "/flow_runs/x");
    for (const err of [timeout, unreachable, notFound, new EntrypointError("no such export")]) {
      expect(err).toBeInstanceOf(EcsflowError);
      expect(err).toBeInstanceOf(Error);
    }
    expect(timeout).toBeInstanceOf(SdkError);
    expect(notFound).toBeInstanceOf(ObjectNotFoundError);
    expect([timeout.name, timeout.code]).toEqual(["RunTimeoutError", "TIMED_OUT"]);
    expect([unreachable.name, unreachable.code, unreachable.url]).toEqual(["ApiUnreachableError", "UNREACHABLE", "http://127.0.0.1:1/api"]);
    expect((unreachable.cause as Error).message).toBe("ECONNREFUSED");
    expect([notFound.name, notFound.code, notFound.message]).toEqual(["ObjectNotFoundError", "NOT_FOUND", "GET /flow_runs/x failed with 404: Flow run not found"]);
  });

  it("are the same classes whether imported from the SDK or the client", () => {
    expect(ApiValidationError).toBe(client.ApiValidationError);
    expect(EcsflowError).toBe(client.EcsflowError);
  });
});
