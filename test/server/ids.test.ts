import { describe, expect, it } from "vitest";
import { newId } from "../../packages/server/src/ids.js";

describe("newId", () => {
  it("makes distinct, increasing UUIDv7s, also past the random pool's refills", () => {
    const now = Date.now();
    const ids = Array.from({ length: 5000 }, () => newId(now));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    // The random part differs between ids (it is not the same pool bytes reused).
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(ids.length);
  });
});
