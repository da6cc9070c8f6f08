import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../database/index.js";

/** What a service pass gets: the database, a logger and the time of the pass (ms). */
export interface ServiceContext {
  database: Database;
  logger: FastifyBaseLogger;
  now: number;
}

/**
 * One background service: `run` does one pass and returns how many items it handled. Passes
 * must be safe to repeat and to overlap with API requests: every change goes through a
 * compare-and-set (setRunState) or an idempotent insert, so the lease is an economy, not the
 * only guard.
 */
export interface BackgroundService {
  readonly name: string;
  readonly intervalSeconds: number;
  run(context: ServiceContext): Promise<number>;
}

/** The typed options of one service (settings `services.<name>.*`). */
export interface ServiceToggle {
  enabled?: boolean;
  loopSeconds?: number;
}
