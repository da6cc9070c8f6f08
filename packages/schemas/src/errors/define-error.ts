/**
 * The base of an error class with a fixed `name` (what logs and `String(err)` show) and a stable
 * `code` (what callers branch on), so a module's errors are one line each instead of near-copies
 * of the same constructor. Subclasses add typed fields in their own constructor.
 *
 *   export class SettingsError extends definedError("SettingsError", "SETTINGS_INVALID") {}
 */
export function definedError<N extends string, C extends string>(name: N, code: C) {
  return class extends Error {
    override readonly name: N = name;
    readonly code: C = code;
    constructor(message: string, options?: { cause?: unknown }) {
      super(message, options);
    }
  };
}
