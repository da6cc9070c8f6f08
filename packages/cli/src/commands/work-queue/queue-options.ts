import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";

export interface QueueFlags extends ApiFlags {
  pool: string;
}

/** Queues live in a pool: every queue command takes `--pool` plus the API options. */
export function withQueueOptions(command: Command): Command {
  return withApiOptions(command.requiredOption("-p, --pool <name>", "work pool of the queue"));
}

export const queueWhat = (name: string, pool: string) => `Work queue "${name}" of work pool "${pool}"`;
export const queueHint = (pool: string) => `Run \`ecsflow work-queue ls --pool ${pool}\` to see its queues (and \`ecsflow work-pool ls\` for the pools).`;
