/** Python logging levels, which Prefect's log records carry. */
export const LOG_LEVELS: { value: number; name: string }[] = [
  { value: 0, name: "All" },
  { value: 10, name: "DEBUG" },
  { value: 20, name: "INFO" },
  { value: 30, name: "WARNING" },
  { value: 40, name: "ERROR" },
  { value: 50, name: "CRITICAL" },
];

export function levelName(level: number): string {
  let name = `LEVEL ${level}`;
  for (const l of LOG_LEVELS) if (l.value > 0 && level >= l.value) name = l.name;
  return name;
}
