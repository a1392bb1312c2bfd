/**
 * What the compiled XML and JSON writers (xmlWriter.ts, jsonWriter.ts) share: one writer per
 * schema and settings, and the SDK's serializer for what they leave, from the first shape they
 * leave on, whether met when compiling or on a value.
 */

/** Thrown by a compiled writer for a shape it leaves to the SDK's serializer. */
export class Unsupported extends Error {}

export type Writer = (value: unknown) => string;

const writers = new WeakMap<object, Map<unknown, Writer>>();

/**
 * Whether a schema reference can key a writer: a struct, a member's NormalizedSchema, or an
 * operation's output thunk (`() => DescribeKeyResponse$`) are kept objects; a simple schema
 * (a number or a string) is not.
 */
export const keyable = (schema: unknown): schema is object => (typeof schema === "object" && schema !== null) || typeof schema === "function";

/** The writer of `schema` under `settings` (a Map key) kept by `keepWriter`, if any: looked up on every answer, so it allocates nothing. */
export const findWriter = (schema: object, settings: unknown): Writer | undefined => writers.get(schema)?.get(settings);

/** Keeps the writer of `schema` under `settings`: `compile`d on first use; `fallback` writes what it leaves. */
export function keepWriter(schema: object, settings: unknown, compile: () => Writer, fallback: Writer): Writer {
  let bySettings = writers.get(schema);
  if (!bySettings) writers.set(schema, (bySettings = new Map()));
  let compiled: Writer | undefined;
  let left = false;
  const writer: Writer = (value) => {
    if (!left) {
      try {
        compiled ??= compile();
        return compiled(value);
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        left = true;
      }
    }
    return fallback(value);
  };
  bySettings.set(settings, writer);
  return writer;
}
