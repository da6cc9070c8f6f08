import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../packages/cli/src/main.js";
import { ecsflow } from "./run-ecsflow.js";

const NOUNS = ["work-pool", "work-queue", "deployment", "flow-run", "worker", "flow"];

function walk(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()], cmd: c }, ...walk(c, [...path, c.name()])]);
}

describe("ecsflow --help", () => {
  it("describes every command and every option of the API nouns", () => {
    const commands = walk(buildProgram()).filter((c) => NOUNS.includes(c.path[0]));
    const paths = commands.map((c) => c.path.join(" "));
    for (const expected of [
      "work-pool create", "work-pool ls", "work-pool inspect", "work-pool update", "work-pool pause", "work-pool resume", "work-pool delete",
      "work-queue create", "work-queue ls", "work-queue inspect", "work-queue update", "work-queue pause", "work-queue resume", "work-queue delete",
      "deployment ls", "deployment inspect", "deployment run", "deployment pause", "deployment resume", "deployment delete",
      "flow-run ls", "flow-run inspect", "flow-run logs", "flow-run cancel", "flow-run retry",
      "worker ls", "flow ls",
    ]) {
      expect(paths).toContain(expected);
    }
    for (const { path, cmd } of commands) {
      expect(cmd.description(), path.join(" ")).not.toBe("");
      for (const option of cmd.options) expect(option.description, `${path.join(" ")} ${option.flags}`).not.toBe("");
      if (cmd.commands.length === 0) {
        // Every leaf that talks to the API takes the same two flags.
        // `worker start` and `flow-run execute` are long-running processes configured by their environment (in ECS tasks), not API queries.
        if (!["worker start", "flow-run execute"].includes(path.join(" "))) expect(cmd.options.map((o) => o.long), path.join(" ")).toEqual(expect.arrayContaining(["--api-url", "--json"]));
        expect(cmd.helpInformation()).toMatch(new RegExp(`^Usage: ecsflow ${path.join(" ")}`));
      }
    }
  });

  it("prints a verb's help and exits 0 from the built command", async () => {
    const r = await ecsflow(["deployment", "run", "--help"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ecsflow deployment run \[options\] <deployment>/);
    expect(r.stdout).toMatch(/--param <key=value>/);
    expect(r.stdout).toMatch(/--watch/);
  });
});
