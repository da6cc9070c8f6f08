import { ExitCode } from "./exit-codes.js";

/** An error the CLI reports as one plain message (no stack) with a meaningful exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
