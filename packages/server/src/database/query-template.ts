import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { Engine } from "./engine.js";

/** A placeholder for a value bound later; its identity marks where the value goes in the parameters. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query built and compiled once, with named placeholders for its values. Building a Kysely
 * query (immutable nodes, parsing, compiling to SQL) costs more CPU than SQLite takes to run the
 * short statements of the hot paths; a template pays that once per query shape and then only
 * fills in the parameters. The SQL is still Kysely's, so it is right for either engine.
 *
 *     const byId = QueryTemplate.compile<"id">((p) => db.selectFrom("flow").selectAll().where("id", "=", p("id")));
 *     await db.executeQuery(byId.bind({ id }));
 */
export class QueryTemplate<Name extends string, Row = unknown> {
  private constructor(
    private readonly compiled: CompiledQuery<Row>,
    /** The placeholder name of each parameter, in order. */
    private readonly slots: readonly Name[],
  ) {}

  /**
   * @param build makes the query, with `param(name)` wherever a value goes (in `where`, `set`,
   * `values`, `eb.val`); a name may be used more than once. Other values are fixed constants of the template.
   */
  static compile<Name extends string, Row = unknown>(build: (param: (name: Name) => any) => Compilable<Row>): QueryTemplate<Name, Row> {
    const compiled = build((name) => new Slot(name)).compile();
    const slots = compiled.parameters.map((value, i) => {
      if (!(value instanceof Slot)) throw new Error(`QueryTemplate: parameter ${i + 1} of "${compiled.sql}" is a constant, not a param().`);
      return value.name as Name;
    });
    return new QueryTemplate(compiled, slots);
  }

  /** The query with these values, ready for `db.executeQuery` (or a transaction's). */
  bind(values: Readonly<Record<Name, unknown>>): CompiledQuery<Row> {
    return { ...this.compiled, parameters: this.slots.map((name) => values[name]) };
  }
}

/**
 * Templates by a key describing their shape (e.g. the set of columns an update writes), each
 * compiled once per engine (the SQL differs between SQLite and PostgreSQL).
 */
export class QueryTemplateCache<Name extends string, Row = unknown> {
  private readonly templates = new Map<string, QueryTemplate<Name, Row>>();

  constructor(private readonly maxTemplates = 200) {}

  get(
    database: { db: Kysely<any>; engine: Engine },
    key: string,
    build: (db: Kysely<any>, param: (name: Name) => any) => Compilable<Row>,
  ): QueryTemplate<Name, Row> {
    const fullKey = `${database.engine} ${key}`;
    let template = this.templates.get(fullKey);
    if (!template) {
      template = QueryTemplate.compile<Name, Row>((param) => build(database.db, param));
      // Shapes are few (which bookkeeping columns a transition sets); the bound only guards against a bug making them unbounded.
      if (this.templates.size >= this.maxTemplates) this.templates.clear();
      this.templates.set(fullKey, template);
    }
    return template;
  }
}
