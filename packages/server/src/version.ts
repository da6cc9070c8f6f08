import { ECSFLOW_VERSION } from "@ecsflow/schemas";

export { ECSFLOW_VERSION };
/**
 * What `/admin/version` reports. Prefect clients refuse a server whose major version differs from
 * theirs, so we report the Prefect 3 release whose API we follow, with ours as the local part.
 */
export const PREFECT_COMPATIBLE_VERSION = `3.4.11+ecsflow.${ECSFLOW_VERSION}`;
/** Prefect's server API version (`/version`), which clients send as `X-PREFECT-API-VERSION`. */
export const SERVER_API_VERSION = "0.8.4";
