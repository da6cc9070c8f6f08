import { describe, expect, it } from "vitest";
import { isPrefectClientAtMost } from "../../packages/server/src/routes/prefect-client-version.js";

describe("Prefect client version from the User-Agent", () => {
  it.each([
    ["prefect/3.3.7 (API 0.8.4)", true],
    ["prefect/3.3.6 (API 0.8.4)", true],
    ["prefect/2.13.8 (API 0.8.4)", true],
    ["prefect/3.3.7rc1 (API 0.8.4)", true],
    ["prefect/3.3.8 (API 0.8.4)", false],
    ["prefect/3.10.0 (API 0.8.4)", false],
    ["prefect/4.0.0 (API 0.8.4)", false],
    ["python-httpx/0.27", false],
    [undefined, false],
  ])("%s is at most 3.3.7: %s", (userAgent, expected) => {
    expect(isPrefectClientAtMost(userAgent, [3, 3, 7])).toBe(expected);
  });
});
