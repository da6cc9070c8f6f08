import { describe, expect, it } from "vitest";
import { firstFreePriority, rebalancePriorities } from "../../packages/server/src/models/work-queues/priorities.js";

const queues = (spec: Record<string, number>) => Object.entries(spec).map(([id, priority]) => ({ id, priority }));

describe("first free priority", () => {
  it.each([
    [[], 1],
    [[1], 2],
    [[1, 2, 3], 4],
    [[1, 3], 2],
    [[2, 3], 1],
    [[3, 1, 99], 2],
  ])("of %j is %i", (taken, expected) => {
    expect(firstFreePriority(taken)).toBe(expected);
  });
});

describe("rebalancing priorities", () => {
  it("changes nothing when the wanted priority is free", () => {
    expect(rebalancePriorities(queues({ a: 1, b: 2, n: 5 }), new Map([["n", 5]]))).toEqual(new Map());
  });

  it("shifts the queues in the way by one, only as far as needed", () => {
    const changes = rebalancePriorities(queues({ a: 1, b: 2, c: 3, d: 7, n: 2 }), new Map([["n", 2]]));
    expect(changes).toEqual(new Map([["b", 3], ["c", 4]]));
  });

  it("moves a queue up, keeping the others in their order", () => {
    const changes = rebalancePriorities(queues({ a: 1, b: 2, c: 3, d: 4 }), new Map([["d", 1]]));
    expect(changes).toEqual(new Map([["d", 1], ["a", 2], ["b", 3], ["c", 4]]));
  });

  it("moves a queue down past a gap without touching the others", () => {
    const changes = rebalancePriorities(queues({ a: 1, b: 2, c: 5 }), new Map([["a", 4]]));
    expect(changes).toEqual(new Map([["a", 4]]));
  });

  it("moves a queue behind all the others", () => {
    expect(rebalancePriorities(queues({ a: 1, b: 2 }), new Map([["a", 9]]))).toEqual(new Map([["a", 9]]));
  });
});
