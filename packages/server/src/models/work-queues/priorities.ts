/** A queue's id and priority; 1 is the highest priority. */
export interface QueuePriority {
  id: string;
  priority: number;
}

/** The priority Prefect gives a queue created without one: the first gap in 1, 2, 3, …, else max + 1. */
export function firstFreePriority(priorities: readonly number[]): number {
  const sorted = [...priorities].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i] !== i + 1) return i + 1;
  }
  return sorted.length + 1;
}

/**
 * Prefect's `bulk_update_work_queue_priorities`: gives each queue in `wanted` its new priority and
 * shifts the queues in its way down by one, as few as needed, so priorities stay unique and the
 * other queues keep their order. Returns only the queues whose priority changes.
 */
export function rebalancePriorities(queues: readonly QueuePriority[], wanted: ReadonlyMap<string, number>): Map<string, number> {
  const byPriority = [...queues].sort((a, b) => a.priority - b.priority).map((q) => ({ ...q }));
  const order = byPriority.filter((q) => !wanted.has(q.id));
  const moved = byPriority.filter((q) => wanted.has(q.id)).sort((a, b) => (wanted.get(a.id) as number) - (wanted.get(b.id) as number));
  for (const queue of moved) {
    queue.priority = wanted.get(queue.id) as number;
    const at = order.findIndex((q) => q.priority >= queue.priority);
    if (at === -1) order.push(queue);
    else order.splice(at, 0, queue);
  }
  let last = 0;
  for (const queue of order) {
    if (queue.priority <= last) queue.priority = ++last;
    else last = queue.priority;
  }
  const original = new Map(queues.map((q) => [q.id, q.priority]));
  return new Map(order.filter((q) => original.get(q.id) !== q.priority).map((q) => [q.id, q.priority]));
}
