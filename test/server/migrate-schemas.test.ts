import { describe, expect, it } from "vitest";
import { createTestDatabase, ENGINES } from "../support/test-database.js";

const pg = ENGINES.find((e) => e.engine === "postgresql")!;

describe("migrations on PostgreSQL", () => {
  it.skipIf(!pg.available)(`migrate a new schema while another schema of the same database is migrated ${pg.skipReason}`, async () => {
    const first = await createTestDatabase("postgresql");
    try {
      const second = await createTestDatabase("postgresql");
      try {
        const tables = (await second.db.introspection.getTables()).filter((t) => t.schema === second.schema).map((t) => t.name);
        expect(tables).toEqual(expect.arrayContaining(["work_pool", "flow_run"]));
      } finally {
        await second.destroy();
      }
    } finally {
      await first.destroy();
    }
  });
});
