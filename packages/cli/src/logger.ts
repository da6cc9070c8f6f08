import { pino, type Logger } from "pino";

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  "apiKey",
  "api_key",
  "authString",
  "auth_string",
  "password",
  "secretAccessKey",
  "sessionToken",
  "*.apiKey",
  "*.api_key",
  "*.authString",
  "*.password",
  "*.secretAccessKey",
  "*.sessionToken",
  "req.headers.authorization",
  "headers.authorization",
  'env.PREFECT_API_KEY',
  'env.AWS_SECRET_ACCESS_KEY',
  'env.AWS_SESSION_TOKEN',
];

/** The root logger of a CLI process; modules take children of it. */
export function createRootLogger(options: { level: string; format: string; name?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: "****" },
    ...(options.format === "pretty"
      ? { transport: { target: "pino-pretty", options: { colorize: process.stdout.isTTY, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } } }
      : {}),
  });
}
