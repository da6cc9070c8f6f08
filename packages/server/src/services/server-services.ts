import type { BackgroundService, ServiceToggle } from "./background-service.js";
import { cancellationCleanupService } from "./cancellation-cleanup.js";
import { lateRunsService } from "./late-runs.js";
import { notificationDeliveryService, type NotificationDeliveryOptions } from "./notification-delivery.js";
import { orphanRecoveryService } from "./orphan-recovery.js";
import { schedulerService } from "./scheduler.js";

/**
 * The background services' options (`AppOptions.services`, from the `services.*` settings).
 * A service runs only when its `enabled` is true: `buildApp` alone (tests) starts none.
 */
export interface ServicesOptions {
  lateRuns?: ServiceToggle & { afterSeconds?: number };
  cancellationCleanup?: ServiceToggle & { timeoutSeconds?: number };
  orphanRecovery?: ServiceToggle & { timeoutSeconds?: number };
  scheduler?: ServiceToggle & { minRuns?: number; maxRuns?: number; minSeconds?: number; maxSeconds?: number };
  notificationDelivery?: ServiceToggle & Partial<Omit<NotificationDeliveryOptions, "intervalSeconds">>;
}

/** The enabled services with their settings (defaults as Prefect's where it has them). */
export function enabledServices(options: ServicesOptions = {}): BackgroundService[] {
  const services: BackgroundService[] = [];
  const { lateRuns, cancellationCleanup, orphanRecovery, scheduler, notificationDelivery } = options;
  if (scheduler?.enabled) {
    const { minRuns, maxRuns, minSeconds, maxSeconds } = scheduler;
    const window = Object.fromEntries(Object.entries({ minRuns, maxRuns, minSeconds, maxSeconds }).filter(([, v]) => v !== undefined));
    services.push(schedulerService({ intervalSeconds: scheduler.loopSeconds ?? 60, window }));
  }
  if (lateRuns?.enabled) services.push(lateRunsService({ intervalSeconds: lateRuns.loopSeconds ?? 5, afterSeconds: lateRuns.afterSeconds ?? 15 }));
  if (cancellationCleanup?.enabled) {
    services.push(cancellationCleanupService({ intervalSeconds: cancellationCleanup.loopSeconds ?? 20, timeoutSeconds: cancellationCleanup.timeoutSeconds ?? 300 }));
  }
  if (orphanRecovery?.enabled) services.push(orphanRecoveryService({ intervalSeconds: orphanRecovery.loopSeconds ?? 30, timeoutSeconds: orphanRecovery.timeoutSeconds ?? 300 }));
  if (notificationDelivery?.enabled) {
    const { loopSeconds, enabled: _enabled, ...rest } = notificationDelivery;
    const tuning = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    services.push(notificationDeliveryService({ intervalSeconds: loopSeconds ?? 2, baseBackoffMs: 5_000, maxBackoffMs: 300_000, maxAttempts: 8, timeoutMs: 10_000, ...tuning }));
  }
  return services;
}
