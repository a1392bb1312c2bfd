import assert from "node:assert/strict";
import { it } from "node:test";
import { NormalizedSchema } from "@smithy/core/schema";
import { valueFor } from "./values.js";
import { queryResponseEnvelope, writeXml } from "../../src/core/protocols/xml.js";
import { writeXmlWithSdk } from "../../src/core/protocols/xmlSdk.js";

const services = [
  { module: "@aws-sdk/client-iam", ns: "https://iam.amazonaws.com/doc/2010-05-08/", query: true },
  { module: "@aws-sdk/client-sts", ns: "https://sts.amazonaws.com/doc/2011-06-15/", query: true },
  { module: "@aws-sdk/client-cloudfront", ns: "http://cloudfront.amazonaws.com/doc/2020-05-31/", query: false },
];

for (const service of services) {
  it(`compiled XML writers match the SDK's XmlShapeSerializer byte for byte on every ${service.module} output`, async () => {
    const module = (await import(service.module)) as Record<string, unknown>;
    let compared = 0;
    for (const [name, schema] of Object.entries(module)) {
      if (!name.endsWith("$") || !Array.isArray(schema)) continue;
      // awsQuery writes each operation's output in its envelope; restXml writes structures (payloads, outputs).
      let target: unknown;
      if (service.query && schema[0] === 9 && !NormalizedSchema.of(schema[5] as never).isUnitSchema()) target = queryResponseEnvelope(schema[2] as string, schema[5]);
      else if (!service.query && schema[0] === 3) target = schema;
      if (!target) continue;
      const seed = { n: compared + 7 };
      for (let round = 0; round < 3; round++) {
        const value = valueFor(NormalizedSchema.of(target as never), seed, 0);
        let expected: string;
        try {
          expected = writeXmlWithSdk(target, value, service.ns);
        } catch {
          continue; // a value the SDK itself cannot write (e.g. an empty union)
        }
        // awsQuery writes without the SDK's serializer (it does not load it): none of its outputs may need it.
        assert.equal(writeXml(target, value, service.ns, 5, service.query ? undefined : writeXmlWithSdk), expected, `${name} round ${round}`);
        compared++;
      }
    }
    assert.ok(compared > 20, `compared ${compared} documents`);
  });
}

it("a value XML cannot carry is written with U+FFFD, by the compiled writer as by the SDK's", () => {
  const schema = [3, "test", "Out", 0, ["Name", "Tags"], [0, [1, "test", "TagList", 0, 0]]];
  const value = { Name: "a\u0001b\uD800c&", Tags: ["ok \uD83D\uDE00", "\uDC00"] };
  const written = writeXml(schema, value, "https://example.test/");
  assert.equal(written, writeXmlWithSdk(schema, value, "https://example.test/"));
  assert.ok(written.includes("<Name>a\uFFFDb\uFFFDc&amp;</Name>") && written.includes("ok \uD83D\uDE00") && written.includes("<member>\uFFFD</member>"), written);
});
