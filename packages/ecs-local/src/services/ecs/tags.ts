import { AwsError } from "../../errors.js";
import type { EcsTag } from "../../state/ecs-local-state.js";
import type { EcsContext } from "./ecs-context.js";
import { INVALID, validateTags } from "./ecs-validation.js";

/** The tag list of the resource an ARN names (cluster, task definition, task or service). */
function tagsOf(ctx: EcsContext, arn: string, notFoundCode: string): { tags: EcsTag[]; set: (tags: EcsTag[]) => void } {
  const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:(cluster|task-definition|task|service)\/(.+)$/.exec(arn);
  if (!m) throw new AwsError(INVALID, "The ARN provided is invalid.");
  const data = ctx.state.data;
  let record: { tags: EcsTag[] } | undefined;
  if (m[1] === "cluster") {
    record = data.clusters[arn];
    if (!record || data.clusters[arn].status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  } else if (m[1] === "task-definition") {
    record = data.taskDefinitions[arn];
  } else if (m[1] === "task") {
    const { id, clusterName } = ctx.arns.taskRef(arn);
    record = clusterName ? data.tasks[ctx.arns.task(clusterName, id)] : Object.values(data.tasks).find((t) => t.id === id);
  } else {
    record = data.services[arn];
    if (record && data.services[arn].status === "INACTIVE") record = undefined;
  }
  if (!record) throw new AwsError(notFoundCode, "The specified resource could not be found.");
  const found = record;
  return {
    tags: found.tags,
    set: (tags) => {
      found.tags = tags;
      ctx.state.markChanged();
    },
  };
}

export function tagOperations(ctx: EcsContext) {
  return {
    TagResource(input: { resourceArn: string; tags: EcsTag[] }) {
      validateTags(input.tags);
      const resource = tagsOf(ctx, input.resourceArn, "ResourceNotFoundException");
      const merged = resource.tags.filter((t) => !input.tags.some((n) => n.key === t.key)).concat(input.tags);
      validateTags(merged);
      resource.set(merged);
      return {};
    },

    UntagResource(input: { resourceArn: string; tagKeys: string[] }) {
      const resource = tagsOf(ctx, input.resourceArn, "ResourceNotFoundException");
      resource.set(resource.tags.filter((t) => !input.tagKeys.includes(t.key)));
      return {};
    },

    ListTagsForResource(input: { resourceArn: string }) {
      // ListTagsForResource has no ResourceNotFoundException in ECS's model; it answers InvalidParameterException.
      return { tags: tagsOf(ctx, input.resourceArn, INVALID).tags };
    },
  };
}
