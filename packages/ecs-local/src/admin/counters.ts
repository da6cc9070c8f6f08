/** Counts for tests and benchmarks: API calls per operation, errors per code, tasks per clientToken. */
export class Counters {
  calls: Record<string, number> = {};
  errors: Record<string, number> = {};
  tasksLaunched = 0;
  tasksByClientToken: Record<string, number> = {};

  call(service: string, operation: string): void {
    const key = `${service}:${operation}`;
    this.calls[key] = (this.calls[key] ?? 0) + 1;
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  launched(count: number, clientToken?: string): void {
    this.tasksLaunched += count;
    if (clientToken) this.tasksByClientToken[clientToken] = (this.tasksByClientToken[clientToken] ?? 0) + count;
  }

  reset(): void {
    this.calls = {};
    this.errors = {};
    this.tasksLaunched = 0;
    this.tasksByClientToken = {};
  }

  snapshot(): { calls: Record<string, number>; errors: Record<string, number>; tasksLaunched: number; tasksByClientToken: Record<string, number> } {
    return { calls: { ...this.calls }, errors: { ...this.errors }, tasksLaunched: this.tasksLaunched, tasksByClientToken: { ...this.tasksByClientToken } };
  }
}
