import assert from "node:assert/strict";
import { it } from "node:test";
import { encodeSchemaTable, stringLiteral } from "../../scripts/schemaTable.mjs";
import { schemaTable } from "../../src/core/protocols/schemaTable.js";
import { services } from "../../src/services/index.js";

/**
 * True when `a` (the SDK's) and `b` (read back from the table) are the same schema: equal
 * values, thunks whose targets are the same schema, and an object shared by the SDK shared in
 * the table too. Pairs already being compared are assumed equal (the schemas are cyclic).
 */
function same(a: unknown, b: unknown, path: string, pairs: Map<object, object>): void {
  if (typeof a === "function") {
    assert.equal(typeof b, "function", `${path}: a thunk`);
    return same((a as () => unknown)(), (b as () => unknown)(), `${path}()`, pairs);
  }
  if (typeof a !== "object" || a === null) return assert.equal(b, a, path);
  assert.ok(typeof b === "object" && b !== null, `${path}: an object`);
  const met = pairs.get(a);
  if (met) return assert.equal(met, b, `${path}: the SDK's shared object is one object in the table too`);
  pairs.set(a, b);
  assert.equal(Array.isArray(b), Array.isArray(a), `${path}: an array`);
  assert.deepEqual(Object.keys(b), Object.keys(a), path);
  for (const [k, v] of Object.entries(a)) same(v, (b as Record<string, unknown>)[k], `${path}.${k}`, pairs);
}

// The bundle replaces each SDK schemas module by its JSON table (scripts/bundle.mjs): read
// back, it must be the module, value for value, for every service nubis serves.
for (const def of services) {
  it(`${def.title}'s schemas read back from their JSON table are the SDK's`, async () => {
    const module = (await def.loadSchemas()) as Record<string, unknown>;
    const json = JSON.stringify(encodeSchemaTable(module));
    const table = schemaTable(json);
    // The literal the bundle writes is the same JSON once JavaScript reads it.
    assert.equal(new Function(`return ${stringLiteral(json)}`)(), json);
    const pairs = new Map<object, object>();
    let schemas = 0;
    for (const [name, value] of Object.entries(module)) {
      if (!name.endsWith("$") || typeof value !== "object") continue;
      schemas++;
      same(value, table[name], name, pairs);
    }
    assert.ok(schemas > 50, `${schemas} schemas`);
    assert.deepEqual(Object.keys(table).filter((k) => !k.startsWith("~")).sort(), Object.keys(module).filter((k) => k.endsWith("$")).sort());
  });
}

it("a schema trait keyed like a marker is refused at build time, not misread", () => {
  assert.throws(() => encodeSchemaTable({ X$: [3, "ns", "X", { $: "Y$" }, [], []] }), /keyed \$ or =/);
  assert.throws(() => encodeSchemaTable({ X$: [3, "ns", "X", 0, ["a"], [(n: number) => n]] }), /a function of 1 arguments/);
});

it("thunks, shared objects and cycles survive the table", () => {
  const shared = [0, "ns", "S", 8, 0];
  const module: Record<string, unknown> = { A$: [3, "ns", "A", 0, ["b", "s", "t"], [() => module.B$, shared, shared]], B$: [3, "ns", "B", 0, ["a", "u"], [() => module.A$, () => "unit"]] };
  const table = schemaTable(JSON.stringify(encodeSchemaTable(module)));
  const a = table.A$ as unknown[];
  const members = a[5] as unknown[];
  assert.equal((members[0] as () => unknown)(), table.B$);
  assert.equal(members[1], members[2], "a shared object stays one object");
  assert.deepEqual(members[1], shared);
  assert.equal((((table.B$ as unknown[])[5] as unknown[])[1] as () => unknown)(), "unit");
  same(module.A$, table.A$, "A$", new Map());
});
