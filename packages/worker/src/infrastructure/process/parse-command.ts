import { parse } from "shell-quote";
import { SubmissionError } from "../../errors.js";

/**
 * Splits a job's `command` as a POSIX shell would split words (quotes, escapes), like Prefect's
 * shlex.split. Shell operators are refused rather than silently dropped: a user who writes
 * `a && b` expects a shell, so we say how to get one.
 */
export function parseCommand(command: unknown): string[] {
  if (Array.isArray(command)) {
    if (command.every((c) => typeof c === "string") && command.length > 0) return command as string[];
    throw new SubmissionError("The `command` job variable must be a non-empty string or list of strings.");
  }
  if (typeof command !== "string" || command.trim() === "") {
    throw new SubmissionError("The `command` job variable is empty; set it, or leave it unset to run `ecsflow flow-run execute`.");
  }
  const words: string[] = [];
  for (const entry of parse(command, (name) => `$${name}`)) {
    if (typeof entry === "string") words.push(entry);
    else if ("op" in entry && entry.op === "glob") words.push(entry.pattern);
    else {
      throw new SubmissionError(
        `The command ${JSON.stringify(command)} uses the shell operator ${JSON.stringify("op" in entry ? entry.op : "comment")}; wrap it as: sh -c '…'.`,
      );
    }
  }
  return words;
}
