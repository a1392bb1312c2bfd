/**
 * Declarative row shapes: what each table of a service holds, so a snapshot row the service
 * never writes is refused before it is loaded (it would otherwise break reads later). Pure
 * data and a checker: service definitions load these at start-up, without handler code.
 *
 * A key is a template of `/`-separated parts, matched whole:
 *   `{account}` 12 digits, `{region}` a region name, `*` one non-empty part without `/`,
 *   `{keyId}` an access key id (AKIA…, ASIA…), `*` one non-empty part without `/`,
 *   `?` one part that may be empty, `**` the rest (non-empty, may hold `/`); other parts are literal.
 * A value is a JSON type name, a list of one (`["string"]` a list of strings), or a record:
 * its members by name, a trailing `?` marking optional ones; members not named are allowed
 * (records grow), named ones must have their type. A table whose rows differ by key (settings
 * kept in one table) lists several shapes: the first whose key matches decides.
 */
export type JsonType = "string" | "number" | "boolean" | "object" | "array" | "any";
export type ValueShape = JsonType | [ValueShape] | { [member: string]: ValueShape };
export interface RowShape {
  key: string;
  value: ValueShape;
}

const PART: Record<string, string> = {
  "{account}": "\\d{12}",
  "{region}": "[a-z]{2}(?:-[a-z]+)+-\\d+",
  "{keyId}": "A[A-Z0-9]{15,127}",
  "*": "[^/]+",
  "?": "[^/]*",
  "**": "[^]+",
};

function keyPattern(template: string): RegExp {
  return new RegExp(
    `^${template
      .split("/")
      .map((p) => PART[p] ?? p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("/")}$`,
  );
}

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** The reason `value` is not of `shape` (`at` names where), or undefined. */
function valueReason(shape: ValueShape, value: unknown, at: string): string | undefined {
  if (typeof shape === "string") {
    if (shape === "any" || typeOf(value) === shape) return undefined;
    return `${at} must be ${shape === "array" || shape === "object" ? "an" : "a"} ${shape}, not ${typeOf(value)}`;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${at} must be a list, not ${typeOf(value)}`;
    for (let i = 0; i < value.length; i++) {
      const r = valueReason(shape[0], value[i], `${at}[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  if (typeOf(value) !== "object") return `${at} must be a record, not ${typeOf(value)}`;
  const record = value as Record<string, unknown>;
  for (const [name, member] of Object.entries(shape)) {
    const optional = name.endsWith("?");
    const m = optional ? name.slice(0, -1) : name;
    if (record[m] === undefined) {
      if (optional) continue;
      return `${at === "the value" ? "the record" : at} lacks ${m}`;
    }
    const r = valueReason(member, record[m], at === "the value" ? m : `${at}.${m}`);
    if (r) return r;
  }
  return undefined;
}

/** Compiles declarations into the checks `ServiceDefinition.tables` holds (keys compiled once). */
export function rowChecks(shapes: Record<string, RowShape | RowShape[]>): Record<string, (key: string, value: unknown) => string | undefined> {
  return Object.fromEntries(
    Object.entries(shapes).map(([table, declared]) => {
      const alternatives = (Array.isArray(declared) ? declared : [declared]).map((shape) => ({ ...shape, pattern: keyPattern(shape.key) }));
      const forms = alternatives.map((a) => a.key).join(" or ");
      return [
        table,
        (key: string, value: unknown) => {
          const shape = alternatives.find((a) => a.pattern.test(key));
          return shape ? valueReason(shape.value, value, "the value") : `the key is not of the form ${forms}`;
        },
      ];
    }),
  );
}
