import type { ValidationIssue } from "../api/types";

export interface TemplateErrors {
  /** Per variable name: the problem with its default or schema. */
  variables: Record<string, string>;
  jobConfiguration?: string;
  other: string[];
}

/**
 * Sorts the server's 422 items by the field they name: `loc` runs
 * body → base_job_template → variables → properties → NAME → … or → job_configuration → ….
 */
export function templateErrorsFromIssues(issues: ValidationIssue[]): TemplateErrors {
  const out: TemplateErrors = { variables: {}, other: [] };
  for (const issue of issues) {
    const loc = issue.loc.filter((p) => p !== "body");
    const rest = loc[0] === "base_job_template" ? loc.slice(1) : loc;
    if (rest[0] === "variables" && rest[1] === "properties" && rest.length > 2) {
      const name = String(rest[2]);
      const where = rest.slice(3).join(".");
      out.variables[name] = [out.variables[name], `${where ? `${where} ` : ""}${issue.msg}`].filter(Boolean).join("; ");
    } else if (rest[0] === "job_configuration") {
      const where = rest.slice(1).join(".");
      out.jobConfiguration = [out.jobConfiguration, `${where ? `${where}: ` : ""}${issue.msg}`].filter(Boolean).join("; ");
    } else {
      out.other.push(`${rest.join(".") || "template"}: ${issue.msg}`);
    }
  }
  return out;
}

export const hasTemplateErrors = (e: TemplateErrors) => Object.keys(e.variables).length > 0 || !!e.jobConfiguration || e.other.length > 0;
