/**
 * The nubis console: plain TypeScript and the DOM, no framework (the whole page is a few KB,
 * starts at once and has nothing to keep up to date). Hash routes:
 *   #/                                     overview
 *   #/resources[/service/kind]?account&region&filter
 *   #/resource/service/kind/id?account&region
 *   #/requests                             live request log
 *   #/state                                snapshot download/upload, reset
 * Data comes from /_nubis/console/api/*, /_nubis/requests and /_nubis/state|reset.
 */
import type { EntryDetail, EntrySummary, ShownBody } from "../format.js";
import { h, clear, fmtDuration } from "./dom.js";

interface KindInfo {
  name: string;
  title: string;
  columns: string[];
}
interface ServiceInfo {
  name: string;
  title: string;
  protocol: string;
  global: boolean;
  operations: string[];
  kinds: KindInfo[];
}
interface Overview {
  version: string;
  store: { kind: string; location?: string };
  auth: string;
  access: "admin" | "readOnly";
  adminToken: boolean;
  uptimeSeconds: number;
  defaultAccount: string;
  defaultRegion: string;
  requestLog: number;
  services: ServiceInfo[];
  scopes: Array<{ account: string; region?: string; services: string[] }>;
}
interface Link {
  service: string;
  kind: string;
  id: string;
  label?: string;
  account?: string;
  region?: string;
  direction: "references" | "referencedBy";
  relation: string;
}

const root = document.getElementById("main")!;
let overview: Overview | undefined;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin", ...init });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: text };
  }
  if (!res.ok) {
    const b = body as { error?: string; code?: string };
    throw new HttpError(res.status, b.code ? `${b.code}: ${b.error}` : (b.error ?? `HTTP ${res.status}`));
  }
  return body as T;
}

async function loadOverview(): Promise<Overview> {
  overview = await api<Overview>("/_nubis/console/api/overview");
  document.getElementById("mode")!.textContent =
    `v${overview.version} · ${overview.store.kind} · auth ${overview.auth}` + (overview.access === "readOnly" ? " · read-only" : "");
  return overview;
}

// ---- routing ----------------------------------------------------------------------------

let leave: (() => void) | undefined;
let generation = 0;

/**
 * Each route renders into a new element, shown once ready, so a slow page that finishes after
 * the user moved on never overwrites the newer one.
 */
function route() {
  leave?.();
  leave = undefined;
  const mine = ++generation;
  const [pathPart, queryPart = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = pathPart.split("/").filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(queryPart);
  const page = parts[0] ?? "overview";
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) a.classList.toggle("active", a.dataset.nav === (page === "resource" ? "resources" : page));
  const view = h("div", { class: "view" });
  const render = async () => {
    if (page === "resources") return resourcesPage(view, parts[1], parts[2], query);
    if (page === "resource") return detailPage(view, parts[1], parts[2], parts.slice(3).join("/"), query);
    if (page === "requests") return requestsPage(view);
    if (page === "state") return statePage(view);
    return overviewPage(view);
  };
  render()
    .catch((error) => showFailure(view, error))
    .finally(() => {
      if (mine === generation) root.replaceChildren(view);
    });
}

function showFailure(main: HTMLElement, error: unknown) {
  clear(main);
  if (error instanceof HttpError && error.status === 401) return tokenForm(main);
  main.append(h("div", { class: "error" }, String((error as Error).message ?? error)));
}

/** Under --admin-token, the console asks for the token once; the server keeps it in a cookie. */
function tokenForm(main: HTMLElement) {
  const input = h("input", { type: "password", id: "token", placeholder: "admin token", autocomplete: "off" });
  main.append(
    h("h1", {}, "Admin token required"),
    h("p", { class: "muted" }, "This nubis was started with --admin-token: enter it to open the console."),
    h(
      "form",
      {
        class: "toolbar",
        onsubmit: (e: Event) => {
          e.preventDefault();
          location.href = `/_nubis/console?token=${encodeURIComponent(input.value)}`;
        },
      },
      input,
      h("button", { class: "primary", type: "submit" }, "Open"),
    ),
  );
}

const hrefResources = (service: string, kind: string, query: Record<string, string | undefined> = {}) =>
  `#/resources/${encodeURIComponent(service)}/${encodeURIComponent(kind)}${qs(query)}`;
const hrefResource = (service: string, kind: string, id: string, query: Record<string, string | undefined> = {}) =>
  `#/resource/${encodeURIComponent(service)}/${encodeURIComponent(kind)}/${encodeURIComponent(id)}${qs(query)}`;

function qs(query: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}

// ---- overview ---------------------------------------------------------------------------

async function overviewPage(main: HTMLElement) {
  const o = await loadOverview();
  clear(main);
  const card = (label: string, value: string, id?: string) => h("div", { class: "card", id }, h("b", {}, label), value);
  const uptime = fmtDuration(o.uptimeSeconds);
  main.append(
    h("h1", {}, "Overview"),
    h(
      "div",
      { class: "cards" },
      card("version", o.version, "ov-version"),
      card("store", o.store.location ? `${o.store.kind} (${o.store.location})` : o.store.kind, "ov-store"),
      card("auth", o.auth + (o.access === "readOnly" ? " (read-only console)" : ""), "ov-auth"),
      card("uptime", uptime, "ov-uptime"),
      card("default account", o.defaultAccount),
      card("default region", o.defaultRegion),
      card("request log", o.requestLog ? `last ${o.requestLog}` : "off"),
    ),
    h("h2", {}, "Accounts and regions holding state"),
    o.scopes.length
      ? table(
          ["Account", "Region", "Services"],
          o.scopes.map((s) => [s.account, s.region ?? "(global)", s.services.join(", ")]),
          { id: "scopes" },
        )
      : h("p", { class: "muted", id: "scopes" }, "No state yet."),
    h("h2", {}, "Services"),
    table(
      ["Service", "Protocol", "Scope", "Implemented operations"],
      o.services.map((s) => [
        h("span", {}, h("b", {}, s.title), " ", h("span", { class: "muted" }, `(${s.name})`)),
        s.protocol,
        s.global ? "global" : "regional",
        h("details", {}, h("summary", {}, `${s.operations.length} operations`), h("div", { class: "ops" }, s.operations.join(", "))),
      ]),
      { id: "services" },
    ),
  );
}

function table(headers: string[], rows: Array<Array<Node | string>>, attrs: Record<string, unknown> = {}) {
  return h(
    "table",
    attrs,
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))),
  );
}

// ---- resource browser -------------------------------------------------------------------

function scopeChoices(o: Overview, service: ServiceInfo) {
  const accounts = new Set([o.defaultAccount, ...o.scopes.filter((s) => s.services.includes(service.name)).map((s) => s.account)]);
  const regions = new Set([o.defaultRegion, ...o.scopes.filter((s) => s.region && s.services.includes(service.name)).map((s) => s.region!)]);
  return { accounts: [...accounts].sort(), regions: [...regions].sort() };
}

async function resourcesPage(main: HTMLElement, serviceName: string | undefined, kindName: string | undefined, query: URLSearchParams) {
  const o = await loadOverview();
  const browsable = o.services.filter((s) => s.kinds.length);
  const service = browsable.find((s) => s.name === serviceName) ?? browsable[0];
  const kind = service?.kinds.find((k) => k.name === kindName) ?? service?.kinds[0];
  clear(main);
  if (!service || !kind) {
    main.append(h("p", { class: "muted" }, "No service declares resource kinds."));
    return;
  }
  const account = query.get("account") || o.defaultAccount;
  const region = service.global ? undefined : query.get("region") || o.defaultRegion;
  const sidebar = h("div", { class: "sidebar" });
  for (const s of browsable) {
    sidebar.append(h("h3", {}, s.title));
    for (const k of s.kinds) {
      sidebar.append(
        h("a", { href: hrefResources(s.name, k.name, { account, region: s.global ? undefined : region }), class: s === service && k === kind ? "active" : "", "data-kind": `${s.name}/${k.name}` }, k.title),
      );
    }
  }
  const choices = scopeChoices(o, service);
  const go = (changes: Record<string, string | undefined>) => {
    location.hash = hrefResources(service.name, kind.name, { account, region, filter: filterInput.value, ...changes });
  };
  const accountSelect = h("select", { id: "account", onchange: () => go({ account: accountSelect.value }) }, ...choices.accounts.map((a) => h("option", { value: a, selected: a === account }, a)));
  const regionSelect = service.global
    ? undefined
    : h("select", { id: "region", onchange: () => go({ region: regionSelect!.value }) }, ...choices.regions.map((r) => h("option", { value: r, selected: r === region }, r)));
  const filterInput = h("input", { id: "filter", type: "search", placeholder: "filter", value: query.get("filter") ?? "" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  filterInput.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => void loadPage(undefined, true).catch((e) => showFailure(main, e)), 250);
  });
  const body = h("div", { id: "resource-table" });
  const pager = h("div", { class: "toolbar" });
  main.append(
    h(
      "div",
      { class: "layout" },
      sidebar,
      h(
        "div",
        {},
        h("h1", {}, `${service.title} · ${kind.title}`),
        h("div", { class: "toolbar" }, "Account", accountSelect, ...(regionSelect ? ["Region", regionSelect] : []), filterInput),
        body,
        pager,
      ),
    ),
  );
  // Pages are walked forward; `history` holds the cursors to go back.
  const history: Array<string | undefined> = [];
  let current: string | undefined;
  async function loadPage(cursor: string | undefined, reset = false) {
    if (reset) history.length = 0;
    const data = await api<{ rows: Array<{ id: string; columns: Record<string, unknown> }>; next?: string; columns: string[] }>(
      `/_nubis/console/api/resources${qs({ service: service.name, kind: kind.name, account, region, cursor, filter: filterInput.value })}`,
    );
    current = cursor;
    clear(body);
    if (!data.rows.length) body.append(h("p", { class: "muted empty" }, filterInput.value ? "Nothing matches the filter." : "No resources."));
    else {
      body.append(
        h(
          "table",
          { class: "resources" },
          h("thead", {}, h("tr", {}, ...data.columns.map((c) => h("th", {}, c)))),
          h(
            "tbody",
            {},
            ...data.rows.map((row) =>
              h(
                "tr",
                { class: "clickable", "data-id": row.id, onclick: () => (location.hash = hrefResource(service.name, kind.name, row.id, { account, region })) },
                ...data.columns.map((c, i) => {
                  const value = cell(row.columns[c]);
                  return h("td", {}, i === 0 ? h("a", { href: hrefResource(service.name, kind.name, row.id, { account, region }) }, value) : value);
                }),
              ),
            ),
          ),
        ),
      );
    }
    clear(pager);
    pager.append(
      h("button", { id: "prev", disabled: !history.length, onclick: () => void loadPage(history.pop()).catch((e) => showFailure(main, e)) }, "← Previous"),
      h(
        "button",
        {
          id: "next",
          disabled: !data.next,
          onclick: () => {
            history.push(current);
            void loadPage(data.next).catch((e) => showFailure(main, e));
          },
        },
        "Next →",
      ),
      h("span", { class: "muted" }, `${data.rows.length} shown`),
    );
  }
  await loadPage(undefined);
}

const cell = (v: unknown) => (v === undefined || v === null ? "" : String(v));

async function detailPage(main: HTMLElement, serviceName: string, kindName: string, id: string, query: URLSearchParams) {
  const data = await api<{ title: string; id: string; account: string; region?: string; resource: unknown; links: Link[] }>(
    `/_nubis/console/api/resource${qs({ service: serviceName, kind: kindName, id, account: query.get("account") ?? undefined, region: query.get("region") ?? undefined })}`,
  );
  clear(main);
  const scope = { account: data.account, region: data.region };
  const linkRows = (direction: Link["direction"]) =>
    data.links
      .filter((l) => l.direction === direction)
      .map((l) =>
        h(
          "tr",
          {},
          h("td", {}, l.relation),
          h(
            "td",
            {},
            h(
              "a",
              { class: "link", href: hrefResource(l.service, l.kind, l.id, { account: l.account ?? scope.account, region: l.region ?? (l.service === serviceName ? scope.region : undefined) }) },
              l.label ?? l.id,
            ),
            " ",
            h("span", { class: "muted" }, `${l.service} ${l.kind}`),
          ),
        ),
      );
  const refs = linkRows("references");
  const back = linkRows("referencedBy");
  main.append(
    h("p", {}, h("a", { href: hrefResources(serviceName, kindName, scope) }, `← ${data.title}`)),
    h("h1", { id: "detail-title" }, `${data.title}: ${data.id}`),
    h("p", { class: "muted" }, `account ${data.account}${data.region ? ` · region ${data.region}` : ""}`),
    h(
      "div",
      { class: "detail-grid" },
      h("div", {}, h("h2", {}, "As the service answers it"), h("pre", { id: "detail-json" }, JSON.stringify(data.resource, null, 2))),
      h(
        "div",
        {},
        h("h2", {}, "References"),
        refs.length ? h("table", { class: "links", id: "references" }, h("tbody", {}, ...refs)) : h("p", { class: "muted" }, "None."),
        h("h2", {}, "Referenced by"),
        back.length ? h("table", { class: "links", id: "referenced-by" }, h("tbody", {}, ...back)) : h("p", { class: "muted" }, "None."),
      ),
    ),
  );
}

// ---- request log ------------------------------------------------------------------------

async function requestsPage(main: HTMLElement) {
  const mine = generation;
  const o = overview ?? (await loadOverview());
  clear(main);
  const serviceSelect = h("select", { id: "f-service" }, h("option", { value: "" }, "all services"), ...o.services.map((s) => h("option", { value: s.name }, s.name)));
  const input = (id: string, placeholder: string) => h("input", { id, placeholder, type: "search", size: 14 });
  const operation = input("f-operation", "operation");
  const status = input("f-status", "status: 404, 4xx, error");
  const account = input("f-account", "account");
  const text = input("f-text", "text");
  const count = h("span", { class: "muted", id: "log-count" });
  const rows = h("tbody", { id: "log-rows" });
  const detailBox = h("div", { id: "log-detail" });
  main.append(
    h("h1", {}, h("span", { class: "live", title: "live" }), "Requests"),
    h("div", { class: "toolbar" }, serviceSelect, operation, status, account, text, count),
    h(
      "table",
      { id: "log" },
      h("thead", {}, h("tr", {}, ...["Time", "Method", "Service", "Operation", "Status", "Error", "ms", "Account", "Path"].map((x) => h("th", {}, x)))),
      rows,
    ),
    detailBox,
  );
  if (!o.requestLog) {
    rows.append(h("tr", {}, h("td", { colspan: 9, class: "muted" }, "The request log is off (--request-log 0).")));
    return;
  }
  const filters = () => ({ service: serviceSelect.value, operation: operation.value.trim(), status: status.value.trim(), account: account.value.trim(), text: text.value.trim() });
  let lastSeq = 0;
  let shown = 0;
  const addRow = (e: EntrySummary) => {
    lastSeq = Math.max(lastSeq, e.seq);
    const bad = e.status >= 400;
    const tr = h(
      "tr",
      { class: "clickable", "data-seq": String(e.seq), onclick: () => void openEntry(e.seq).catch((e) => showFailure(main, e)) },
      h("td", {}, e.time.slice(11, 23)),
      h("td", {}, e.method),
      h("td", {}, e.service),
      h("td", {}, e.operation),
      h("td", { class: bad ? "status-bad" : "status-ok" }, String(e.status)),
      h("td", { class: "code" }, e.errorCode ?? ""),
      h("td", {}, String(e.durationMs)),
      h("td", {}, e.account),
      h("td", { class: "muted" }, e.path),
    );
    rows.prepend(tr);
    shown++;
    // Keep the table at the log's size.
    while (rows.children.length > o.requestLog) rows.lastElementChild!.remove();
    count.textContent = `${Math.min(shown, o.requestLog)} shown`;
  };
  async function reload() {
    const data = await api<{ entries: EntrySummary[] }>(`/_nubis/requests${qs(filters())}`);
    clear(rows);
    shown = 0;
    lastSeq = 0;
    for (const e of data.entries) addRow(e);
    count.textContent = `${shown} shown`;
  }
  async function openEntry(seq: number) {
    const d = await api<EntryDetail>(`/_nubis/requests?seq=${seq}`);
    clear(detailBox);
    const kv = (headers: Record<string, string>) => h("table", { class: "kv" }, h("tbody", {}, ...Object.entries(headers).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, v)))));
    const bodyBox = (b: ShownBody) => (b.format === "empty" ? h("p", { class: "muted" }, "(empty)") : h("pre", {}, b.text));
    detailBox.append(
      h("h2", { id: "entry-title" }, `${d.method} ${d.path} → ${d.status}${d.errorCode ? ` ${d.errorCode}` : ""} · ${d.durationMs} ms`),
      h("p", { class: "muted" }, `${d.time} · ${d.service} ${d.operation} · account ${d.account}${d.region ? ` · ${d.region}` : ""}`),
      h(
        "div",
        { class: "detail-grid" },
        h("div", { id: "entry-request" }, h("h2", {}, "Request headers"), kv(d.requestHeaders), h("h2", {}, "Request body"), bodyBox(d.requestBody)),
        h("div", { id: "entry-response" }, h("h2", {}, "Response headers"), kv(d.responseHeaders), h("h2", {}, "Response body"), bodyBox(d.responseBody)),
      ),
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  for (const el of [serviceSelect, operation, status, account, text]) {
    el.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload().catch((e) => showFailure(main, e)), 200);
    });
  }
  await reload();
  // Live: each new call arrives as an event; with a filter set, the server decides what matches.
  const events = new EventSource("/_nubis/console/api/events");
  let pending: ReturnType<typeof setTimeout> | undefined;
  events.addEventListener("request", (ev) => {
    const e = JSON.parse((ev as MessageEvent).data) as EntrySummary;
    const f = filters();
    if (!f.service && !f.operation && !f.status && !f.account && !f.text) return addRow(e);
    if (pending) return;
    pending = setTimeout(async () => {
      pending = undefined;
      const data = await api<{ entries: EntrySummary[] }>(`/_nubis/requests${qs({ ...filters(), after: String(lastSeq) })}`).catch(() => ({ entries: [] }));
      for (const entry of data.entries) addRow(entry);
    }, 50);
  });
  if (mine !== generation) events.close();
  else leave = () => events.close();
}

// ---- state ------------------------------------------------------------------------------

/** Resolves true when the user confirms in the page's dialog. */
function confirmAction(text: string): Promise<boolean> {
  const dialog = document.getElementById("confirm") as HTMLDialogElement;
  document.getElementById("confirm-text")!.textContent = text;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

async function statePage(main: HTMLElement) {
  const o = await loadOverview();
  clear(main);
  const readOnly = o.access === "readOnly";
  const result = h("div", { id: "state-result" });
  const say = (ok: boolean, message: string) => {
    clear(result);
    result.append(h("div", { class: ok ? "notice" : "error" }, message));
  };
  const file = h("input", { type: "file", id: "snapshot-file", accept: "application/json,.json", disabled: readOnly });
  const target = h("select", { id: "reset-target", disabled: readOnly }, h("option", { value: "" }, "all services"), ...o.services.map((s) => h("option", { value: s.name }, s.name)));
  main.append(
    h("h1", {}, "State"),
    readOnly ? h("div", { class: "error" }, `Read-only: under --auth ${o.auth}, changing state needs nubis started with --admin-token.`) : "",
    result,
    h("h2", {}, "Snapshot"),
    h("p", { class: "muted" }, "The whole state (every account, region and service) as a versioned JSON document, as GET /_nubis/state returns it."),
    h("div", { class: "toolbar" }, h("a", { href: "/_nubis/state", download: "nubis-state.json", id: "download" }, h("button", { type: "button" }, "Download snapshot"))),
    h("h2", {}, "Upload a snapshot"),
    h("p", { class: "muted" }, "Replaces the whole state. A malformed document is refused and nothing changes."),
    h(
      "div",
      { class: "toolbar" },
      file,
      h(
        "button",
        {
          id: "upload",
          class: "primary",
          disabled: readOnly,
          onclick: async () => {
            const chosen = file.files?.[0];
            if (!chosen) return say(false, "Choose a snapshot file first.");
            if (!(await confirmAction(`Replace the whole state with ${chosen.name}?`))) return;
            try {
              const r = await api<{ loaded: number }>("/_nubis/state", { method: "POST", body: await chosen.text(), headers: { "content-type": "application/json" } });
              say(true, `Loaded ${r.loaded} tables from ${chosen.name}.`);
            } catch (error) {
              say(false, (error as Error).message);
            }
          },
        },
        "Upload",
      ),
    ),
    h("h2", {}, "Reset"),
    h("p", { class: "muted" }, "Removes every resource of every account and region, or of one service."),
    h(
      "div",
      { class: "toolbar" },
      target,
      h(
        "button",
        {
          id: "reset",
          class: "danger",
          disabled: readOnly,
          onclick: async () => {
            const what = target.value || "all services";
            if (!(await confirmAction(`Delete all state of ${what}? This cannot be undone.`))) return;
            try {
              await api(`/_nubis/reset${target.value ? `?service=${encodeURIComponent(target.value)}` : ""}`, { method: "POST" });
              say(true, `Reset ${what}.`);
            } catch (error) {
              say(false, (error as Error).message);
            }
          },
        },
        "Reset",
      ),
    ),
  );
}

window.addEventListener("hashchange", route);
route();
