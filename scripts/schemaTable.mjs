// Build time: an SDK client's schemas module (`dist-es/schemas/schemas_0.js`, evaluated) as one
// JSON table, which src/core/protocols/schemaTable.ts turns back into the same schemas. V8 parses
// JSON several times faster than the same values written as JavaScript, and the module is
// parsed on each service's first call (QuickSight's: ~50 ms as JavaScript, ~15 ms as JSON).
//
// The table maps a name to a value: every `X$` export under its own name, and values the module
// shares under `~N`. Inside values, `{"$": name}` stands for a thunk `() => table[name]` (the
// SDK's lazy, possibly cyclic, references) and `{"=": name}` for the very object `table[name]`
// (a `var` the module uses in several places). No schema trait is an object keyed `$` or `=`;
// the encoder refuses one, so the two markers cannot be misread.

/** @param {Record<string, unknown>} module the schemas module's namespace */
export function encodeSchemaTable(module) {
  /** @type {Map<unknown, string>} */
  const names = new Map();
  for (const [name, value] of Object.entries(module)) {
    if (name.endsWith("$") && typeof value === "object" && value !== null && !names.has(value)) names.set(value, name);
  }
  let synthetic = 0;
  const nameOf = (value) => {
    let name = names.get(value);
    if (name === undefined) names.set(value, (name = `~${synthetic++}`));
    return name;
  };
  const thunkTarget = (fn) => {
    if (fn.length !== 0) throw new Error(`a function of ${fn.length} arguments in the SDK's schemas`);
    const target = fn();
    if (target == null || typeof target === "function") throw new Error(`a thunk to ${typeof target} in the SDK's schemas`);
    return target;
  };

  // First pass: every value a thunk points to, and the objects used directly in more than one place.
  const descended = new Set();
  const roots = [...names.keys()];
  const visit = (value, isRoot) => {
    if (typeof value === "function") {
      const target = thunkTarget(value);
      if (!names.has(target)) {
        nameOf(target);
        if (typeof target === "object") roots.push(target);
      }
      return;
    }
    if (typeof value !== "object" || value === null) return;
    if (!isRoot && names.has(value)) return;
    if (descended.has(value)) return void nameOf(value);
    descended.add(value);
    for (const x of Object.values(value)) visit(x, false);
  };
  for (let i = 0; i < roots.length; i++) visit(roots[i], true);

  // Second pass: every named value once, references where it is used.
  const encode = (value, top) => {
    if (typeof value === "function") return { $: names.get(thunkTarget(value)) };
    if (typeof value !== "object" || value === null) {
      if (typeof value === "number" || typeof value === "string" || typeof value === "boolean" || value === null) return value;
      throw new Error(`a ${typeof value} in the SDK's schemas`);
    }
    if (!top && names.has(value)) return { "=": names.get(value) };
    if (Array.isArray(value)) return value.map((x) => encode(x, false));
    if ("$" in value || "=" in value) throw new Error("a trait keyed $ or = in the SDK's schemas");
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, encode(x, false)]));
  };
  /** @type {Record<string, unknown>} */
  const table = {};
  for (const [value, name] of names) table[name] = encode(value, true);
  return table;
}

/** The table as a single-quoted JavaScript string literal (JSON has few `'` to escape, many `"`). */
export const stringLiteral = (json) => `'${json.replace(/[\\']/g, "\\$&")}'`;
