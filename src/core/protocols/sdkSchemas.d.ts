/**
 * A client's schemas module (`dist-es/schemas/schemas_0.js`): every operation's and shape's
 * static schema as an `X$` export, without the client, its commands or its middleware, which
 * nubis never runs. Resolved by tsx in the tests; in the bundle, a module whose default export is
 * the same exports read back from JSON (scripts/schemaTable.mjs).
 */
declare module "@aws-sdk/client-*/dist-es/schemas/schemas_0.js" {
  const schemas: Record<string, unknown>;
  export = schemas;
}
