import { InvalidRequestError } from "../../errors.js";

/** Prefect's `PREFECT_SERVER_API_DEFAULT_LIMIT`: the default and the largest `limit` of a read. */
export const DEFAULT_LIMIT = 200;

/** The `limit` of a filter body: 200 when not given; outside 0..200 a 422 with Prefect's sentence. */
export function resolveLimit(limit: number | null | undefined): number {
  if (limit === undefined || limit === null) return DEFAULT_LIMIT;
  if (limit < 0) throw new InvalidRequestError("Invalid limit: must be greater than or equal to 0.");
  if (limit > DEFAULT_LIMIT) throw new InvalidRequestError(`Invalid limit: must be less than or equal to ${DEFAULT_LIMIT}.`);
  return limit;
}
