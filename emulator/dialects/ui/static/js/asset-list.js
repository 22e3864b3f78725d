// The asset list: its state in the hash, the DC search request (POST /index/query.json), the table, sorting and paging.

import { DC, call, errorText } from "./api.js";
import { errorBox, field, h, select, tableWrap } from "./dom.js";
import { metadataOrError } from "./asset-common.js";

const TEXT_TYPES = new Set(["Text", "TextArea", "URL", "IP", "IPv6", "UserPicker"]);
const COLUMNS = [
  // [label, sortField, sortType]
  ["ID", "asset.id", "LONG"],
  ["Name", "asset.name", "STRING"],
  ["Form", "form.name", "STRING"],
  ["Scheme", "scheme.name", "STRING"],
  ["Created", "asset.created", "DATE_TIME"],
  ["Creator", "asset.creator", "STRING"],
];
const PAGE_SIZES = [10, 15, 25, 50, 100];
const DEFAULTS = { q: "", field: "asset.name", lucene: "", scheme: "", form: "", page: "1", size: "15", sort: "", dir: "asc" };

function stateOf(params) {
  const state = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) if (params.get(key) !== null) state[key] = params.get(key);
  return state;
}

function hashOf(state) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) if (value !== "" && value !== DEFAULTS[key]) query.set(key, value);
  const text = query.toString();
  return `#/assets${text ? `?${text}` : ""}`;
}

/** The DC search request for a list state: keyword per field, Lucene, scheme, form, sort, page. */
export function searchBody(state) {
  const params = [];
  if (state.q.trim()) params.push({ field: state.field, keyword: state.q.trim(), fieldType: "STRING" });
  if (state.scheme) params.push({ field: "scheme.name", keywords: [state.scheme], fieldType: "LIST" });
  if (state.form) {
    const id = Number(state.form);
    params.push({ field: "form.id", fieldType: "LONG", range: true, minNum: id, maxNum: id });
  }
  const body = {
    searchType: "basic",
    listType: "detail",
    queryIndexSearchParams: params,
    pageNumber: Number(state.page) || 1,
    pageSize: Number(state.size) || 15,
  };
  if (state.lucene.trim()) body.genericKeyword = state.lucene.trim();
  const column = COLUMNS.find((c) => c[1] === state.sort);
  if (column) Object.assign(body, { sortField: column[1], sortType: column[2], sortDirection: state.dir });
  return body;
}

export async function list(container, params) {
  const meta = await metadataOrError(container);
  if (!meta) return {};
  let state = stateOf(params);
  const textFields = new Map([["asset.name", "Name"], ["asset.content", "Any text (asset.content)"], ["asset.key", "Key"]]);
  for (const form of meta.forms) {
    for (const entry of form.attributes) {
      if (TEXT_TYPES.has(entry.attribute.attributeType)) textFields.set(entry.attribute.attributeName, entry.attribute.attributeName);
    }
  }
  const q = h("input", { type: "search", id: "asset-q", name: "q", value: state.q, placeholder: "e.g. lap*  \"laptop 1\"  tom* NOT beta" });
  const fieldSelect = select([...textFields], state.field, { id: "asset-field", name: "field" });
  const lucene = h("input", { type: "text", id: "asset-lucene", name: "lucene", value: state.lucene, placeholder: "e.g. Serial\\ Number:1254* OR asset.name:printer*", spellcheck: "false" });
  const schemeSelect = select([["", "All schemes"], ...meta.schemes.map((s) => [s.schemaName, s.schemaName])], state.scheme, { id: "asset-scheme", name: "scheme" });
  const formSelect = select([["", "All forms"], ...meta.forms.map((f) => [String(f.id), f.formName])], state.form, { id: "asset-form", name: "form" });
  const sizeSelect = select(PAGE_SIZES.map((n) => [String(n), String(n)]), state.size, { id: "asset-size", name: "size" });

  const form = h(
    "form",
    { class: "card search-form", role: "search", "aria-label": "Search assets" },
    h("div", { class: "row" },
      h("div", { class: "field grow" }, h("label", { for: "asset-q" }, "Search"), q),
      field("in field", fieldSelect).wrap),
    h("div", { class: "row" },
      h("div", { class: "field grow" }, h("label", { for: "asset-lucene" }, "Lucene query (genericKeyword)"), lucene)),
    h("div", { class: "row" },
      field("Scheme", schemeSelect).wrap,
      field("Form", formSelect).wrap,
      field("Page size", sizeSelect).wrap,
      h("div", { class: "actions end" },
        h("button", { type: "submit", class: "btn primary" }, "Search"),
        h("button", { type: "button", class: "btn", onclick: () => go({ ...DEFAULTS, size: state.size }) }, "Clear"))),
    h("details", { class: "syntax" },
      h("summary", {}, "Search syntax"),
      h("ul", {},
        h("li", {}, h("code", {}, "lap*"), ", ", h("code", {}, "thinkp?d"), ", ", h("code", {}, "*book"), ": wildcards match whole words"),
        h("li", {}, h("code", {}, "\"laptop 1\""), ": a phrase"),
        h("li", {}, h("code", {}, "tom* NOT beta"), ": upper-case NOT leaves words out"),
        h("li", {}, "The Lucene box takes ", h("code", {}, "field:value"), " terms with AND, OR, NOT and parentheses; it is combined with the other criteria."))),
  );
  const summary = h("p", { class: "summary", id: "asset-summary", "aria-live": "polite" });
  const results = h("div", { class: "results" });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  container.replaceChildren(
    h("div", { class: "view-head" }, h("h1", {}, "Assets"), h("a", { class: "btn primary", href: "#/assets/new" }, "New asset")),
    form, summary, results, pager,
  );

  function go(next) {
    const target = hashOf(next);
    if (location.hash === target) show(next);
    else location.hash = target;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go({ ...state, q: q.value, field: fieldSelect.value, lucene: lucene.value, scheme: schemeSelect.value, form: formSelect.value, size: sizeSelect.value, page: "1" });
  });
  for (const control of [fieldSelect, schemeSelect, formSelect, sizeSelect]) {
    control.addEventListener("change", () => form.requestSubmit());
  }

  let seq = 0;
  async function show(next) {
    state = next;
    q.value = state.q;
    fieldSelect.value = state.field;
    lucene.value = state.lucene;
    schemeSelect.value = state.scheme;
    formSelect.value = state.form;
    sizeSelect.value = state.size;
    const mine = ++seq;
    summary.textContent = "Searching…";
    const answer = await call("POST", `${DC}/index/query.json`, searchBody(state));
    if (mine !== seq) return;
    if (!answer.ok) {
      summary.textContent = "";
      results.replaceChildren(errorBox(errorText(answer)));
      pager.replaceChildren();
      return;
    }
    const paging = answer.data.queryPagingInfo;
    const found = answer.data.assets;
    const first = found.length ? (paging.pageNumber - 1) * paging.pageSize + 1 : 0;
    summary.textContent = paging.totalRecords === 0
      ? "No assets match."
      : `Showing ${first}–${first + found.length - 1} of ${paging.totalRecords} assets`;
    const focused = focusedControl();
    results.replaceChildren(found.length ? table(found) : "");
    pager.replaceChildren(...pagerParts(paging));
    refocus(focused);
  }

  /** The sort or pager button that has the focus (it is about to be drawn again), as a selector for its successor. */
  function focusedControl() {
    const active = document.activeElement;
    if (!active || !(results.contains(active) || pager.contains(active))) return null;
    if (active.dataset.sort) return `button[data-sort="${active.dataset.sort}"]`;
    return active.dataset.page ? `button[data-page="${active.dataset.page}"]` : null;
  }

  /** Focus the control drawn in place of the one that had it (or the other pager button once it is disabled). */
  function refocus(selector) {
    if (!selector) return;
    const again = results.querySelector(selector) || pager.querySelector(selector);
    const target = again && !again.disabled ? again : pager.querySelector("button:not([disabled])");
    if (target) target.focus();
  }

  function table(found) {
    const head = h("tr", {}, COLUMNS.map(([label, sortField]) => {
      const active = state.sort === sortField;
      const dir = active && state.dir === "asc" ? "desc" : "asc";
      const ariaSort = active ? (state.dir === "asc" ? "ascending" : "descending") : null;
      return h("th", { scope: "col", "aria-sort": ariaSort },
        h("button", {
          type: "button",
          class: "sort",
          "data-sort": sortField,
          onclick: () => go({ ...state, sort: sortField, dir, page: "1" }),
        }, label, h("span", { class: "sort-mark", "aria-hidden": "true" }, active ? (state.dir === "asc" ? " ▲" : " ▼") : " ↕")));
    }));
    const rows = found.map((a) => h("tr", {},
      h("td", { class: "num" }, a.id),
      h("td", {}, h("a", { href: `#/assets/${a.id}` }, a.name)),
      h("td", {}, a.formName),
      h("td", {}, a.objectSchemaName),
      h("td", { class: "nowrap" }, a.createdFormatted || "—"),
      h("td", {}, a.creator || "—")));
    return tableWrap(h("caption", { class: "sr-only" }, "Assets found; column headers sort"), h("thead", {}, head), h("tbody", {}, rows));
  }

  function pagerParts(paging) {
    if (paging.totalPages <= 1) return [];
    const page = paging.pageNumber;
    return [
      h("button", { type: "button", class: "btn", "data-page": "previous", disabled: page <= 1, onclick: () => go({ ...state, page: String(page - 1) }) }, "Previous"),
      h("span", { class: "page-of" }, `Page ${page} of ${paging.totalPages}`),
      h("button", { type: "button", class: "btn", "data-page": "next", disabled: !paging.hasNext, onclick: () => go({ ...state, page: String(page + 1) }) }, "Next"),
    ];
  }

  await show(state);
  return { update: (nextParams) => show(stateOf(nextParams)) };
}
