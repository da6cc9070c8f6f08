// AWS's naming rules, applied to names ecsflow derives from user input (labels, pool names).

/** Characters an ECS tag key or value may hold besides letters and numbers (spaces become "-" here, as Prefect's slugify does). */
const TAG_DISALLOWED = /[^\p{L}\p{N}_.:/=+\-@]+/gu;

/** A label as an ECS tag part: runs of other characters become "-", repeated "-" collapse, edges trimmed, at most `max` characters. */
export function slugifyTagPart(text: string, max: number): string {
  return text.replace(TAG_DISALLOWED, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "").slice(0, max);
}

/** A task definition family: letters, numbers, "_" and "-", at most 255 characters. */
export function slugifyFamily(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "").slice(0, 255) || "prefect";
}

/** RunTask `startedBy`: letters, numbers, "-", "/" and "_", at most 128 characters. */
export function slugifyStartedBy(text: string): string {
  return text.replace(/[^A-Za-z0-9_/-]+/g, "-").replace(/-{2,}/g, "-").slice(0, 128);
}
