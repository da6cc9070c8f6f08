import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings, redactSettings, SettingsError, writeProfileValue } from "../../packages/settings/src/index.js";

const home = () => mkdtempSync(join(tmpdir(), "ecsflow-settings-"));

describe("loadSettings", () => {
  it("fills defaults from the home folder", () => {
    const h = home();
    const s = loadSettings({ env: { ECSFLOW_HOME: h } });
    expect(s["server.port"]).toBe(4200);
    expect(s["server.host"]).toBe("127.0.0.1");
    expect(s["server.database_url"]).toBe(`sqlite://${join(h, "ecsflow.db")}`);
    expect(s["api.url"]).toBeUndefined();
  });

  it("applies flag > environment > profile > default", () => {
    const h = home();
    writeFileSync(join(h, "config.json"), JSON.stringify({ "server.port": 1111, "api.url": "http://profile/api" }));
    const env = { ECSFLOW_HOME: h, PREFECT_SERVER_API_PORT: "2222" };
    expect(loadSettings({ env })["server.port"]).toBe(2222);
    expect(loadSettings({ env })["api.url"]).toBe("http://profile/api");
    expect(loadSettings({ env, flags: { "server.port": 3333 } })["server.port"]).toBe(3333);
    expect(loadSettings({ env: { ECSFLOW_HOME: h } })["server.port"]).toBe(1111);
  });

  it("prefers ECSFLOW_* over PREFECT_* names", () => {
    const s = loadSettings({ env: { ECSFLOW_HOME: home(), PREFECT_API_URL: "http://p/api", ECSFLOW_API_URL: "http://e/api" } });
    expect(s["api.url"]).toBe("http://e/api");
  });

  it("rejects a non-numeric port naming the variable", () => {
    expect(() => loadSettings({ env: { ECSFLOW_HOME: home(), ECSFLOW_SERVER_PORT: "eighty" } })).toThrowError(/ECSFLOW_SERVER_PORT/);
    expect(() => loadSettings({ env: { ECSFLOW_HOME: home(), ECSFLOW_SERVER_PORT: "eighty" } })).toThrowError(SettingsError);
  });

  it("masks secrets when printed", () => {
    const s = loadSettings({
      env: { ECSFLOW_HOME: home(), PREFECT_API_KEY: "pnu_secret", ECSFLOW_DATABASE_URL: "postgresql://u:hunter2@db:5432/x" },
    });
    const shown = JSON.stringify(redactSettings(s));
    expect(shown).not.toContain("pnu_secret");
    expect(shown).not.toContain("hunter2");
    expect(shown).toContain("postgresql://u:****@db:5432/x");
  });

  it("writes and removes profile values, refusing unknown keys", () => {
    const h = home();
    const path = join(h, "config.json");
    writeProfileValue(path, "api.url", "http://x/api");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ "api.url": "http://x/api" });
    writeProfileValue(path, "api.url", undefined);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({});
    expect(() => writeProfileValue(path, "no.such", "1")).toThrowError(/Unknown setting/);
  });
});
