/** The `ecsflow` command's exit codes (the SDK's `flow-run execute` too); scripts rely on them, so they never change meaning. */
export const ExitCode = {
  Ok: 0,
  /** Something unexpected went wrong (a bug, or an error we did not anticipate). */
  Unexpected: 1,
  /** The command line itself is wrong: unknown flag, missing argument, bad value. */
  Usage: 2,
  /** The server or AWS rejected the request, or the thing named does not exist. */
  Rejected: 3,
  /** The API (or AWS endpoint) could not be reached. */
  Unreachable: 4,
  /** A watched flow run ended in a state other than COMPLETED. */
  RunNotCompleted: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
