import { ObjectNotFoundError } from "@ecsflow/client";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/**
 * Awaits an API call and turns its 404 into a message naming the missing thing (the server's
 * "not found" does not say which name the user typed) and how to list what exists.
 */
export async function orNotFound<T>(call: Promise<T>, what: string, hint?: string): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new CliError(`${what} not found.${hint ? ` ${hint}` : ""}`, ExitCode.Rejected, { cause: err });
    throw err;
  }
}
