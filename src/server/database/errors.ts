/** The database URL cannot be understood or the database cannot be opened. */
export class DatabaseConfigError extends Error {
  override readonly name = "DatabaseConfigError";
  readonly code = "DATABASE_CONFIG";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
