import { ForbiddenError, ValidationFailedError } from "../../errors.js";

/** Names Prefect keeps for its own pools: any name starting with "prefect", in any case. */
export function isReservedWorkPoolName(name: string): boolean {
  return name.toLowerCase().startsWith("prefect");
}

export function assertWorkPoolNameCreatable(name: string): void {
  // Prefect's `NonEmptyishName`: blanks and quotes alone are no name.
  if (name.replace(/^['" ]+|['" ]+$/g, "") === "") {
    throw new ValidationFailedError("Invalid work pool name.", [{ loc: ["body", "name"], msg: "Value error, name cannot be an empty string", type: "value_error" }]);
  }
  if (isReservedWorkPoolName(name)) throw new ForbiddenError("Work pools starting with 'Prefect' are reserved for internal use.");
}

/** Reserved pools may only be paused or given a concurrency limit (as in Prefect). */
export function assertWorkPoolUpdatable(name: string, fields: readonly string[]): void {
  if (isReservedWorkPoolName(name) && fields.some((f) => f !== "is_paused" && f !== "concurrency_limit")) {
    throw new ForbiddenError("Work pools starting with 'Prefect' are reserved for internal use and can only be updated to set concurrency limits or pause.");
  }
}

export function assertWorkPoolDeletable(name: string): void {
  if (isReservedWorkPoolName(name)) throw new ForbiddenError("Work pools starting with 'Prefect' are reserved for internal use and can not be deleted.");
}
