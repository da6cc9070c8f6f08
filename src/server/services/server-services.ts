import type { BackgroundService, ServiceToggle } from "./background-service.js";
import { cancellationCleanupService } from "./cancellation-cleanup.js";
import { lateRunsService } from "./late-runs.js";
import { orphanRecoveryService } from "./orphan-recovery.js";

/**
 * The background services' options (`AppOptions.services`, from the `services.*` settings).
 * A service runs only when its `enabled` is true: `buildApp` alone (tests) starts none.
 */
export interface ServicesOptions {
  lateRuns?: ServiceToggle & { afterSeconds?: number };
  cancellationCleanup?: ServiceToggle & { timeoutSeconds?: number };
  orphanRecovery?: ServiceToggle & { timeoutSeconds?: number };
}

/** The enabled services with their settings (defaults as Prefect's where it has them). */
export function enabledServices(options: ServicesOptions = {}): BackgroundService[] {
  const services: BackgroundService[] = [];
  const { lateRuns, cancellationCleanup, orphanRecovery } = options;
  if (lateRuns?.enabled) services.push(lateRunsService({ intervalSeconds: lateRuns.loopSeconds ?? 5, afterSeconds: lateRuns.afterSeconds ?? 15 }));
  if (cancellationCleanup?.enabled) {
    services.push(cancellationCleanupService({ intervalSeconds: cancellationCleanup.loopSeconds ?? 20, timeoutSeconds: cancellationCleanup.timeoutSeconds ?? 300 }));
  }
  if (orphanRecovery?.enabled) services.push(orphanRecoveryService({ intervalSeconds: orphanRecovery.loopSeconds ?? 30, timeoutSeconds: orphanRecovery.timeoutSeconds ?? 300 }));
  return services;
}
