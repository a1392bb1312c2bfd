import type { HttpRequest } from "./protocol.js";

/**
 * The form parameters of a query-protocol request (the query string, then the body for POST,
 * a later value of a name replacing an earlier one), with an index of every dotted prefix so
 * that "does any `Tags.member.3.*` exist" is one lookup. Both are built in one pass, linear
 * in the request's size: a body of many thousand keys costs what reading it costs.
 */
export interface Form {
  get(name: string): string | undefined;
  /** `name` itself or any `name.…` key is present. */
  has(prefix: string): boolean;
}

/** Prefixes deeper than this are never part of an AWS query shape (IAM's deepest is 5). */
const MAX_DEPTH = 16;

function decodeComponent(s: string): string {
  const plus = s.includes("+") ? s.replace(/\+/g, " ") : s;
  if (!plus.includes("%")) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    // A lone `%` or a broken escape: URLSearchParams keeps what it cannot decode.
    return plus.replace(/%([0-9A-Fa-f]{2})/g, (m, hex) => {
      const c = parseInt(hex, 16);
      return c < 0x80 ? String.fromCharCode(c) : m;
    });
  }
}

function addPairs(text: string, values: Map<string, string>, prefixes: Set<string>) {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("&", start);
    if (end < 0) end = text.length;
    if (end > start) {
      const pair = text.slice(start, end);
      const eq = pair.indexOf("=");
      const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
      values.set(name, eq < 0 ? "" : decodeComponent(pair.slice(eq + 1)));
      let dot = name.indexOf(".");
      for (let depth = 0; dot >= 0 && depth < MAX_DEPTH; depth++) {
        prefixes.add(name.slice(0, dot));
        dot = name.indexOf(".", dot + 1);
      }
    }
    start = end + 1;
  }
}

/** The request's form, parsed on first use and kept on it (`req.form`). */
export function formOf(req: HttpRequest): Form {
  if (req.form) return req.form;
  const values = new Map<string, string>();
  const prefixes = new Set<string>();
  const query = req.rawQuery?.startsWith("?") ? req.rawQuery.slice(1) : (req.rawQuery ?? req.query.toString());
  addPairs(query, values, prefixes);
  if (req.body.length) addPairs(req.body.toString("utf8"), values, prefixes);
  return (req.form = {
    get: (name) => values.get(name),
    has: (prefix) => values.has(prefix) || prefixes.has(prefix),
  });
}
