// Requests: the journal (GET /_emulator/requests), newest first, polled while the view is open.

import { call, errorText } from "./api.js";
import { copyButton, h, pretty, select } from "./dom.js";

const POLL_MS = 1500;
const STATUS_PATTERN = /^(\d{3}|\dxx)$/;

function shellQuote(text) {
  return `'${String(text).replace(/'/g, "'\\''")}'`;
}

/** The entry as a curl command line; the journal never holds credentials, so they show as ***. */
export function curlOf(entry) {
  const url = `${location.origin}${entry.path}${entry.query ? `?${entry.query}` : ""}`;
  const parts = ["curl", "-X", entry.method, shellQuote(url)];
  if (entry.principal) {
    if (entry.principal.includes("/")) parts.push("-H", shellQuote("Authorization: Bearer ***"));
    else parts.push("-u", shellQuote(`${entry.principal}:***`));
  }
  if (entry.requestText !== null) {
    const body = entry.requestBody === null ? entry.requestText : JSON.stringify(entry.requestBody);
    parts.push("-H", shellQuote("Content-Type: application/json"), "--data-raw", shellQuote(body));
  }
  return parts.join(" ");
}

function bodyText(entry, side) {
  // A JSON body pretty-printed; otherwise (not JSON, or cut at the journal's limit) its text as recorded.
  const parsed = entry[`${side}Body`];
  if (parsed !== null) return pretty(parsed);
  const text = entry[`${side}Text`];
  if (text === null) return pretty(null);
  return entry[`${side}Truncated`] ? `${text}… (${entry[`${side}Size`]} bytes in all)` : text;
}

function statusClass(status) {
  if (status >= 500) return "s5";
  if (status >= 400) return "s4";
  if (status >= 300) return "s3";
  return "s2";
}

function entryElement(entry) {
  const time = new Date(entry.time);
  const curl = curlOf(entry);
  return h("li", { class: "entry", "data-id": entry.id },
    h("details", {},
      h("summary", {},
        h("span", { class: `method m-${entry.method.toLowerCase()}` }, entry.method),
        h("span", { class: "path" }, entry.path, entry.query ? h("span", { class: "muted" }, `?${entry.query}`) : null),
        h("span", { class: `status ${statusClass(entry.status)}` }, entry.status),
        h("span", { class: "meta" },
          `${entry.latencyMs.toFixed(1)} ms · ${entry.principal || "anonymous"}`,
          entry.client ? h("span", { class: "tag" }, entry.client) : null,
          h("time", { datetime: time.toISOString() }, ` · ${time.toISOString().slice(11, 23)}`))),
      h("div", { class: "entry-body" },
        h("div", { class: "bodies" },
          h("div", {}, h("h3", {}, "Request body"), h("pre", {}, bodyText(entry, "request"))),
          h("div", {}, h("h3", {}, "Response body"), h("pre", {}, bodyText(entry, "response")))),
        entry.warnings.length ? h("ul", { class: "warnings" }, ...entry.warnings.map((w) => h("li", {}, w))) : null,
        h("div", { class: "curl" },
          h("h3", {}, "curl"),
          h("pre", {}, curl),
          copyButton("Copy as curl", () => curl)))));
}

export async function render(container) {
  const method = select([["", "Any"], ...["GET", "POST", "PUT", "DELETE"].map((m) => [m, m])], "", { id: "req-method" });
  const path = h("input", { id: "req-path", type: "text", placeholder: "/rest/jip-api/1.0/inventory*", spellcheck: "false" });
  const status = h("input", { id: "req-status", type: "text", placeholder: "404 or 4xx", size: 8, "aria-describedby": "req-status-hint" });
  const own = h("input", { id: "req-own", type: "checkbox" });
  const note = h("p", { class: "summary", id: "req-summary", "aria-live": "polite" });
  const list = h("ol", { class: "journal", reversed: true });
  const statusHint = h("span", { class: "hint", id: "req-status-hint" }, "a status or a class");
  const filters = h("form", { class: "card filters", role: "search", "aria-label": "Filter requests" },
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "req-method" }, "Method"), method),
      h("div", { class: "field grow" }, h("label", { for: "req-path" }, "Path (exact or glob)"), path),
      h("div", { class: "field" }, h("label", { for: "req-status" }, "Status"), status, statusHint),
      h("div", { class: "field check-field" }, h("span", { class: "check" }, own, h("label", { for: "req-own" }, "Show the page's own requests"))),
      h("div", { class: "actions end" },
        h("button", { type: "button", class: "btn", onclick: clear }, "Clear journal"))));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  for (const control of [method, own]) control.addEventListener("change", () => refresh());
  for (const control of [path, status]) control.addEventListener("input", () => refresh());

  container.replaceChildren(
    h("div", { class: "view-head" }, h("h1", {}, "Requests"), h("span", { class: "live" }, h("span", { class: "dot", "aria-hidden": "true" }), "live")),
    h("p", { class: "muted" }, "Vendor calls the emulator answered (DC, Jira and Cloud), newest first. Control routes are never journaled."),
    filters, note, list);

  const shown = new Map();
  let seq = 0;
  async function refresh(rebuild = false) {
    const query = new URLSearchParams();
    if (method.value) query.set("method", method.value);
    if (path.value.trim()) query.set("path", path.value.trim());
    const wanted = status.value.trim().toLowerCase();
    if (wanted && !STATUS_PATTERN.test(wanted)) {
      status.setAttribute("aria-invalid", "true");
      statusHint.textContent = "use a status such as 404 or a class such as 4xx";
      return;
    }
    status.removeAttribute("aria-invalid");
    statusHint.textContent = "a status or a class";
    if (wanted) query.set("status", wanted);
    const mine = ++seq;
    const answer = await call("GET", `/_emulator/requests${query.size ? `?${query}` : ""}`);
    if (mine !== seq) return;
    if (!answer.ok) {
      note.textContent = errorText(answer);
      return;
    }
    const entries = answer.data.requests.filter((e) => own.checked || e.client !== "ui").reverse();
    if (rebuild) {
      shown.clear();
      list.replaceChildren();
    }
    const keep = new Set(entries.map((e) => e.id));
    for (const [id, el] of shown) {
      if (!keep.has(id)) {
        el.remove();
        shown.delete(id);
      }
    }
    entries.forEach((entry, index) => {
      let el = shown.get(entry.id);
      if (!el) {
        el = entryElement(entry);
        shown.set(entry.id, el);
      }
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
    });
    const hidden = answer.data.total - entries.length;
    note.textContent = `${entries.length} request${entries.length === 1 ? "" : "s"}` +
      (hidden > 0 ? ` (${hidden} of the page's own hidden)` : "");
  }

  async function clear() {
    const answer = await call("DELETE", "/_emulator/requests");
    if (!answer.ok) note.textContent = errorText(answer);
    refresh(true);
  }

  await refresh(true);
  const timer = setInterval(() => refresh(false), POLL_MS);
  return { cleanup: () => clearInterval(timer) };
}
