import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../database/index.js";
import { newId } from "../ids.js";
import type { BackgroundService } from "./background-service.js";
import { acquireLease, releaseLease } from "./service-lease.js";

/** A lease outlives a few missed passes, but a dead replica's services resume within half a minute or so. */
const leaseTtlMs = (service: BackgroundService) => Math.max(3 * service.intervalSeconds * 1000, 30_000);

/**
 * Runs background services in the server process: each on its own timer (the next pass is
 * scheduled when the previous one ends, so passes never overlap), each pass only while this
 * process holds the service's lease. A failing pass is logged and retried next interval.
 */
export class ServiceRunner {
  /** Identifies this process in the lease table. */
  readonly holder = newId();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly logger: FastifyBaseLogger,
    readonly services: readonly BackgroundService[],
  ) {}

  start(): void {
    for (const service of this.services) this.schedule(service, 0);
  }

  /**
   * One pass of a service if this process gets its lease.
   * @returns the number of items handled, or null when another replica holds the lease.
   */
  async runOnce(service: BackgroundService, now = Date.now()): Promise<number | null> {
    if (!(await acquireLease(this.database.db, service.name, this.holder, leaseTtlMs(service), now))) return null;
    return service.run({ database: this.database, logger: this.logger, now });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled(this.services.map((s) => releaseLease(this.database.db, s.name, this.holder)));
  }

  private schedule(service: BackgroundService, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      const pass = this.runOnce(service)
        .then((handled) => {
          if (handled) this.logger.info({ service: service.name, handled }, "background service pass");
        })
        .catch((err) => this.logger.warn({ err, service: service.name }, "background service pass failed; retrying next interval"))
        .finally(() => {
          this.inFlight.delete(pass);
          this.schedule(service, service.intervalSeconds * 1000);
        });
      this.inFlight.add(pass);
    }, delayMs);
    // Background passes never keep the process alive on their own.
    timer.unref();
    this.timers.set(service.name, timer);
  }
}
