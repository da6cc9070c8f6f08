// Default templates are shared constants: freezing them makes an accidental in-place edit (say, a
// renderer merging into them) throw instead of silently changing every later pool.
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
