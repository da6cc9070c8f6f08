import { definedError } from "@ecsflow/schemas";

/** The database URL cannot be understood or the database cannot be opened. */
export class DatabaseConfigError extends definedError("DatabaseConfigError", "DATABASE_CONFIG") {}
