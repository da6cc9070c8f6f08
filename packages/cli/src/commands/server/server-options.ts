import type { Logger } from "pino";
import type { StartServerOptions } from "@ecsflow/server";
import type { Settings } from "@ecsflow/settings";

/**
 * The server's options from settings, in one place: `ecsflow server start` and `ecsflow up` start
 * the same server.
 */
export function serverOptionsFromSettings(settings: Settings, logger: Logger, over: Partial<Pick<StartServerOptions, "host" | "port" | "databaseUrl">> = {}): StartServerOptions {
  return {
    host: over.host ?? settings["server.host"],
    port: over.port ?? settings["server.port"],
    databaseUrl: over.databaseUrl ?? settings["server.database_url"],
    logger,
    bodyLimit: settings["server.body_limit_bytes"],
    auth: { apiKey: settings["server.api_key"], authString: settings["server.auth_string"] },
    orchestration: { deploymentConcurrencySlotWaitSeconds: settings["orchestration.deployment_concurrency_slot_wait_seconds"] },
    services: {
      lateRuns: {
        enabled: settings["services.late_runs.enabled"],
        loopSeconds: settings["services.late_runs.loop_seconds"],
        afterSeconds: settings["services.late_runs.after_seconds"],
      },
      cancellationCleanup: {
        enabled: settings["services.cancellation_cleanup.enabled"],
        loopSeconds: settings["services.cancellation_cleanup.loop_seconds"],
        timeoutSeconds: settings["services.cancellation_cleanup.timeout_seconds"],
      },
      scheduler: {
        enabled: settings["services.scheduler.enabled"],
        loopSeconds: settings["services.scheduler.loop_seconds"],
        minRuns: settings["services.scheduler.min_runs"],
        maxRuns: settings["services.scheduler.max_runs"],
      },
      notificationDelivery: {
        enabled: settings["services.notification_delivery.enabled"],
        loopSeconds: settings["services.notification_delivery.loop_seconds"],
        maxAttempts: settings["services.notification_delivery.max_attempts"],
      },
      orphanRecovery: {
        enabled: settings["services.orphan_recovery.enabled"],
        loopSeconds: settings["services.orphan_recovery.loop_seconds"],
        timeoutSeconds: settings["services.orphan_recovery.timeout_seconds"],
      },
    },
  };
}
