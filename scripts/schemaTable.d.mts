/** Build time: an SDK schemas module's exports as one JSON-ready table (see schemaTable.mjs). */
export function encodeSchemaTable(module: Record<string, unknown>): Record<string, unknown>;
/** The JSON text as a single-quoted JavaScript string literal. */
export function stringLiteral(json: string): string;
