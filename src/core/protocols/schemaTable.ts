/**
 * An SDK client's schemas, read back from the JSON table the build writes in place of its
 * schemas module (scripts/schemaTable.mjs says why and the format): `{"$": name}` becomes the
 * thunk `() => table[name]`, `{"=": name}` the shared object `table[name]`. The result is what the
 * module exported: the same `X$` arrays, thunks and sharing, so the protocols read either alike.
 */
export function schemaTable(json: string): Record<string, unknown> {
  const table = JSON.parse(json) as Record<string, unknown>;
  // Each object is walked once: a shared one at its own entry, never where it is referenced.
  const revive = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const x = value[i];
        if (typeof x === "object" && x !== null) {
          const y = revive(x);
          if (y !== x) value[i] = y;
        }
      }
      return value;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.$ === "string") {
      const name = record.$;
      return () => table[name];
    }
    if (typeof record["="] === "string") return table[record["="]];
    for (const k in record) {
      const x = record[k];
      if (typeof x === "object" && x !== null) {
        const y = revive(x);
        if (y !== x) record[k] = y;
      }
    }
    return record;
  };
  for (const name in table) table[name] = revive(table[name]);
  return table;
}
