/**
 * ecsflow's own version, shared by every part that reports it (the server's /admin/version, the
 * worker's heartbeat and its task definitions' tags), so the worker need not load the server for it.
 */
export const ECSFLOW_VERSION = "0.1.0";
