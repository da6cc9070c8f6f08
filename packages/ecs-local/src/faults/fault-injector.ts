import { AwsError } from "../errors.js";
import type { FaultKind, FaultRule } from "../options.js";
import type { ServiceDefinition } from "../protocol/service-definition.js";

interface ActiveRule extends FaultRule {
  fired: number;
}

/**
 * Fails a fraction of API calls (throttling, 5xx) or task launches (image pull, start failure) on
 * purpose, so callers can be tested against AWS's bad days. Fractions draw from a seeded generator.
 */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  readonly injected: Record<FaultKind, number> = { throttle: 0, "server-error": 0, "cannot-pull-container": 0, "task-failed-to-start": 0 };

  constructor(
    rules: FaultRule[],
    private readonly random: () => number,
  ) {
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, fired: 0 }));
  }

  list(): (FaultRule & { fired: number })[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** For API calls: throws the service's throttling or server error when a rule fires. */
  checkCall(service: ServiceDefinition, operation: string): void {
    for (const kind of ["throttle", "server-error"] as const) {
      if (this.fires(kind, `${service.name}:${operation}`, operation)) {
        const e = kind === "throttle" ? service.errors.throttling : service.errors.serverError;
        throw new AwsError(e.code, kind === "throttle" ? "Rate exceeded" : "Injected server error (ecs-local fault injection).", e.status);
      }
    }
  }

  /** For task launches: which launch fault fires for this task, if any. */
  launchFault(): "cannot-pull-container" | "task-failed-to-start" | undefined {
    if (this.fires("cannot-pull-container", "ecs:RunTask", "RunTask")) return "cannot-pull-container";
    if (this.fires("task-failed-to-start", "ecs:RunTask", "RunTask")) return "task-failed-to-start";
    return undefined;
  }

  private fires(kind: FaultKind, qualified: string, operation: string): boolean {
    for (const rule of this.rules) {
      if (rule.kind !== kind) continue;
      if (rule.operation && rule.operation !== qualified && rule.operation !== operation) continue;
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      if (this.random() >= (rule.fraction ?? 1)) continue;
      rule.fired++;
      this.injected[kind]++;
      return true;
    }
    return false;
  }
}
