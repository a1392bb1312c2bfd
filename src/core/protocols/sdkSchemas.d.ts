/**
 * A client's schemas module (`dist-es/schemas/schemas_0.js`): every operation's and shape's
 * static schema as an `X$` export, without the client, its commands or its middleware, which
 * nubis never runs. Resolved by esbuild in the bundle and by tsx in the tests.
 */
declare module "@aws-sdk/client-*/dist-es/schemas/schemas_0.js" {
  const schemas: Record<string, unknown>;
  export = schemas;
}
