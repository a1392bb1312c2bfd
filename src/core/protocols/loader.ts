import { type ServiceDefinition, withBehaviour } from "../service.js";
import type { LoadedService, OperationSchema, SchemaRef } from "./protocol.js";

type StaticSchema = [number, string, string, Record<string, unknown> | number, ...unknown[]];

/**
 * Reads a `@aws-sdk/client-*` module: every `X$` export whose kind is 9 is an operation
 * (`[9, ns, name, traits, input, output]`), every kind -3 an error
 * (`[-3, ns, name, traits, memberNames, memberSchemas]`). The service's behaviour (its
 * handlers) loads beside them, so whatever reads a loaded service finds both.
 */
export async function loadService(def: ServiceDefinition): Promise<LoadedService> {
  const [loaded] = await Promise.all([def.loadSchemas(), withBehaviour(def)]);
  // The bundle has the module's exports as one table, its default export (scripts/schemaTable.mjs).
  const module = (loaded.default as Record<string, unknown> | undefined) ?? loaded;
  const operations = new Map<string, OperationSchema>();
  const errors = new Map<string, { status: number; schema: SchemaRef }>();
  for (const [exportName, value] of Object.entries(module)) {
    if (!exportName.endsWith("$") || !Array.isArray(value)) continue;
    const schema = value as StaticSchema;
    const traits = typeof schema[3] === "object" ? schema[3] : {};
    if (schema[0] === 9) {
      operations.set(schema[2], {
        name: schema[2],
        http: traits.http as OperationSchema["http"],
        input: schema[4],
        output: schema[5],
      });
    } else if (schema[0] === -3) {
      // Only awsQuery services answer with the awsQueryError code and status; KMS's schemas
      // carry one too (`NotFound`, 404) for its query-compatible mode, which JSON clients never see.
      const queryError = def.protocol === "awsQuery" ? (traits.awsQueryError as [string, number] | undefined) : undefined;
      const code = queryError?.[0] ?? schema[2];
      const status = (traits.httpError as number | undefined) ?? queryError?.[1] ?? (traits.error === "server" ? 500 : 400);
      errors.set(code, { status, schema });
    }
  }
  return {
    def,
    operations,
    errorStatus: (code) => errors.get(code)?.status,
    errorSchema: (code) => errors.get(code)?.schema,
  };
}
