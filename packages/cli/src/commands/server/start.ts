import type { Command } from "commander";
import { loadSettings } from "@ecsflow/settings";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createRootLogger } from "../../logger.js";
import { startTracingFor } from "../../start-tracing-for.js";
import { parsePort } from "../../parse-options.js";
import { serverOptionsFromSettings } from "./server-options.js";

interface StartFlags {
  host?: string;
  port?: string;
  databaseUrl?: string;
  apiKey?: string;
  authString?: string;
  logLevel?: string;
}

export function registerServerStart(parent: Command): void {
  parent
    .command("start")
    .description("Start the API server (SQLite file under ~/.ecsflow by default; migrations run on start)")
    .option("--host <host>", "address to bind (default 127.0.0.1; 0.0.0.0 exposes it to your network)")
    .option("--port <port>", "port to listen on (default 4200)")
    .option("--database-url <url>", "sqlite:///path/file.db or postgresql://user@host:5432/db (env ECSFLOW_DATABASE_URL)")
    .option("--api-key <key>", "require `Authorization: Bearer <key>` (env ECSFLOW_SERVER_API_KEY)")
    .option("--auth-string <user:pass>", "require HTTP Basic auth (env PREFECT_SERVER_API_AUTH_STRING)")
    .option("--log-level <level>", "trace, debug, info, warn, error")
    .action(async (flags: StartFlags) => {
      const settings = loadSettings({
        flags: {
          "server.host": flags.host,
          "server.port": flags.port === undefined ? undefined : parsePort(flags.port, "--port"),
          "server.database_url": flags.databaseUrl,
          "server.api_key": flags.apiKey,
          "server.auth_string": flags.authString,
          "logging.level": flags.logLevel,
        },
      });
      if (settings["server.auth_string"] !== undefined && !settings["server.auth_string"].includes(":")) {
        throw new CliError("--auth-string must look like USER:PASS.", ExitCode.Usage);
      }
      // Loaded here, not at the top: every other `ecsflow` command starts faster without the server.
      const { DatabaseConfigError, startServer } = await import("@ecsflow/server");
      const logger = createRootLogger({ level: settings["logging.level"], format: settings["logging.format"], name: "ecsflow-server" });
      // The server's spans name their parents: no async context (its promise hooks cost every request).
      const tracing = await startTracingFor("ecsflow-server", logger, { asyncContext: false });
      let server;
      try {
        server = await startServer(serverOptionsFromSettings(settings, logger));
      } catch (err) {
        if (err instanceof DatabaseConfigError) throw new CliError(err.message, ExitCode.Usage, { cause: err });
        if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw new CliError(`Port ${settings["server.port"]} on ${settings["server.host"]} is in use; pick another with --port.`, ExitCode.Usage);
        }
        throw err;
      }
      // Signal handlers first: until they exist a SIGTERM kills the process outright, and whoever
      // read the address below may send one at once.
      const shutdown = waitForShutdown(async () => {
        logger.info("shutting down");
        await server.close();
        await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, "could not export the last spans"));
      });
      logger.info({ url: server.apiUrl }, "ecsflow server listening");
      process.stderr.write(`ecsflow server: API at ${server.apiUrl} (Ctrl-C to stop)\n`);
      await shutdown;
    });
}

/** Resolves after a graceful stop on SIGTERM/SIGINT; a second signal exits at once. */
export function waitForShutdown(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(signal === "SIGINT" ? 130 : 143);
      stopping = true;
      stop().then(
        () => resolve(),
        (err) => {
          process.stderr.write(`Error during shutdown: ${(err as Error).message}\n`);
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
