import { AwsError } from "../../errors.js";

/** Builds and reads ECS ARNs in AWS's long format (`task/<cluster>/<id>`, `service/<cluster>/<name>`). */
export class EcsArns {
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  private prefix(): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:`;
  }

  cluster(name: string): string {
    return `${this.prefix()}cluster/${name}`;
  }

  taskDefinition(family: string, revision: number): string {
    return `${this.prefix()}task-definition/${family}:${revision}`;
  }

  task(clusterName: string, id: string): string {
    return `${this.prefix()}task/${clusterName}/${id}`;
  }

  container(clusterName: string, id: string): string {
    return `${this.prefix()}container/${clusterName}/${id}`;
  }

  service(clusterName: string, name: string): string {
    return `${this.prefix()}service/${clusterName}/${name}`;
  }

  /** A cluster name or ARN → its name. */
  clusterName(ref: string | undefined): string {
    if (ref === undefined || ref === "") return "default";
    if (ref.startsWith("arn:")) {
      const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:cluster\/([^/]+)$/.exec(ref);
      if (!m) throw new AwsError("InvalidParameterException", "Invalid identifier: Unexpected number of separators");
      return m[1];
    }
    return ref;
  }

  /** A task ID or ARN → { id, clusterName? } (old-format ARNs carry no cluster). */
  taskRef(ref: string): { id: string; clusterName?: string } {
    if (ref.startsWith("arn:")) {
      const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:task\/(?:([^/]+)\/)?([^/]+)$/.exec(ref);
      if (!m) throw new AwsError("InvalidParameterException", "Invalid identifier: Unexpected number of separators");
      return { id: m[2], clusterName: m[1] };
    }
    return { id: ref };
  }

  /** A service name or ARN → { name, clusterName? }. */
  serviceRef(ref: string): { name: string; clusterName?: string } {
    if (ref.startsWith("arn:")) {
      const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:service\/(?:([^/]+)\/)?([^/]+)$/.exec(ref);
      if (!m) throw new AwsError("InvalidParameterException", "Invalid identifier: Unexpected number of separators");
      return { name: m[2], clusterName: m[1] };
    }
    return { name: ref };
  }

  /** `family`, `family:revision` or an ARN → parts. Undefined when it cannot be a task definition. */
  taskDefinitionRef(ref: string): { family: string; revision?: number } | undefined {
    let body = ref;
    if (ref.startsWith("arn:")) {
      const m = /^arn:aws[a-z-]*:ecs:[^:]*:\d{12}:task-definition\/(.+)$/.exec(ref);
      if (!m) return undefined;
      body = m[1];
    }
    const m = /^([A-Za-z0-9_-]{1,255})(?::(\d+))?$/.exec(body);
    if (!m) return undefined;
    return { family: m[1], revision: m[2] === undefined ? undefined : Number(m[2]) };
  }
}
