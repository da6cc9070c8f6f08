// Task definitions without churn: each canonical hash (task-definition-identity.ts) is registered
// at most once. Lookup order for a hash:
//   1. this worker's memory (hash → ARN);
//   2. the family's latest ACTIVE revision, when it carries our hash tag, or (with
//      match_latest_revision_in_family) when its content has the same canonical hash;
//   3. RegisterTaskDefinition, tagged with the hash.
// Concurrent runs needing the same hash share one lookup (single flight). Registration goes through
// the worker's 1/s RegisterTaskDefinition budget and is retried with backoff on throttling and on
// ECS's "Too many concurrent attempts to create a new revision" (other workers registering the same
// family); before each retry the family is described again, since the other worker's revision may
// be ours. Only revisions this worker registered are ever deregistered, and only once no run of
// this worker still uses them.

import { RegisterTaskDefinitionCommand, type RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import { SubmissionError } from "../../errors.js";
import type { AwsClientSet } from "./aws-clients.js";
import { describeAwsError, isThrottlingError, isTooManyConcurrentAttempts, isTransientError, safeCause } from "./aws-errors.js";
import type { BuiltTaskDefinition } from "./build-task-definition.js";
import { deregisterTaskDefinition } from "./deregister-task-definition.js";
import { describeTaskDefinition, type DescribedTaskDefinition } from "./describe-task-definition.js";
import { retryWithBackoff, type BackoffPolicy } from "./retry-with-backoff.js";
import { TASK_DEFINITION_HASH_TAG, differingKeys, taskDefinitionHash } from "./task-definition-identity.js";

export type TaskDefinitionSource = "cache" | "hash-tag" | "latest-revision" | "registered" | "linked";

export interface ResolvedTaskDefinition {
  arn: string;
  /** The definition's content (as built, or as described for linked and reused ones). */
  definition: Record<string, unknown>;
  hash?: string;
  source: TaskDefinitionSource;
}

export const DEFAULT_REGISTER_POLICY: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 20_000, budgetMs: 120_000 };

interface CacheEntry {
  arn: string;
  definition: Record<string, unknown>;
  hash: string;
}

export class TaskDefinitionRegistry {
  private readonly byHash = new Map<string, CacheEntry>();
  private readonly linkedCache = new Map<string, Promise<ResolvedTaskDefinition>>();
  private readonly flights = new Map<string, Promise<ResolvedTaskDefinition>>();
  /** ARNs this worker registered (key: clients key + ARN). */
  private readonly registeredHere = new Set<string>();
  /** Runs of this worker using each ARN now. */
  private readonly users = new Map<string, number>();
  /** RegisterTaskDefinition calls that succeeded. */
  registrations = 0;

  constructor(
    private readonly logger: Logger,
    private readonly policy: BackoffPolicy = DEFAULT_REGISTER_POLICY,
  ) {}

  /** The ARN to run `built` with; registers only when no revision with its hash exists. Counts one user of the ARN (see release). */
  async resolve(clients: AwsClientSet, built: BuiltTaskDefinition, options: { matchLatestRevisionInFamily: boolean; log: Logger }): Promise<ResolvedTaskDefinition> {
    const hash = taskDefinitionHash(built.definition);
    const key = `${clients.key}|${hash}`;
    const cached = this.byHash.get(key);
    if (cached) {
      this.acquire(clients, cached.arn);
      return { arn: cached.arn, definition: cached.definition, hash, source: "cache" };
    }
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.lookUpOrRegister(clients, built, hash, options).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    const resolved = await flight;
    this.acquire(clients, resolved.arn);
    return resolved;
  }

  /** A linked task definition (task_definition_arn): described once, never registered nor deregistered. */
  linked(clients: AwsClientSet, ref: string): Promise<ResolvedTaskDefinition> {
    const key = `${clients.key}|${ref}`;
    let p = this.linkedCache.get(key);
    if (!p) {
      p = describeTaskDefinition(clients, ref).then((d) => {
        if (!d) throw new LinkedTaskDefinitionNotFound(ref);
        return { arn: d.taskDefinition.taskDefinitionArn!, definition: d.taskDefinition as Record<string, unknown>, source: "linked" as const };
      });
      p.catch(() => this.linkedCache.delete(key));
      this.linkedCache.set(key, p);
    }
    return p;
  }

  /** Forgets an ARN ECS no longer accepts (deregistered from outside), so the next run looks again. */
  forget(clients: AwsClientSet, arn: string): void {
    for (const [key, entry] of this.byHash) if (key.startsWith(`${clients.key}|`) && entry.arn === arn) this.byHash.delete(key);
    for (const key of this.linkedCache.keys()) if (key.startsWith(`${clients.key}|`)) this.linkedCache.delete(key);
  }

  /** Whether this worker registered `arn` itself. */
  registeredByThisWorker(clients: AwsClientSet, arn: string): boolean {
    return this.registeredHere.has(`${clients.key}|${arn}`);
  }

  private acquire(clients: AwsClientSet, arn: string): void {
    const k = `${clients.key}|${arn}`;
    this.users.set(k, (this.users.get(k) ?? 0) + 1);
  }

  /**
   * A run stopped using `arn`. With auto_deregister_task_definition, a revision this worker
   * registered is deregistered once no run of this worker uses it (never a linked or reused one).
   */
  async release(clients: AwsClientSet, arn: string, autoDeregister: boolean, log: Logger): Promise<void> {
    const k = `${clients.key}|${arn}`;
    const left = (this.users.get(k) ?? 1) - 1;
    if (left > 0) {
      this.users.set(k, left);
      return;
    }
    this.users.delete(k);
    if (!autoDeregister || !this.registeredHere.has(k)) return;
    // Out of the cache first, so no new run picks it up while it is being deregistered.
    this.forget(clients, arn);
    this.registeredHere.delete(k);
    try {
      await deregisterTaskDefinition(clients, arn);
      log.info({ taskDefinitionArn: arn }, "deregistered the task definition this worker registered (auto_deregister_task_definition)");
    } catch (err) {
      log.warn({ taskDefinitionArn: arn, error: describeAwsError(err) }, "could not deregister the task definition");
    }
  }

  private matches(described: DescribedTaskDefinition | undefined, hash: string, matchLatest: boolean): "hash-tag" | "latest-revision" | undefined {
    if (!described || described.taskDefinition.status !== "ACTIVE") return undefined;
    if (described.tags.some((t) => t.key === TASK_DEFINITION_HASH_TAG && t.value === hash)) return "hash-tag";
    if (matchLatest && taskDefinitionHash(described.taskDefinition as Record<string, unknown>) === hash) return "latest-revision";
    return undefined;
  }

  private async lookUpOrRegister(clients: AwsClientSet, built: BuiltTaskDefinition, hash: string, options: { matchLatestRevisionInFamily: boolean; log: Logger }): Promise<ResolvedTaskDefinition> {
    const family = built.definition.family as string;
    const log = options.log;
    const reuse = async (): Promise<ResolvedTaskDefinition | undefined> => {
      const described = await describeTaskDefinition(clients, family);
      const how = this.matches(described, hash, options.matchLatestRevisionInFamily);
      if (how && described) {
        const arn = described.taskDefinition.taskDefinitionArn!;
        this.byHash.set(`${clients.key}|${hash}`, { arn, definition: built.definition, hash });
        log.info({ taskDefinitionArn: arn, hash, how }, "reusing the task definition with this hash");
        return { arn, definition: built.definition, hash, source: how };
      }
      if (described) {
        log.debug({ family, latest: described.taskDefinition.taskDefinitionArn, differs: differingKeys(built.definition, described.taskDefinition as Record<string, unknown>) }, "the family's latest revision differs");
      }
      return undefined;
    };
    const found = await reuse();
    if (found) return found;
    const input: RegisterTaskDefinitionCommandInput = {
      ...(built.definition as unknown as RegisterTaskDefinitionCommandInput),
      tags: [...built.tags.filter((t) => t.key !== TASK_DEFINITION_HASH_TAG), { key: TASK_DEFINITION_HASH_TAG, value: hash }],
    };
    return retryWithBackoff(
      this.policy,
      async (attempt) => {
        if (attempt > 1) {
          const meanwhile = await reuse();
          if (meanwhile) return meanwhile;
        }
        const out = await clients.ecs.send(new RegisterTaskDefinitionCommand(input));
        const arn = out.taskDefinition!.taskDefinitionArn!;
        this.registrations++;
        this.registeredHere.add(`${clients.key}|${arn}`);
        this.byHash.set(`${clients.key}|${hash}`, { arn, definition: built.definition, hash });
        log.info({ taskDefinitionArn: arn, hash }, "registered a task definition");
        return { arn, definition: built.definition, hash, source: "registered" as const };
      },
      (err) => ({ retry: isTransientError(err) || isTooManyConcurrentAttempts(err) || isThrottlingError(err) }),
      (err, n, delayMs) => log.warn({ attempt: n, delayMs, error: describeAwsError(err) }, "task definition registration refused; retrying"),
    ).catch((err: unknown) => {
      throw new SubmissionError(
        `ECS refused to register the task definition built from the job configuration (family ${family}): ${describeAwsError(err)}.${
          isTooManyConcurrentAttempts(err) || isThrottlingError(err) ? " Too many registrations at once in this account; they were retried until the budget ran out." : " Fix the work pool's task_definition template or the job variables it uses."
        }`,
        { cause: safeCause(err) },
      );
    });
  }
}

export class LinkedTaskDefinitionNotFound extends Error {
  override readonly name = "LinkedTaskDefinitionNotFound";
  constructor(readonly ref: string) {
    super(`The task definition "${ref}" (task_definition_arn) does not exist in this account and Region, or is not readable by the worker.`);
  }
}
