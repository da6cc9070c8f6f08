import { describe, expect, it } from "vitest";
import { DatabaseConfigError, parseDatabaseUrl } from "../../packages/server/src/database/index.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["sqlite:///var/lib/ecsflow/x.db", { engine: "sqlite", path: "/var/lib/ecsflow/x.db" }],
    ["sqlite+aiosqlite:///tmp/p.db", { engine: "sqlite", path: "/tmp/p.db" }],
    ["sqlite::memory:", { engine: "sqlite", path: ":memory:" }],
    ["/tmp/plain.db", { engine: "sqlite", path: "/tmp/plain.db" }],
    ["postgresql://postgres@127.0.0.1:5432/test", { engine: "postgresql", connectionString: "postgresql://postgres@127.0.0.1:5432/test" }],
    ["postgres://u:p@h/db", { engine: "postgresql", connectionString: "postgresql://u:p@h/db" }],
    ["postgresql+asyncpg://u@h/db", { engine: "postgresql", connectionString: "postgresql://u@h/db" }],
  ])("reads %s", (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each(["mysql://root@localhost/x", "", "sqlite://"])("refuses %j with a message saying what works", (url) => {
    expect(() => parseDatabaseUrl(url)).toThrowError(DatabaseConfigError);
    expect(() => parseDatabaseUrl(url)).toThrowError(/sqlite:\/\/\//);
  });
});
