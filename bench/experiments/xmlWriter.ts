/**
 * Experiment behind a proposal (not used by nubis): an XML writer compiled once per schema from
 * the SDK's own schemas, against the SDK's XmlShapeSerializer that nubis's writeXml uses now.
 * It walks the NormalizedSchema once, at compile time, into closures that append strings; the
 * SDK's serializer walks it again for every value and builds an XmlNode tree before printing.
 *
 *   npx tsx bench/experiments/xmlWriter.ts
 *
 * Checks that both give byte-identical XML for IAM and CloudFront outputs, then times them.
 * Covers what those outputs use (structures, lists, maps, flattening, xmlName, xmlAttribute,
 * xmlNamespace, timestamps, blobs, numbers, booleans); unions with $unknown are left out.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import { writeXml } from "../../src/core/protocols/xml.js";

type Emit = (value: unknown, parentXmlns: string | undefined) => string;

const ELEMENT_ESCAPE = /[&"'<>\r\n\u0085\u2028]/;
const ELEMENT_ESCAPE_G = /[&"'<>\r\n\u0085\u2028]/g;
const ELEMENT_MAP: Record<string, string> = { "&": "&amp;", '"': "&quot;", "'": "&apos;", "<": "&lt;", ">": "&gt;", "\r": "&#x0D;", "\n": "&#x0A;", "\u0085": "&#x85;", "\u2028": "&#x2028;" };
const escapeElement = (s: string) => (ELEMENT_ESCAPE.test(s) ? s.replace(ELEMENT_ESCAPE_G, (c) => ELEMENT_MAP[c]) : s);
const ATTR_ESCAPE_G = /[&<>"]/g;
const ATTR_MAP: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeAttribute = (s: string) => s.replace(ATTR_ESCAPE_G, (c) => ATTR_MAP[c]);

interface Settings {
  /** 5 date-time, 6 http-date, 7 epoch seconds. */
  timestampFormat: 5 | 6 | 7;
}

/** The xmlns attribute a schema adds under a parent namespace (its trait read once, at compile time). */
function xmlnsFor(ns: NormalizedSchema): (parent: string | undefined) => [string, string] | undefined {
  const [prefix, uri] = (ns.getMergedTraits().xmlNamespace as [string, string] | undefined) ?? [];
  if (!uri) return () => undefined;
  const attr: [string, string] = [prefix ? `xmlns:${prefix}` : "xmlns", uri];
  return (parent) => (uri !== parent ? attr : undefined);
}

/** The text of a simple value, as XmlShapeSerializer.writeSimple writes it. */
function simple(ns: NormalizedSchema, settings: Settings): (v: unknown) => string {
  if (ns.isBlobSchema()) return (v) => Buffer.from(v as Uint8Array).toString("base64");
  if (ns.isTimestampSchema()) {
    const t = ns.getMergedTraits().timestampFormat as number | undefined;
    const format = t ?? settings.timestampFormat;
    if (format === 6) return (v) => (v as Date).toUTCString();
    if (format === 7) return (v) => String((v as Date).getTime() / 1000);
    // A stored ISO string passes through: nubis keeps dates as ISO strings, and parsing them
    // into Dates (groupOutput) only for the writer to print them again costs ~1 µs a date.
    return (v) => (typeof v === "string" ? v : (v as Date).toISOString().replace(".000Z", "Z"));
  }
  return (v) => String(v);
}

/** Compiles the writer of a struct named `name` (the XmlNode name the SDK would give it). */
function compileStruct(ns: NormalizedSchema, name: string, settings: Settings, cache: Map<unknown, Emit>): Emit {
  const members: Array<{ key: string; kind: "attr" | "child"; emit: (v: unknown, xmlns: string | undefined) => string; attrName?: string; text?: (v: unknown) => string }> = [];
  for (const [memberName, member] of ns.structIterator()) {
    const traits = member.getMergedTraits();
    if (traits.xmlAttribute) {
      members.push({ key: memberName, kind: "attr", attrName: (traits.xmlName as string | undefined) ?? memberName, emit: () => "", text: simple(member, settings) });
      continue;
    }
    members.push({ key: memberName, kind: "child", emit: compileMember(member, memberName, settings, cache) });
  }
  const xmlnsOf = xmlnsFor(ns);
  return (value, parentXmlns) => {
    const v = value as Record<string, unknown>;
    const own = xmlnsOf(parentXmlns);
    const xmlns = own?.[1];
    let attrs = "";
    let body = "";
    for (const m of members) {
      const mv = v[m.key];
      if (mv == null) continue;
      if (m.kind === "attr") attrs += ` ${m.attrName}="${escapeAttribute(m.text!(mv))}"`;
      else body += m.emit(mv, xmlns);
    }
    if (own) attrs += ` ${own[0]}="${escapeAttribute(own[1])}"`;
    return body ? `<${name}${attrs}>${body}</${name}>` : `<${name}${attrs}/>`;
  };
}

/** A member: its element(s) under the parent struct. */
function compileMember(member: NormalizedSchema, memberName: string, settings: Settings, cache: Map<unknown, Emit>): Emit {
  const traits = member.getMergedTraits();
  if (member.isListSchema()) {
    const item = member.getValueSchema();
    const itemTraits = item.getMergedTraits();
    const flat = !!traits.xmlFlattened;
    const sparse = !!itemTraits.sparse;
    const itemName = flat ? ((traits.xmlName as string | undefined) ?? memberName) : ((itemTraits.xmlName as string | undefined) ?? "member");
    const emitItem = compileValue(item, itemName, settings, cache);
    const listName = (traits.xmlName as string | undefined) ?? memberName;
    const xmlnsOf = xmlnsFor(member);
    return (value, parentXmlns) => {
      const own = xmlnsOf(parentXmlns);
      const xmlns = own ? own[1] : undefined;
      let body = "";
      for (const x of value as unknown[]) if (sparse || x != null) body += emitItem(x, xmlns);
      if (flat) return body;
      const attrs = own ? ` ${own[0]}="${escapeAttribute(own[1])}"` : "";
      return body ? `<${listName}${attrs}>${body}</${listName}>` : `<${listName}${attrs}/>`;
    };
  }
  if (member.isMapSchema()) {
    const keyName = (member.getKeySchema().getMergedTraits().xmlName as string | undefined) ?? "key";
    const valueSchema = member.getValueSchema();
    const valueName = (valueSchema.getMergedTraits().xmlName as string | undefined) ?? "value";
    const emitValue = compileValue(valueSchema, valueName, settings, cache);
    const flat = !!traits.xmlFlattened;
    const sparse = !!valueSchema.getMergedTraits().sparse;
    const mapName = (traits.xmlName as string | undefined) ?? memberName;
    const xmlnsOf = xmlnsFor(member);
    return (value, parentXmlns) => {
      const own = xmlnsOf(parentXmlns);
      const xmlns = own ? own[1] : undefined;
      let body = "";
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
        if (!(sparse || x != null)) continue;
        const entry = `<${keyName}>${escapeElement(k)}</${keyName}>${emitValue(x, xmlns)}`;
        body += flat ? `<${mapName}>${entry}</${mapName}>` : `<entry>${entry}</entry>`;
      }
      if (flat) return body;
      const attrs = own ? ` ${own[0]}="${escapeAttribute(own[1])}"` : "";
      return body ? `<${mapName}${attrs}>${body}</${mapName}>` : `<${mapName}${attrs}/>`;
    };
  }
  return compileValue(member, (traits.xmlName as string | undefined) ?? memberName, settings, cache);
}

/** A value written as one element `name` (struct, or simple text). */
function compileValue(ns: NormalizedSchema, name: string, settings: Settings, cache: Map<unknown, Emit>): Emit {
  if (ns.isStructSchema()) {
    // Recursive shapes: compile lazily, once per (schema, element name).
    const key = `${ns.getName(true)}@${name}`;
    let emit = cache.get(key);
    if (!emit) {
      let compiled: Emit | undefined;
      emit = (v, x) => (compiled ??= compileStruct(ns, name, settings, cache))(v, x);
      cache.set(key, emit);
    }
    return emit;
  }
  const text = simple(ns, settings);
  const xmlnsOf = xmlnsFor(ns);
  const open = `<${name}>`;
  const close = `</${name}>`;
  return (value, parentXmlns) => {
    const own = xmlnsOf(parentXmlns);
    if (!own) return open + escapeElement(text(value)) + close;
    return `<${name} ${own[0]}="${escapeAttribute(own[1])}">${escapeElement(text(value))}${close}`;
  };
}

/** Same contract as src/core/protocols/xml.ts writeXml, compiled once per schema. */
export function compileXml(schema: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7 = 5): (value: unknown) => string {
  const ns = NormalizedSchema.of(schema as never);
  const name = (ns.getMergedTraits().xmlName as string | undefined) ?? ns.getName();
  const emit = compileStruct(ns, name!, { timestampFormat }, new Map());
  return (value) => {
    let xml = emit(value, undefined);
    // flush(): the root gets the service namespace unless it already has an xmlns.
    if (xmlNamespace && !/^<[^ >/]+ [^>]*xmlns="/.test(xml)) xml = xml.replace(/^(<[^ >/]+)/, `$1 xmlns="${escapeAttribute(xmlNamespace)}"`);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  };
}

// ------------------------------------------------------------------ check and time

async function main() {
  const iam = (await import("@aws-sdk/client-iam")) as unknown as Record<string, unknown>;
  const cf = (await import("@aws-sdk/client-cloudfront")) as unknown as Record<string, unknown>;
  const { queryResponseEnvelope } = await import("../../src/core/protocols/xml.js");
  const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
  const group = (i: number) => ({
    Path: "/list/",
    GroupName: `lg-${String(i).padStart(3, "0")}`,
    GroupId: `AGPA${String(i).padStart(17, "X")}`,
    Arn: `arn:aws:iam::000000000000:group/list/lg-${i}`,
    CreateDate: new Date(Date.UTC(2026, 10, 22, 2, 0, i % 60)),
  });
  const op = (name: string) => (iam[`${name}$`] as unknown[])[5];
  const cases: Array<{ name: string; schema: unknown; value: unknown; ns: string }> = [
    {
      name: "IAM ListGroups, 100 groups",
      schema: queryResponseEnvelope("ListGroups", op("ListGroups") as never),
      value: { ListGroupsResult: { Groups: Array.from({ length: 100 }, (_, i) => group(i)), IsTruncated: true, Marker: "bWFya2Vy" }, ResponseMetadata: { RequestId: "r-1" } },
      ns: IAM_NS,
    },
    {
      name: "IAM GetGroup, 1 member",
      schema: queryResponseEnvelope("GetGroup", op("GetGroup") as never),
      value: {
        GetGroupResult: {
          Group: group(1),
          Users: [{ Path: "/", UserName: "gu-0", UserId: "AIDAXXXXXXXXXXXXXXXXX", Arn: "arn:aws:iam::000000000000:user/gu-0", CreateDate: new Date(0), Tags: [{ Key: "a&b", Value: "<x>\n" }] }],
          IsTruncated: false,
        },
        ResponseMetadata: { RequestId: "r-2" },
      },
      ns: IAM_NS,
    },
    {
      name: "IAM CreateGroup",
      schema: queryResponseEnvelope("CreateGroup", op("CreateGroup") as never),
      value: { CreateGroupResult: { Group: group(2) }, ResponseMetadata: { RequestId: "r-3" } },
      ns: IAM_NS,
    },
    {
      name: "CloudFront KeyGroupList, 100 groups",
      schema: cf.KeyGroupList$,
      value: {
        MaxItems: 100,
        Quantity: 100,
        Items: Array.from({ length: 100 }, (_, i) => ({
          KeyGroup: { Id: `id-${i}`, LastModifiedTime: new Date(Date.UTC(2026, 0, 1)), KeyGroupConfig: { Name: `kg-${i}`, Items: ["K1", "K2"], Comment: "c" } },
        })),
      },
      ns: "http://cloudfront.amazonaws.com/doc/2020-05-31/",
    },
  ];
  for (const c of cases) {
    const compiled = compileXml(c.schema, c.ns);
    const a = writeXml(c.schema as never, c.value, c.ns);
    const b = compiled(c.value);
    if (a !== b) {
      console.log(`${c.name}: DIFFERENT OUTPUT\n  sdk:      ${a.slice(0, 400)}\n  compiled: ${b.slice(0, 400)}`);
      continue;
    }
    const time = (f: () => string) => {
      for (let i = 0; i < 300; i++) f();
      const n = 3000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f();
      return ((performance.now() - t0) * 1000) / n;
    };
    const sdk = time(() => writeXml(c.schema as never, c.value, c.ns));
    const fast = time(() => compiled(c.value));
    // The same output from the records as stored (ISO strings), without Date round trips.
    const stored = JSON.parse(JSON.stringify(c.value, (_k, v) => (typeof v === "string" ? v.replace(/\.000Z$/, "Z") : v)));
    if (compiled(stored) !== a) throw new Error(`${c.name}: ISO strings do not give the same XML`);
    const fastest = time(() => compiled(stored));
    console.log(
      `${c.name.padEnd(36)} identical ${String(a.length).padStart(6)} bytes; SDK serializer ${sdk.toFixed(1).padStart(6)} µs, ` +
        `compiled ${fast.toFixed(1).padStart(5)} µs (${(sdk / fast).toFixed(1)}×), compiled with stored ISO dates ${fastest.toFixed(1).padStart(5)} µs (${(sdk / fastest).toFixed(1)}×)`,
    );
  }
}

if (process.argv[1]?.endsWith("xmlWriter.ts")) await main();
