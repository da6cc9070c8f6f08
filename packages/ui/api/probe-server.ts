import { apiRequest } from "./api-client";
import type { Credentials } from "./credentials";

/** The call every page depends on; `/admin/version` needs credentials when the server has auth on. */
export const probeServer = (credentials?: Credentials | null) => apiRequest<string>("GET", "/admin/version", undefined, { credentials });
