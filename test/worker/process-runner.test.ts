import { describe, expect, it } from "vitest";
import { InfrastructureNotAvailableError, InfrastructureNotFoundError, SubmissionError } from "../../packages/worker/src/errors.js";
import { parseCommand } from "../../packages/worker/src/infrastructure/process/parse-command.js";
import { LineSplitter } from "../../packages/worker/src/infrastructure/process/line-splitter.js";
import { ProcessRunner } from "../../packages/worker/src/infrastructure/process/process-runner.js";
import { explainExitCode } from "../../packages/worker/src/explain-exit-code.js";

const env = { PATH: "/usr/local/bin:/usr/bin:/bin" };

describe("parseCommand", () => {
  it.each([
    ["ecsflow flow-run execute", ["ecsflow", "flow-run", "execute"]],
    [`python -c "print('a b')"`, ["python", "-c", "print('a b')"]],
    [`echo 'x  y' z\\ w`, ["echo", "x  y", "z w"]],
    [`echo $HOME`, ["echo", "$HOME"]],
  ])("splits %j", (command, argv) => {
    expect(parseCommand(command)).toEqual(argv);
  });

  it("passes lists through and refuses empties and shell operators with a fix", () => {
    expect(parseCommand(["a", "b c"])).toEqual(["a", "b c"]);
    expect(() => parseCommand("")).toThrowError(SubmissionError);
    expect(() => parseCommand("a && b")).toThrowError(/sh -c/);
  });
});

describe("LineSplitter", () => {
  it("joins chunks into lines, keeps the tail until end, and cuts runaway lines", () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 5);
    s.push("ab");
    s.push("c\r\nde\nfg");
    s.push("hijklmn");
    s.end();
    expect(lines).toEqual(["abc", "de", "fghij", "klmn"]);
  });
});

describe("ProcessRunner", () => {
  it("runs a command, streams both outputs in order and reports the exit code", async () => {
    const runner = new ProcessRunner();
    const out: string[] = [];
    const { infrastructurePid, exited } = await runner.start(
      { argv: ["sh", "-c", "echo one; echo two >&2; echo \"$GREETING\"; exit 3"], env: { ...env, GREETING: "hi" }, streamOutput: true },
      (line, stream) => out.push(`${stream}:${line}`),
    );
    expect(infrastructurePid).toMatch(/^.+:\d+$/);
    expect(await exited).toEqual({ exitCode: 3, signal: null });
    expect(out.filter((l) => l.startsWith("stdout"))).toEqual(["stdout:one", "stdout:hi"]);
    expect(out).toContain("stderr:two");
    expect(runner.running).toBe(0);
  });

  it("fails to start a missing command with a SubmissionError naming it", async () => {
    const runner = new ProcessRunner();
    const err = await runner.start({ argv: ["no-such-command-xyz"], env, streamOutput: true }, () => undefined).catch((e) => e);
    expect(err).toBeInstanceOf(SubmissionError);
    expect(err.message).toContain("no-such-command-xyz");
  });

  it("kills the whole process group: SIGTERM first", async () => {
    const runner = new ProcessRunner();
    const { infrastructurePid, exited } = await runner.start({ argv: ["sh", "-c", "sleep 30 & sleep 30; wait"], env, streamOutput: false }, () => undefined);
    await runner.kill(infrastructurePid, 5);
    const exit = await exited;
    expect(exit.signal).toBe("SIGTERM");
    const pgid = Number(infrastructurePid.split(":").pop());
    // kill() resolves only once the whole group has gone, background children included.
    expect(() => process.kill(-pgid, 0)).toThrow();
  });

  it("escalates to SIGKILL when SIGTERM is ignored past the grace period", async () => {
    const runner = new ProcessRunner();
    const lines: string[] = [];
    const { infrastructurePid, exited } = await runner.start(
      { argv: ["sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done"], env, streamOutput: true },
      (l) => lines.push(l),
    );
    while (!lines.includes("ready")) await new Promise((r) => setTimeout(r, 20));
    await runner.kill(infrastructurePid, 0.3);
    expect((await exited).signal).toBe("SIGKILL");
  });

  it("refuses ids of other hosts and of processes that are gone", async () => {
    const runner = new ProcessRunner();
    await expect(runner.kill("some-other-host:123", 1)).rejects.toBeInstanceOf(InfrastructureNotAvailableError);
    const { infrastructurePid, exited } = await runner.start({ argv: ["true"], env, streamOutput: false }, () => undefined);
    await exited;
    await expect(runner.kill(infrastructurePid, 1)).rejects.toBeInstanceOf(InfrastructureNotFoundError);
  });
});

describe("explainExitCode", () => {
  it.each([
    [0, /succeeded/],
    [1, /general error/],
    [127, /command not found/],
    [4, /could not reach the API/],
    [5, /did not end COMPLETED/],
    [137, /out of memory/],
    [143, /SIGTERM/],
    [129, /signal 1 \(SIGHUP\)/],
    [null, /vanished/],
  ])("explains %s", (code, pattern) => {
    expect(explainExitCode(code)).toMatch(pattern);
  });

  it("explains a signal by its exit-code equivalent", () => {
    expect(explainExitCode(null, "SIGKILL")).toMatch(/137/);
  });
});
