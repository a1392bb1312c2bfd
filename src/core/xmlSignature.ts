import { createHash, verify, type X509Certificate } from "node:crypto";

/**
 * Just enough XML for SAML (IAM reads providers' metadata with it, STS assertions): a strict
 * parser (elements, attributes, text, comments, CDATA, character and predefined entity
 * references; no DTDs), Exclusive XML Canonicalization 1.0
 * (https://www.w3.org/TR/xml-exc-c14n/, without comments, with InclusiveNamespaces
 * PrefixList), and XML-DSig verification of an enveloped signature by Reference URI="#id".
 */

export interface XmlElement {
  name: string;
  attrs: Array<[string, string]>;
  children: XmlNode[];
  parent?: XmlElement;
}
export type XmlNode = XmlElement | string | { pi: string };

export class XmlError extends Error {}

const DS = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SIGNATURE_METHODS: Record<string, string> = {
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": "sha256",
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": "sha512",
  "http://www.w3.org/2000/09/xmldsig#rsa-sha1": "sha1",
};
const DIGEST_METHODS: Record<string, string> = {
  "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
  "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
  "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
};

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const v = ENTITIES[ref];
    if (v === undefined) throw new XmlError(`unknown entity ${m}`);
    return v;
  });
}

const TAG = /([A-Za-z_][\w.:-]*)/y;
const ATTRIBUTE = /\s*(\/?>|([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)'))/y;
const MAX_DEPTH = 200;

export function parseXml(source: string): XmlElement {
  const xml = source.replace(/\r\n?/g, "\n");
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const add = (node: XmlNode) => {
    const top = stack[stack.length - 1];
    if (top) top.children.push(node);
    else if (typeof node === "string" ? node.trim() : !("pi" in node)) throw new XmlError("content outside the root element");
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      add(unescape(xml.slice(i)));
      break;
    }
    if (lt > i) add(unescape(xml.slice(i, lt)));
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) throw new XmlError("unterminated comment");
      i = end + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0 || !stack.length) throw new XmlError("bad CDATA");
      add(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      if (end < 0) throw new XmlError("unterminated processing instruction");
      const body = xml.slice(lt + 2, end);
      if (!/^xml\s/i.test(body)) add({ pi: body });
      i = end + 2;
    } else if (xml.startsWith("<!", lt)) {
      throw new XmlError("DTDs are not accepted");
    } else if (xml[lt + 1] === "/") {
      const end = xml.indexOf(">", lt);
      const name = xml.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`mismatched </${name}>`);
      if (!stack.length) root = open;
      i = end + 1;
    } else {
      TAG.lastIndex = lt + 1;
      const m = TAG.exec(xml);
      if (!m) throw new XmlError("bad tag");
      // Deep nesting would only serve to exhaust the stack of the recursive walks below.
      if (stack.length >= MAX_DEPTH) throw new XmlError("too deeply nested");
      let j = TAG.lastIndex;
      const el: XmlElement = { name: m[1], attrs: [], children: [], parent: stack[stack.length - 1] };
      for (;;) {
        ATTRIBUTE.lastIndex = j;
        const rest = ATTRIBUTE.exec(xml);
        if (!rest) throw new XmlError(`bad attribute in <${el.name}>`);
        j = ATTRIBUTE.lastIndex;
        if (rest[1] === ">" || rest[1] === "/>") {
          if (!stack.length && root) throw new XmlError("more than one root");
          if (stack.length) stack[stack.length - 1].children.push(el);
          if (rest[1] === ">") stack.push(el);
          else if (!stack.length) root = el;
          break;
        }
        const raw = rest[4] ?? rest[5] ?? "";
        // Attribute-value normalization: literal whitespace characters read as spaces.
        if (el.attrs.some(([n]) => n === rest[2])) throw new XmlError("duplicate attribute");
        el.attrs.push([rest[2], unescape(raw.replace(/[\t\n]/g, " "))]);
      }
      i = j;
    }
  }
  if (stack.length || !root) throw new XmlError("unclosed element");
  return root;
}

const prefixOf = (qname: string) => (qname.includes(":") ? qname.slice(0, qname.indexOf(":")) : "");
export const localName = (qname: string) => qname.slice(qname.indexOf(":") + 1);

/** The namespace a prefix means at an element (xmlns declarations of it and its ancestors). */
export function namespaceOf(el: XmlElement, prefix: string): string | undefined {
  const attr = prefix ? `xmlns:${prefix}` : "xmlns";
  for (let e: XmlElement | undefined = el; e; e = e.parent) {
    const found = e.attrs.find(([n]) => n === attr);
    if (found) return found[1];
  }
  return prefix === "xml" ? "http://www.w3.org/XML/1998/namespace" : undefined;
}

export const nsOf = (el: XmlElement) => namespaceOf(el, prefixOf(el.name)) ?? "";

export const children = (el: XmlElement, ns: string, name: string) =>
  el.children.filter((c): c is XmlElement => typeof c === "object" && "name" in c && localName(c.name) === name && nsOf(c) === ns);

export function descendants(el: XmlElement, ns: string, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (typeof c !== "object" || !("name" in c)) continue;
    if (localName(c.name) === name && nsOf(c) === ns) out.push(c);
    descendants(c, ns, name, out);
  }
  return out;
}

export const textOf = (el: XmlElement): string => el.children.map((c) => (typeof c === "string" ? c : "name" in c ? textOf(c) : "")).join("");
export const attr = (el: XmlElement, name: string) => el.attrs.find(([n]) => n === name)?.[1];

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#xD;");
const escapeAttr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;").replace(/\t/g, "&#x9;").replace(/\n/g, "&#xA;").replace(/\r/g, "&#xD;");

/**
 * Exclusive canonical form of an element's subtree, leaving out `omit` (the enveloped
 * signature). A namespace is rendered where it is visibly used (or listed in `inclusive`) and
 * not already rendered with the same value by an output ancestor.
 */
export function canonicalize(el: XmlElement, inclusive: string[] = [], omit?: XmlElement): string {
  const out: string[] = [];
  const walk = (e: XmlElement, rendered: Map<string, string>) => {
    const used = new Set<string>([prefixOf(e.name)]);
    for (const [n] of e.attrs) if (!n.startsWith("xmlns") && n.includes(":")) used.add(prefixOf(n));
    for (const p of inclusive) if (namespaceOf(e, p === "#default" ? "" : p) !== undefined) used.add(p === "#default" ? "" : p);
    used.delete("xml");
    const decls: Array<[string, string]> = [];
    const next = new Map(rendered);
    for (const p of used) {
      const uri = namespaceOf(e, p) ?? "";
      // Already in force from an output ancestor, or the empty default namespace never overridden.
      if (rendered.get(p) === uri || (!rendered.has(p) && uri === "")) continue;
      decls.push([p, uri]);
      next.set(p, uri);
    }
    decls.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const attrs = e.attrs
      .filter(([n]) => !(n === "xmlns" || n.startsWith("xmlns:")))
      .map(([n, v]) => ({ n, v, ns: n.includes(":") ? (namespaceOf(e, prefixOf(n)) ?? "") : "", local: localName(n) }))
      .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
    out.push(`<${e.name}`);
    for (const [p, uri] of decls) out.push(p ? ` xmlns:${p}="${escapeAttr(uri)}"` : ` xmlns="${escapeAttr(uri)}"`);
    for (const a of attrs) out.push(` ${a.n}="${escapeAttr(a.v)}"`);
    out.push(">");
    for (const c of e.children) {
      if (typeof c === "string") out.push(escapeText(c));
      else if ("pi" in c) out.push(`<?${c.pi}?>`);
      else if (c !== omit) walk(c, next);
    }
    out.push(`</${e.name}>`);
  };
  walk(el, new Map());
  return out.join("");
}

const findById = (root: XmlElement, id: string): XmlElement | undefined => {
  if (["ID", "Id", "AssertionID"].some((n) => attr(root, n) === id)) return root;
  for (const c of root.children) {
    if (typeof c === "object" && "name" in c) {
      const found = findById(c, id);
      if (found) return found;
    }
  }
  return undefined;
};

const inclusivePrefixes = (transformOrMethod: XmlElement) =>
  transformOrMethod.children
    .filter((c): c is XmlElement => typeof c === "object" && "name" in c && localName(c.name) === "InclusiveNamespaces")
    .flatMap((c) => (attr(c, "PrefixList") ?? "").split(/\s+/).filter(Boolean));

/**
 * Verifies the enveloped signature that is a child of `signed` against the certificates; the
 * reference must name `signed` itself (so no other element can be passed off as signed).
 */
export function verifyEnvelopedSignature(signed: XmlElement, certificates: X509Certificate[]): boolean {
  const signature = children(signed, DS, "Signature")[0];
  const signedInfo = signature && children(signature, DS, "SignedInfo")[0];
  if (!signedInfo) return false;
  const c14n = children(signedInfo, DS, "CanonicalizationMethod")[0];
  const method = SIGNATURE_METHODS[attr(children(signedInfo, DS, "SignatureMethod")[0] ?? signedInfo, "Algorithm") ?? ""];
  const references = children(signedInfo, DS, "Reference");
  if (!c14n || attr(c14n, "Algorithm") !== EXC_C14N || !method || references.length !== 1) return false;
  const reference = references[0];
  const uri = attr(reference, "URI") ?? "";
  if (!uri.startsWith("#") || findById(signed, uri.slice(1)) !== signed) return false;
  const transforms = children(children(reference, DS, "Transforms")[0] ?? reference, DS, "Transform");
  let inclusive: string[] = [];
  for (const t of transforms) {
    const algorithm = attr(t, "Algorithm");
    if (algorithm === EXC_C14N) inclusive = inclusivePrefixes(t);
    else if (algorithm !== ENVELOPED) return false;
  }
  const digest = DIGEST_METHODS[attr(children(reference, DS, "DigestMethod")[0] ?? reference, "Algorithm") ?? ""];
  const digestValue = children(reference, DS, "DigestValue")[0];
  if (!digest || !digestValue) return false;
  const actual = createHash(digest).update(canonicalize(signed, inclusive, signature), "utf8").digest("base64");
  if (actual !== textOf(digestValue).replace(/\s+/g, "")) return false;
  const value = children(signature, DS, "SignatureValue")[0];
  if (!value) return false;
  const data = Buffer.from(canonicalize(signedInfo, inclusivePrefixes(c14n)), "utf8");
  const sig = Buffer.from(textOf(value).replace(/\s+/g, ""), "base64");
  return certificates.some((cert) => {
    try {
      return verify(method, data, cert.publicKey, sig);
    } catch {
      return false;
    }
  });
}
