import { AwsError } from "../../errors.js";
import { checkEnum, checkLength, checkPattern } from "../../protocol/input-checks.js";
import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";
import type { EventBus, RuleRecord, RuleTarget } from "./event-bus.js";
import { patternProblem } from "./event-pattern.js";

const VALIDATION = "ValidationException";
const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;

function required(value: unknown, member: string): void {
  if (value === undefined || value === null || value === "") throw new AwsError(VALIDATION, `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
}

function checkBus(name: string | undefined): void {
  // One bus here: the account's default one, by name or ARN.
  if (name !== undefined && name !== "default" && !name.endsWith(":event-bus/default")) {
    throw new AwsError("ResourceNotFoundException", `Event bus ${name} does not exist.`);
  }
}

/** EventBridge (JSON 1.1, target prefix `AWSEvents`): rules with event patterns and SQS targets on the default bus. */
export function createEventsService(bus: EventBus): ServiceDefinition {
  const ruleOf = (name: string | undefined): RuleRecord => {
    required(name, "name");
    const rule = bus.get(name!);
    if (!rule) throw new AwsError("ResourceNotFoundException", `Rule ${name} does not exist on EventBus default.`);
    return rule;
  };
  const view = (r: RuleRecord) => ({ Name: r.name, Arn: r.arn, EventPattern: r.eventPattern, State: r.state, Description: r.description, EventBusName: r.eventBusName, CreatedBy: r.createdBy });

  return {
    name: "events",
    protocol: "json",
    targetPrefix: "AWSEvents",
    errors: {
      missingParameter: { code: VALIDATION, status: 400 },
      invalidType: { code: "SerializationException", status: 400 },
      throttling: { code: "ThrottlingException", status: 400 },
      serverError: { code: "InternalException", status: 500 },
    },
    operations: {
      PutRule(input: { Name?: string; EventPattern?: string; ScheduleExpression?: string; State?: string; Description?: string; EventBusName?: string }, ctx: OperationContext) {
        required(input.Name, "name");
        checkLength(input.Name, 1, 64, "name", VALIDATION);
        checkPattern(input.Name, RULE_NAME, "name", VALIDATION);
        checkEnum(input.State, ["ENABLED", "DISABLED"], "state", VALIDATION);
        checkLength(input.Description, 0, 512, "description", VALIDATION);
        checkBus(input.EventBusName);
        if (input.ScheduleExpression !== undefined) throw new AwsError(VALIDATION, "ecs-local's EventBridge does not run scheduled rules; give an EventPattern.");
        required(input.EventPattern, "eventPattern");
        const problem = patternProblem(input.EventPattern!);
        if (problem) throw new AwsError("InvalidEventPatternException", problem);
        const existing = bus.get(input.Name!);
        const rule: RuleRecord = {
          name: input.Name!,
          arn: bus.ruleArn(input.Name!),
          eventBusName: "default",
          eventPattern: input.EventPattern,
          description: input.Description ?? existing?.description,
          state: (input.State as RuleRecord["state"] | undefined) ?? "ENABLED",
          targets: existing?.targets ?? [],
          createdBy: ctx.accountId,
        };
        bus.put(rule);
        return { RuleArn: rule.arn };
      },

      DescribeRule(input: { Name?: string; EventBusName?: string }) {
        checkBus(input.EventBusName);
        return view(ruleOf(input.Name));
      },

      ListRules(input: { NamePrefix?: string; EventBusName?: string; Limit?: number }) {
        checkBus(input.EventBusName);
        return { Rules: bus.list(input.NamePrefix).slice(0, input.Limit ?? 100).map(view) };
      },

      EnableRule(input: { Name?: string }) {
        ruleOf(input.Name).state = "ENABLED";
        return {};
      },

      DisableRule(input: { Name?: string }) {
        ruleOf(input.Name).state = "DISABLED";
        return {};
      },

      DeleteRule(input: { Name?: string; Force?: boolean }) {
        required(input.Name, "name");
        const rule = bus.get(input.Name!);
        if (!rule) return {};
        if (rule.targets.length > 0 && !input.Force) throw new AwsError(VALIDATION, "Rule can't be deleted since it has targets.");
        bus.delete(rule.name);
        return {};
      },

      PutTargets(input: { Rule?: string; Targets?: RuleTarget[]; EventBusName?: string }) {
        checkBus(input.EventBusName);
        const rule = ruleOf(input.Rule);
        required(input.Targets, "targets");
        checkLength(input.Targets, 1, 100, "targets", VALIDATION);
        const FailedEntries: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
        for (const t of input.Targets!) {
          if (!t.Id || !t.Arn) {
            FailedEntries.push({ TargetId: t.Id ?? "", ErrorCode: VALIDATION, ErrorMessage: "A target needs an Id and an Arn." });
            continue;
          }
          if (rule.targets.length >= 5 && !rule.targets.some((x) => x.Id === t.Id)) {
            throw new AwsError("LimitExceededException", "The requested resource exceeds the maximum number allowed (5 targets a rule).");
          }
          rule.targets = [...rule.targets.filter((x) => x.Id !== t.Id), { Id: t.Id, Arn: t.Arn, ...(t.Input !== undefined ? { Input: t.Input } : {}) }];
        }
        return { FailedEntryCount: FailedEntries.length, FailedEntries };
      },

      RemoveTargets(input: { Rule?: string; Ids?: string[]; Force?: boolean }) {
        const rule = ruleOf(input.Rule);
        required(input.Ids, "ids");
        rule.targets = rule.targets.filter((t) => !input.Ids!.includes(t.Id));
        return { FailedEntryCount: 0, FailedEntries: [] };
      },

      ListTargetsByRule(input: { Rule?: string }) {
        return { Targets: ruleOf(input.Rule).targets };
      },

      PutEvents(input: { Entries?: { Source?: string; DetailType?: string; Detail?: string; Resources?: string[]; Time?: number; EventBusName?: string }[] }, ctx: OperationContext) {
        required(input.Entries, "entries");
        checkLength(input.Entries, 1, 10, "entries", VALIDATION);
        const Entries = input.Entries!.map((e) => {
          if (!e.Source || !e.DetailType || !e.Detail) return { ErrorCode: "MalformedDetail", ErrorMessage: "Source, DetailType and Detail are required." };
          if (e.Source.startsWith("aws.")) return { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: `Not authorized for the source ${e.Source}.` };
          let detail: unknown;
          try {
            detail = JSON.parse(e.Detail);
          } catch {
            return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
          }
          if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
          const event = bus.emit(e.Source, e.DetailType, e.Resources ?? [], detail as Record<string, unknown>, e.Time !== undefined ? e.Time * 1000 : ctx.now);
          return { EventId: event.id };
        });
        return { FailedEntryCount: Entries.filter((e) => "ErrorCode" in e).length, Entries };
      },
    },
  };
}
