// Control: reset, snapshots, faults, the clock, Cloud tokens and the namespace, through /_emulator/.

import { base, call, errorText, namespace } from "./api.js";
import { copyButton, field, fmtTime, h, select, tableHead, tableWrap } from "./dom.js";

function panel(id, title, ...content) {
  return h("section", { class: "card panel", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

/** A panel across both columns: for tables too wide for half the page (their last column holds the actions). */
function widePanel(id, title, ...content) {
  const section = panel(id, title, ...content);
  section.classList.add("wide");
  return section;
}

/**
 * A status line for one panel: say(text) or say(text, "error"); report(answer, (data) => text) says the text
 * for an answer that went through, and the API's message for one that did not.
 */
function statusLine() {
  const line = h("p", { class: "panel-status", role: "status" });
  const say = (text, kind = "ok") => {
    line.className = `panel-status ${kind}`;
    line.textContent = text;
  };
  const report = (answer, textOf) => (answer.ok ? say(textOf(answer.data)) : say(errorText(answer), "error"));
  return { line, say, report };
}

/** Table rows for a list, or one row saying it is empty. */
function rowsOr(items, row, columns, empty) {
  return items.length ? items.map(row) : [h("tr", {}, h("td", { colspan: columns, class: "muted" }, empty))];
}

export async function render(container) {
  const cleanups = [];
  const resets = new EventTarget(); // a reset deletes snapshots and fault rules: their panels load again
  container.replaceChildren(
    h("h1", {}, "Control"),
    h("p", { class: "muted" }, "What the real product never gives a tester. These routes live under /_emulator/ and are never journaled."),
    h("div", { class: "panels" },
      resetPanel(resets), snapshotPanel(resets), clockPanel(cleanups), namespacePanel(), faultPanel(resets), tokenPanel()));
  return { cleanup: () => cleanups.forEach((undo) => undo()) };
}

function resetPanel(resets) {
  const { line, report } = statusLine();
  const button = h("button", { type: "button", class: "btn primary" }, "Reset to the fixtures");
  button.addEventListener("click", async () => {
    const answer = await call("POST", "/_emulator/reset");
    report(answer, (data) => `Reset: ${data.assets} assets, as loaded from the fixtures.`);
    if (answer.ok) resets.dispatchEvent(new Event("reset"));
  });
  return panel("ctl-reset", "Reset", h("p", { class: "muted" }, "Back to the baseline: the loaded fixtures (rows and index), real time, strict mode as configured; every snapshot, fault rule and journal entry is deleted."), h("div", { class: "actions" }, button), line);
}

function snapshotPanel(resets) {
  const { line, say, report } = statusLine();
  const name = h("input", { id: "snap-name", type: "text", autocomplete: "off", required: true });
  const rows = h("tbody");
  const form = h("form", { class: "row inline-form" }, field("Snapshot name", name).wrap,
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Save snapshot")));
  async function load() {
    const answer = await call("GET", "/_emulator/snapshots");
    if (!answer.ok) return say(errorText(answer), "error");
    rows.replaceChildren(...rowsOr(answer.data, (s) => h("tr", {},
      h("th", { scope: "row" }, s.name), h("td", { class: "nowrap" }, fmtTime(s.createdAt)),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "btn small", "aria-label": `Restore ${s.name}`, onclick: () => restore(s.name) }, "Restore"),
        h("button", { type: "button", class: "btn small danger-outline", "aria-label": `Delete ${s.name}`, onclick: () => remove(s.name) }, "Delete"))),
    3, "No snapshots yet."));
  }
  async function restore(snapshot) {
    report(await call("POST", `/_emulator/snapshots/${encodeURIComponent(snapshot)}/restore`), (data) => `Restored “${snapshot}”: ${data.assets} assets.`);
  }
  async function remove(snapshot) {
    report(await call("DELETE", `/_emulator/snapshots/${encodeURIComponent(snapshot)}`), () => `Deleted snapshot “${snapshot}”.`);
    load();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!name.value.trim()) return say("Give the snapshot a name.", "error");
    const answer = await call("POST", "/_emulator/snapshots", { name: name.value.trim() });
    report(answer, (data) => `Saved snapshot “${data.name}”.`);
    if (answer.ok) name.value = "";
    load();
  });
  load();
  resets.addEventListener("reset", load);
  return panel("ctl-snapshots", "Snapshots", form, tableWrap(tableHead("Name", "Saved", "Actions"), rows), line);
}

function clockPanel(cleanups) {
  const { line, say } = statusLine();
  const now = h("output", { class: "clock-now", id: "clock-now" }, "…");
  const mode = h("span", { class: "tag", id: "clock-mode" });
  let clock = null; // {now, frozen, at}
  const setInput = h("input", { id: "clock-set", type: "datetime-local", step: "1" });
  const amount = h("input", { id: "clock-amount", type: "number", value: "1", step: "1" });
  const unit = select([["1000", "seconds"], ["60000", "minutes"], ["3600000", "hours"], ["86400000", "days"]], "3600000", { id: "clock-unit", "aria-label": "Unit" });

  function show() {
    if (!clock) return;
    const ms = clock.frozen ? clock.now : clock.now + (Date.now() - clock.at);
    now.textContent = fmtTime(ms);
    mode.textContent = clock.frozen ? "frozen" : "running";
    mode.className = `tag ${clock.frozen ? "warn" : ""}`;
  }
  function took(answer, text) {
    if (!answer.ok) return say(errorText(answer), "error");
    clock = { ...answer.data, at: Date.now() };
    show();
    if (text) say(text);
  }
  const post = async (body, text) => took(await call("POST", "/_emulator/clock", body), text);
  const ticker = setInterval(show, 1000);
  cleanups.push(() => clearInterval(ticker));

  const setForm = h("form", { class: "row inline-form" },
    h("div", { class: "field" }, h("label", { for: "clock-set" }, "Set to (UTC)"), setInput),
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Set")));
  setForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const ms = Date.parse(`${setInput.value}Z`);
    if (Number.isNaN(ms)) return say("Choose a date and time.", "error");
    return post({ set: ms }, `Set to ${fmtTime(ms)}.`);
  });
  const advanceForm = h("form", { class: "row inline-form" },
    h("div", { class: "field" }, h("label", { for: "clock-amount" }, "Advance by"), amount),
    h("div", { class: "field" }, h("label", { for: "clock-unit" }, "Unit"), unit),
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Advance")));
  advanceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const delta = Math.round(Number(amount.value) * Number(unit.value));
    if (!Number.isFinite(delta)) return say("Enter a number.", "error");
    return post({ advanceMs: delta }, `Moved by ${amount.value} ${unit.selectedOptions[0].textContent}.`);
  });

  call("GET", "/_emulator/clock").then((answer) => took(answer));
  return panel("ctl-clock", "Clock",
    h("p", { class: "clock-line" }, "Emulator time: ", now, " ", mode),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "btn", onclick: () => post({ freeze: true }, "Frozen.") }, "Freeze"),
      h("button", { type: "button", class: "btn", onclick: () => post({ freeze: false }, "Running again from where it stood.") }, "Unfreeze"),
      h("button", { type: "button", class: "btn", onclick: async () => took(await call("DELETE", "/_emulator/clock"), "Back to real time.") }, "Back to real time")),
    setForm, advanceForm, line);
}

function faultPanel(resets) {
  const { line, say, report } = statusLine();
  const method = select([["", "any"], ...["GET", "POST", "PUT", "DELETE"].map((m) => [m, m])], "", { id: "fault-method" });
  const path = h("input", { id: "fault-path", type: "text", placeholder: "/rest/jip-api/1.0/index/query*", required: true, spellcheck: "false" });
  const status = h("input", { id: "fault-status", type: "number", min: "400", max: "599", placeholder: "503" });
  const delay = h("input", { id: "fault-delay", type: "number", min: "0", placeholder: "0" });
  const times = h("input", { id: "fault-times", type: "number", min: "1", placeholder: "always" });
  const probability = h("input", { id: "fault-probability", type: "number", min: "0", max: "1", step: "0.05", placeholder: "1" });
  const body = h("textarea", { id: "fault-body", rows: 2, placeholder: "{\"message\": \"down\"} (optional: default is the dialect's error)", spellcheck: "false" });
  const rows = h("tbody");
  const form = h("form", { class: "fault-form" },
    h("div", { class: "row" }, field("Method", method).wrap, h("div", { class: "field grow" }, h("label", { for: "fault-path" }, "Path (glob)"), path)),
    h("div", { class: "row" }, field("Status", status).wrap, field("Delay (ms)", delay).wrap, field("Times", times).wrap, field("Probability", probability).wrap),
    h("div", { class: "field" }, h("label", { for: "fault-body" }, "Body (JSON)"), body),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn" }, "Add fault"),
      h("button", { type: "button", class: "btn", onclick: () => load() }, "Refresh hits")));
  async function load() {
    const answer = await call("GET", "/_emulator/faults");
    if (!answer.ok) return say(errorText(answer), "error");
    rows.replaceChildren(...rowsOr(answer.data, (f) => h("tr", {},
      h("td", { class: "num" }, f.id), h("td", {}, f.method || "any"), h("td", {}, h("code", {}, f.path)),
      h("td", {}, f.status ?? "—"), h("td", {}, f.delayMs ?? "—"), h("td", {}, f.times ?? "∞"),
      h("td", { class: "num", "data-hits": f.id }, f.hits),
      h("td", {}, h("button", { type: "button", class: "btn small danger-outline", "aria-label": `Delete fault ${f.id}`, onclick: () => remove(f.id) }, "Delete"))),
    8, "No fault rules."));
  }
  async function remove(id) {
    report(await call("DELETE", `/_emulator/faults/${encodeURIComponent(id)}`), () => `Deleted fault ${id}.`);
    load();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!path.value.trim()) return say("A fault needs a path.", "error");
    const rule = { path: path.value.trim() };
    if (method.value) rule.method = method.value;
    for (const [key, input] of [["status", status], ["delayMs", delay], ["times", times], ["probability", probability]]) {
      if (input.value !== "") rule[key] = Number(input.value);
    }
    if (body.value.trim()) {
      try {
        rule.body = JSON.parse(body.value);
      } catch {
        return say("The body is not JSON.", "error");
      }
    }
    report(await call("POST", "/_emulator/faults", rule), (data) => `Added fault ${data.id} on ${data.path}.`);
    load();
  });
  load();
  resets.addEventListener("reset", load);
  return widePanel("ctl-faults", "Faults", h("p", { class: "muted" }, "Answer or delay matching vendor calls, before authentication."), form,
    tableWrap(tableHead("ID", "Method", "Path", "Status", "Delay", "Times", "Hits", "Actions"), rows), line);
}

const EXPIRIES = [["never", "Never"], ["3600000", "In 1 hour"], ["86400000", "In 1 day"], ["2592000000", "In 30 days"]];

function tokenPanel() {
  const { line, say, report } = statusLine();
  const name = h("input", { id: "token-name", type: "text", autocomplete: "off", required: true });
  const access = select([["READ", "READ"], ["WRITE", "WRITE"], ["ADMIN", "ADMIN"]], "READ", { id: "token-access" });
  const expiry = select(EXPIRIES, "never", { id: "token-expiry" });
  const minted = h("div", { class: "minted", "aria-live": "polite" });
  const rows = h("tbody");
  const form = h("form", { class: "row inline-form" },
    field("Token name", name).wrap, field("Access", access).wrap, field("Expires", expiry).wrap,
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Mint token")));
  async function load() {
    const answer = await call("GET", "/_emulator/tokens");
    if (!answer.ok) return say(errorText(answer), "error");
    rows.replaceChildren(...answer.data.map((t) => h("tr", {},
      h("th", { scope: "row" }, t.name), h("td", {}, t.access), h("td", { class: "nowrap" }, fmtTime(t.createdAt)),
      h("td", { class: "nowrap" }, t.expiresAt ? fmtTime(t.expiresAt) : "never"), h("td", {}, h("code", { class: "id" }, t.id)),
      h("td", {}, h("button", { type: "button", class: "btn small danger-outline", "aria-label": `Revoke ${t.name}`, onclick: () => revoke(t) }, "Revoke")))));
  }
  async function revoke(token) {
    report(await call("DELETE", `/_emulator/tokens/${encodeURIComponent(token.id)}`), () => `Revoked “${token.name}”.`);
    load();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!name.value.trim()) return say("Give the token a name.", "error");
    const body = { name: name.value.trim(), access: access.value };
    if (expiry.value === "never") body.neverExpire = true;
    else {
      const clock = await call("GET", "/_emulator/clock");
      const now = clock.ok ? clock.data.now : Date.now();
      body.expiresAt = now + Number(expiry.value);
    }
    const answer = await call("POST", "/_emulator/tokens", body);
    if (!answer.ok) return say(errorText(answer), "error");
    const tokenBox = h("textarea", { id: "token-value", readonly: true, rows: 3, spellcheck: "false" });
    tokenBox.value = answer.data.token;
    minted.replaceChildren(h("div", { class: "token-once" },
      h("label", { for: "token-value" }, `Token “${answer.data.name}” (${answer.data.access}): shown only once`),
      tokenBox, copyButton("Copy token", () => answer.data.token)));
    say(`Minted “${answer.data.name}”.`);
    name.value = "";
    load();
  });
  load();
  return widePanel("ctl-tokens", "Cloud tokens", form, minted,
    tableWrap(tableHead("Name", "Access", "Created", "Expires", "ID", "Actions"), rows), line);
}

function namespacePanel() {
  const input = h("input", { id: "ns-name", type: "text", value: namespace || "", autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "field-error", id: "ns-error" });
  const form = h("form", { class: "row inline-form" }, field("Namespace", input).wrap,
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Switch namespace")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) { // the server's rule (docs/control-plane.md, "Names")
      error.textContent = "Use 1-63 characters of a-z 0-9 - _, starting with a letter or digit.";
      return;
    }
    error.textContent = "";
    location.assign(`/_ns/${encodeURIComponent(name)}/_emulator/ui/${location.hash}`);
  });
  return panel("ctl-namespace", "Namespace",
    h("p", {}, "In use: ", h("strong", { id: "ns-current" }, namespace || "default"),
      base ? h("span", { class: "muted" }, ` (every call goes to ${base}/…)`) : null),
    form, error,
    namespace ? h("p", {}, h("a", { href: "/_emulator/ui/" }, "Back to the default namespace")) : null);
}
