/** A setting has a value of the wrong type or an unknown key was named. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
  readonly code = "SETTINGS_INVALID";
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
