/**
 * XML writers compiled once per SDK schema. They walk the NormalizedSchema once, into closures
 * that append strings, where the SDK's XmlShapeSerializer walks it again for every value and
 * builds an XmlNode tree before printing: the same bytes (test/protocols/xmlWriter.test.ts
 * checks them against the SDK's serializer for every IAM and CloudFront output), 2-5x faster,
 * and serialization was half of nubis's CPU on a list page (bench/profile.ts).
 * Unions (never in the outputs nubis serves yet) are left to the SDK's serializer.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import { Unsupported } from "./compiledWriter.js";

type Emit = (value: unknown, parentXmlns: string | undefined) => string;

/** What XML 1.0 cannot carry, even escaped: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates. */
export const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN.source, "g");

/**
 * Text XML can carry: a character it cannot represent (a value stored through a JSON service,
 * an echoed message) becomes U+FFFD, so no answer is a document a client fails to parse.
 */
export const representable = (text: string) => (XML_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN_ALL, "\uFFFD") : text);

// One test per value finds both what must be escaped and what XML cannot carry (any surrogate
// sends it to the exact check): most values pass it untouched, and the document needs no second scan.
const ELEMENT_WORK = /[&"'<>\r\n\u0085\u2028\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ELEMENT_ESCAPE_G = /[&"'<>\r\n\u0085\u2028]/g;
const ELEMENT_MAP: Record<string, string> = { "&": "&amp;", '"': "&quot;", "'": "&apos;", "<": "&lt;", ">": "&gt;", "\r": "&#x0D;", "\n": "&#x0A;", "\u0085": "&#x85;", "\u2028": "&#x2028;" };
const escapeElement = (s: string) => (ELEMENT_WORK.test(s) ? representable(s).replace(ELEMENT_ESCAPE_G, (c) => ELEMENT_MAP[c]) : s);
const ATTR_ESCAPE_G = /[&<>"]/g;
const ATTR_MAP: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escapeAttribute = (s: string) => representable(s).replace(ATTR_ESCAPE_G, (c) => ATTR_MAP[c]);

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
    // As the SDK's determineTimestampFormat: a timestamp schema of 5, 6 or 7 names its format.
    const own = ns.getSchema();
    const format = own === 5 || own === 6 || own === 7 ? own : settings.timestampFormat;
    // A stored ISO string (core/timestamps.ts) passes through where the wire wants ISO 8601.
    const date = (v: unknown) => (typeof v === "string" ? new Date(v) : (v as Date));
    if (format === 6) return (v) => date(v).toUTCString();
    if (format === 7) return (v) => String(date(v).getTime() / 1000);
    // Whole seconds are written without milliseconds, as the SDK writes a Date.
    const text = (iso: string) => (iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso);
    return (v) => text(typeof v === "string" ? v : (v as Date).toISOString());
  }
  return (v) => String(v);
}

/** Compiles the writer of a struct named `name` (the XmlNode name the SDK would give it). */
function compileStruct(ns: NormalizedSchema, name: string, settings: Settings, cache: Map<unknown, Emit>): Emit {
  if (ns.isUnionSchema()) throw new Unsupported(ns.getName(true));
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

/**
 * The writer of `schema`'s XML document, compiled once: the same bytes as XmlShapeSerializer,
 * every value made representable (element and attribute names come from the schema).
 */
export function compileXml(schema: unknown, xmlNamespace: string, timestampFormat: 5 | 6 | 7 = 5): (value: unknown) => string {
  const ns = NormalizedSchema.of(schema as never);
  const name = (ns.getMergedTraits().xmlName as string | undefined) ?? ns.getName();
  const emit = compileStruct(ns, name!, { timestampFormat }, new Map());
  // flush(): the root gets the service namespace unless it has an xmlns of its own, which its
  // trait decides once, here. The attribute goes right after the root's name.
  const ownXmlns = xmlnsFor(ns)(undefined)?.[0] === "xmlns";
  const declaration = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  if (!xmlNamespace || ownXmlns) return (value) => declaration + emit(value, undefined);
  const open = `<${name}`;
  const rootXmlns = `${declaration}${open} xmlns="${escapeAttribute(xmlNamespace)}"`;
  return (value) => rootXmlns + emit(value, undefined).slice(open.length);
}

