export { buildApp, type AppOptions, type EcsflowApp } from "./app.js";
export { startServer, type StartServerOptions, type RunningServer } from "./start-server.js";
export { openDatabase, parseDatabaseUrl, DatabaseConfigError, type Database, type Engine } from "./database/index.js";
export { ECSFLOW_VERSION, PREFECT_COMPATIBLE_VERSION } from "./version.js";
