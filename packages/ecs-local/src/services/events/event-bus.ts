import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { QueueStore } from "../sqs/queue-store.js";
import { matchesPattern } from "./event-pattern.js";

export interface RuleTarget {
  Id: string;
  Arn: string;
  Input?: string;
}

export interface RuleRecord {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: string;
  description?: string;
  state: "ENABLED" | "DISABLED";
  targets: RuleTarget[];
  createdBy: string;
}

export interface BusEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * The default event bus: rules match each event and deliver it to their SQS targets. Only SQS
 * targets deliver here (what a worker watching tasks needs); other target ARNs are kept and ignored.
 */
export class EventBus {
  private readonly rules = new Map<string, RuleRecord>();
  /** Events put on the bus (admin and tests read it). */
  published = 0;
  delivered = 0;

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly queues: QueueStore,
    private readonly logger: Logger,
  ) {}

  ruleArn(name: string, bus = "default"): string {
    return bus === "default" ? `arn:aws:events:${this.region}:${this.accountId}:rule/${name}` : `arn:aws:events:${this.region}:${this.accountId}:rule/${bus}/${name}`;
  }

  get(name: string): RuleRecord | undefined {
    return this.rules.get(name);
  }

  put(rule: RuleRecord): void {
    this.rules.set(rule.name, rule);
  }

  delete(name: string): void {
    this.rules.delete(name);
  }

  list(prefix?: string): RuleRecord[] {
    return [...this.rules.values()].filter((r) => !prefix || r.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Wraps a service's detail in EventBridge's envelope and delivers it. */
  emit(source: string, detailType: string, resources: string[], detail: Record<string, unknown>, at = Date.now()): BusEvent {
    const event: BusEvent = {
      version: "0",
      id: randomUUID(),
      "detail-type": detailType,
      source,
      account: this.accountId,
      time: new Date(Math.floor(at / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      region: this.region,
      resources,
      detail,
    };
    this.publish(event);
    return event;
  }

  publish(event: BusEvent): number {
    this.published++;
    let count = 0;
    for (const rule of this.rules.values()) {
      if (rule.state !== "ENABLED" || !rule.eventPattern) continue;
      let pattern: unknown;
      try {
        pattern = JSON.parse(rule.eventPattern);
      } catch {
        continue;
      }
      if (!matchesPattern(pattern, event)) continue;
      for (const target of rule.targets) {
        const queue = target.Arn.startsWith("arn:aws:sqs:") ? this.queues.find(target.Arn) : undefined;
        if (!queue) continue;
        this.queues.send(queue, target.Input ?? JSON.stringify(event), 0, Date.now());
        count++;
      }
    }
    this.delivered += count;
    if (count > 0) this.logger.debug({ detailType: event["detail-type"], deliveries: count }, "event delivered");
    return count;
  }
}
