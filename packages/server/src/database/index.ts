export { openDatabase, type Database, type OpenDatabaseOptions } from "./open-database.js";
export { parseDatabaseUrl, engineOf } from "./parse-database-url.js";
export { migrateToLatest } from "./migrate.js";
export type { Engine } from "./engine.js";
export type * from "./types.js";
export { DatabaseConfigError } from "./errors.js";
