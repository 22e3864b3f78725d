// Assets: the list (the DC search API), one asset (GET /inventory/{id}), create, edit and delete (the DC write API).

import { DC, call, errorText } from "./api.js";
import { field, h, nextId, select, tableWrap } from "./dom.js";
import { flash } from "./flash.js";

const TEXT_TYPES = new Set(["Text", "TextArea", "URL", "IP", "IPv6", "UserPicker"]);
const MULTI_TYPES = new Set(["ListBoxMultiple", "CheckboxList"]);
const ONE_OPTION_TYPES = new Set(["DropdownList", "ListBox", "RadioButtonList"]);
const REF_TYPES = new Set(["InventoryList", "InventoryListByForm"]);
const NUMBER_TYPES = new Set(["Number", "Decimal"]);
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

export async function render(container, { parts, params }) {
  if (parts[0] === "new") return editor(container, null);
  if (parts[0] && parts[1] === "edit") return editor(container, parts[0]);
  if (parts[0]) return detail(container, parts[0]);
  return list(container, params);
}

/** The metadata the views need, as the signed-in user sees it. */
async function loadMetadata() {
  const [schemes, forms, attributes] = await Promise.all([
    call("GET", `${DC}/schema/objectSchemas.json`),
    call("GET", `${DC}/form/list.json`),
    call("GET", `${DC}/attribute/list.json`),
  ]);
  for (const answer of [schemes, forms, attributes]) if (!answer.ok) throw new Error(errorText(answer));
  const options = new Map(attributes.data.map((a) => [a.id, (a.values || []).map((v) => v.attributeValue)]));
  return { schemes: schemes.data.data || [], forms: forms.data, options };
}

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

async function list(container, params) {
  let meta;
  try {
    meta = await loadMetadata();
  } catch (error) {
    container.replaceChildren(h("p", { class: "error-box", role: "alert" }, error.message));
    return {};
  }
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
      results.replaceChildren(h("p", { class: "error-box", role: "alert" }, errorText(answer)));
      pager.replaceChildren();
      return;
    }
    const paging = answer.data.queryPagingInfo;
    const found = answer.data.assets;
    const first = found.length ? (paging.pageNumber - 1) * paging.pageSize + 1 : 0;
    summary.textContent = paging.totalRecords === 0
      ? "No assets match."
      : `Showing ${first}–${first + found.length - 1} of ${paging.totalRecords} assets`;
    results.replaceChildren(found.length ? table(found) : "");
    pager.replaceChildren(...pagerParts(paging));
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
      h("button", { type: "button", class: "btn", disabled: page <= 1, onclick: () => go({ ...state, page: String(page - 1) }) }, "Previous"),
      h("span", { class: "page-of" }, `Page ${page} of ${paging.totalPages}`),
      h("button", { type: "button", class: "btn", disabled: !paging.hasNext, onclick: () => go({ ...state, page: String(page + 1) }) }, "Next"),
    ];
  }

  await show(state);
  return { update: (nextParams) => show(stateOf(nextParams)) };
}

function parseAttachments(raw) {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function valueCell(item) {
  if (item.inventoryRefs && item.inventoryRefs.length) {
    return h("ul", { class: "plain" }, item.inventoryRefs.map((ref) =>
      h("li", {}, h("a", { href: `#/assets/${ref.id}` }, ref.name), h("span", { class: "muted" }, ` #${ref.id} · ${ref.formName}`))));
  }
  if (item.multiListValues && item.multiListValues.length > 1) {
    return h("ul", { class: "chips" }, item.multiListValues.map((v) => h("li", {}, v.attributeValue)));
  }
  const shown = item.displayValue ?? item.value ?? "";
  const raw = item.value ?? "";
  if (item.attributeType === "URL" && /^https?:\/\//.test(raw)) return h("a", { href: raw, rel: "noreferrer" }, raw);
  return h("span", {}, shown === "" ? h("span", { class: "muted" }, "—") : shown,
    raw && raw !== shown ? h("span", { class: "muted" }, ` (${raw})`) : null);
}

async function detail(container, id) {
  const answer = await call("GET", `${DC}/inventory/${encodeURIComponent(id)}.json`);
  if (!answer.ok) {
    container.replaceChildren(
      h("p", { class: "crumbs" }, h("a", { href: "#/assets" }, "Assets")),
      h("h1", {}, `Asset ${id}`),
      h("p", { class: "error-box", role: "alert" }, errorText(answer)));
    return {};
  }
  const a = answer.data.data;
  document.title = `${a.name} · AIP emulator`;
  const attachments = parseAttachments(a.attachments);
  const confirmBox = h("div", { class: "confirm", hidden: true, role: "alertdialog", "aria-labelledby": "confirm-text" },
    h("p", { id: "confirm-text" }, `Delete “${a.name}”? The API removes it and every reference to it.`),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "btn danger", onclick: remove }, "Delete for good"),
      h("button", { type: "button", class: "btn", onclick: () => { confirmBox.hidden = true; deleteButton.focus(); } }, "Cancel")));
  const deleteButton = h("button", { type: "button", class: "btn danger-outline", onclick: () => { confirmBox.hidden = false; confirmBox.querySelector("button").focus(); } }, "Delete");

  async function remove() {
    const gone = await call("DELETE", `${DC}/inventory/${a.id}.json`);
    if (!gone.ok) {
      flash(errorText(gone), "error");
      return;
    }
    flash(`Deleted asset ${a.id} “${a.name}”.`, "ok", { acrossNavigation: true });
    location.hash = "#/assets";
  }

  const facts = [
    ["ID", a.id], ["Scheme", `${a.objectSchemaName} (${a.objectSchemaId})`], ["Form", `${a.formName} (${a.formId})`],
    ["Created", a.createdFormatted || "—"], ["Creator", a.creator || "—"], ["Option id", `${a.customfieldId} · ${a.optionId}`],
  ];
  container.replaceChildren(
    h("p", { class: "crumbs" }, h("a", { href: "#/assets" }, "Assets"), " › ", a.formName),
    h("div", { class: "view-head" }, h("h1", {}, a.name),
      h("div", { class: "actions" }, h("a", { class: "btn", href: `#/assets/${a.id}/edit` }, "Edit"), deleteButton)),
    confirmBox,
    h("dl", { class: "facts card" }, facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    h("h2", {}, "Attributes"),
    a.inventoryItems.length
      ? tableWrap(
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Attribute"), h("th", { scope: "col" }, "Type"), h("th", { scope: "col" }, "Value"))),
        h("tbody", {}, a.inventoryItems.map((item) => h("tr", {},
          h("th", { scope: "row" }, item.attributeName),
          h("td", { class: "muted" }, item.attributeType),
          h("td", {}, valueCell(item))))))
      : h("p", { class: "muted" }, "No attribute values."),
    h("h2", {}, "Attachments"),
    attachments.length
      ? tableWrap(
        h("thead", {}, h("tr", {}, ["File", "Size", "Created", "Creator"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, attachments.map((f) => h("tr", {},
          h("td", {}, f.originalFileName || f.serverFileName || "—"), h("td", {}, f.fileSize || "—"),
          h("td", {}, f.created || "—"), h("td", {}, f.creator || "—")))))
      : h("p", { class: "muted" }, "No attachments."),
    h("details", { class: "raw" }, h("summary", {}, "The API's answer (JSON)"), h("pre", {}, JSON.stringify(answer.data, null, 2))),
  );
  return {};
}

// ---- create and edit ----

function initialValue(type, item) {
  if (!item) return MULTI_TYPES.has(type) ? [] : "";
  if (MULTI_TYPES.has(type)) return (item.multiListValues || []).map((v) => v.attributeValue);
  if (REF_TYPES.has(type)) return (item.inventoryRefs || []).map((r) => r.id).join(", ");
  if (type === "DatePicker") return item.isoDateValue || item.value || "";
  return item.value ?? "";
}

function inputFor(entry, options, value) {
  const type = entry.attribute.attributeType;
  const name = entry.attribute.attributeName;
  if (MULTI_TYPES.has(type)) {
    const chosen = new Set(value);
    return h("div", { class: "checks" }, options.map((option) => {
      const id = nextId("opt");
      return h("span", { class: "check" },
        h("input", { type: "checkbox", id, value: option, checked: chosen.has(option) }),
        h("label", { for: id }, option));
    }));
  }
  if (ONE_OPTION_TYPES.has(type)) {
    const all = options.includes(value) || value === "" ? options : [value, ...options];
    return select([["", "—"], ...all.map((o) => [o, o])], value);
  }
  if (type === "TextArea") return h("textarea", { rows: 3, value });
  if (type === "DatePicker") return h("input", { type: "date", value });
  const attrs = { type: "text", value, spellcheck: "false" };
  if (NUMBER_TYPES.has(type)) attrs.inputmode = type === "Number" ? "numeric" : "decimal";
  if (name) attrs.autocomplete = "off";
  return h("input", attrs);
}

function hintFor(type) {
  if (REF_TYPES.has(type)) return "Asset names or ids, comma separated";
  if (type === "UserPicker") return "A user name or key";
  if (type === "DatetimePicker") return "yyyy-MM-ddTHH:mm";
  if (type === "Number") return "A whole number";
  return null;
}

function readValue(type, input) {
  if (MULTI_TYPES.has(type)) return [...input.querySelectorAll("input:checked")].map((box) => box.value);
  const text = input.value.trim();
  if (NUMBER_TYPES.has(type) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function normal(value) {
  return Array.isArray(value) ? JSON.stringify(value) : String(value).trim();
}

function isEmpty(value) {
  return value === "" || (Array.isArray(value) && value.length === 0);
}

/** Which field an API validation message names: "name: …", "formId: …" or "attribute 'X': …". */
export function fieldOf(message) {
  const attribute = message.match(/^attribute '(.+?)'(?::| is | takes )/);
  if (attribute) return attribute[1];
  const plain = message.match(/^([A-Za-z][\w.]*): /);
  return plain ? plain[1] : null;
}

async function editor(container, id) {
  let asset = null;
  if (id) {
    const answer = await call("GET", `${DC}/inventory/${encodeURIComponent(id)}.json`);
    if (!answer.ok) {
      container.replaceChildren(h("h1", {}, `Edit asset ${id}`), h("p", { class: "error-box", role: "alert" }, errorText(answer)));
      return {};
    }
    asset = answer.data.data;
  }
  let meta;
  try {
    meta = await loadMetadata();
  } catch (error) {
    container.replaceChildren(h("p", { class: "error-box", role: "alert" }, error.message));
    return {};
  }
  const title = asset ? `Edit ${asset.name}` : "New asset";
  document.title = `${title} · AIP emulator`;
  const formError = h("div", { class: "error-box", role: "alert", hidden: true });
  const nameInput = h("input", { type: "text", id: "edit-name", value: asset ? asset.name : "", autocomplete: "off" });
  const nameError = h("p", { class: "field-error", id: "edit-name-error" });
  nameInput.setAttribute("aria-describedby", nameError.id);
  const formSelect = select(
    [["", "Choose a form"], ...meta.forms.map((f) => [String(f.id), f.formName])],
    asset ? String(asset.formId) : "",
    { id: "edit-form", disabled: Boolean(asset) },
  );
  const formIdError = h("p", { class: "field-error", id: "edit-form-error" });
  formSelect.setAttribute("aria-describedby", formIdError.id);
  const attributeBox = h("div", { class: "attribute-fields" });
  const fields = new Map(); // attribute name → {type, input, error, initial}
  const errors = new Map([["name", [nameInput, nameError]], ["formId", [formSelect, formIdError]]]);

  function showAttributes() {
    fields.clear();
    for (const key of [...errors.keys()]) if (key !== "name" && key !== "formId") errors.delete(key);
    const form = meta.forms.find((f) => String(f.id) === formSelect.value);
    if (!form) {
      attributeBox.replaceChildren(h("p", { class: "muted" }, "Choose a form to see its attributes."));
      return;
    }
    const items = new Map((asset?.inventoryItems || []).map((item) => [item.attributeName, item]));
    attributeBox.replaceChildren(...[...form.attributes].sort((x, y) => x.sortOrder - y.sortOrder).map((entry) => {
      const { attributeName: name, attributeType: type, id: attributeId } = entry.attribute;
      const initial = initialValue(type, items.get(name));
      const input = inputFor(entry, meta.options.get(attributeId) || [], initial);
      const error = h("p", { class: "field-error", id: nextId("err") });
      const hint = [type, hintFor(type)].filter(Boolean).join(" · ");
      const hintEl = h("span", { class: "hint", id: nextId("hint") }, hint);
      const described = `${hintEl.id} ${error.id}`;
      fields.set(name, { type, input, error, initial });
      errors.set(name, [input, error]);
      if (MULTI_TYPES.has(type)) {
        return h("fieldset", { class: "field", "aria-describedby": described }, h("legend", {}, name), input, hintEl, error);
      }
      input.id = nextId("attr");
      input.setAttribute("aria-describedby", described);
      return h("div", { class: "field" }, h("label", { for: input.id }, name), input, hintEl, error);
    }));
  }
  formSelect.addEventListener("change", showAttributes);
  showAttributes();

  function clearErrors() {
    formError.hidden = true;
    formError.textContent = "";
    for (const [input, error] of errors.values()) {
      error.textContent = "";
      input.removeAttribute("aria-invalid");
    }
  }

  function showError(message) {
    const named = fieldOf(message);
    const target = named && errors.get(named);
    if (target) {
      const [input, error] = target;
      error.textContent = message;
      input.setAttribute("aria-invalid", "true");
      (input.matches("input, select, textarea") ? input : input.querySelector("input"))?.focus();
    } else {
      formError.textContent = message;
      formError.hidden = false;
      formError.focus();
    }
  }

  const submit = h("button", { type: "submit", class: "btn primary" }, asset ? "Save changes" : "Create asset");
  const form = h("form", { class: "card editor", novalidate: true },
    formError,
    h("div", { class: "field" }, h("label", { for: "edit-form" }, "Form"), formSelect, formIdError),
    h("div", { class: "field" }, h("label", { for: "edit-name" }, "Name"), nameInput, nameError),
    h("h2", {}, "Attributes"),
    attributeBox,
    h("div", { class: "actions" }, submit,
      h("a", { class: "btn", href: asset ? `#/assets/${asset.id}` : "#/assets" }, "Cancel")));
  formError.setAttribute("tabindex", "-1");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const attributes = {};
    for (const [name, { type, input, initial }] of fields) {
      const value = readValue(type, input);
      if (!asset) {
        if (!isEmpty(value)) attributes[name] = value;
      } else if (normal(value) !== normal(initial)) {
        attributes[name] = isEmpty(value) ? null : value; // PUT changes only the keys sent; null clears
      }
    }
    const body = { name: nameInput.value, attributes };
    let answer;
    submit.disabled = true;
    try {
      if (asset) {
        if (nameInput.value === asset.name) delete body.name;
        answer = await call("PUT", `${DC}/inventory/${asset.id}.json`, body);
      } else {
        body.formId = formSelect.value ? Number(formSelect.value) : null;
        answer = await call("POST", `${DC}/inventory.json`, body);
      }
    } finally {
      submit.disabled = false;
    }
    if (!answer.ok) {
      showError(errorText(answer));
      return;
    }
    const saved = answer.data.data;
    flash(asset ? `Saved asset ${saved.id} “${saved.name}”.` : `Created asset ${saved.id} “${saved.name}”.`, "ok", { acrossNavigation: true });
    location.hash = `#/assets/${saved.id}`;
  });

  container.replaceChildren(
    h("p", { class: "crumbs" }, h("a", { href: "#/assets" }, "Assets"), asset ? [" › ", h("a", { href: `#/assets/${asset.id}` }, asset.name)] : null),
    h("h1", {}, title),
    form);
  return {};
}
