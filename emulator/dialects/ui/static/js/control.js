// Control: reset, snapshots, faults, the clock, Cloud tokens and the namespace, through /_emulator/.

import { base, call, errorText, namespace } from "./api.js";
import { copyButton, field, fmtTime, h, select, tableWrap } from "./dom.js";

function head(...labels) {
  return h("thead", {}, h("tr", {}, labels.map((label) => h("th", { scope: "col" }, label))));
}

function panel(id, title, ...content) {
  return h("section", { class: "card panel", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

/** A status line for one panel: say(text) or say(text, "error"). */
function statusLine() {
  const line = h("p", { class: "panel-status", role: "status" });
  const say = (text, kind = "ok") => {
    line.className = `panel-status ${kind}`;
    line.textContent = text;
  };
  return { line, say };
}

export async function render(container) {
  const cleanups = [];
  container.replaceChildren(
    h("h1", {}, "Control"),
    h("p", { class: "muted" }, "What the real product never gives a tester. These routes live under /_emulator/ and are never journaled."),
    h("div", { class: "panels" },
      resetPanel(), snapshotPanel(), clockPanel(cleanups), faultPanel(), tokenPanel(), namespacePanel()));
  return { cleanup: () => cleanups.forEach((undo) => undo()) };
}

function resetPanel() {
  const { line, say } = statusLine();
  const button = h("button", { type: "button", class: "btn primary" }, "Reset to the fixtures");
  button.addEventListener("click", async () => {
    const answer = await call("POST", "/_emulator/reset");
    if (answer.ok) say(`Reset: ${answer.data.assets} assets, as loaded from the fixtures.`);
    else say(errorText(answer), "error");
  });
  return panel("ctl-reset", "Reset", h("p", { class: "muted" }, "Back to the loaded fixtures: rows and index."), h("div", { class: "actions" }, button), line);
}

function snapshotPanel() {
  const { line, say } = statusLine();
  const name = h("input", { id: "snap-name", type: "text", autocomplete: "off", required: true });
  const rows = h("tbody");
  const form = h("form", { class: "row inline-form" }, field("Snapshot name", name).wrap,
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Save snapshot")));
  async function load() {
    const answer = await call("GET", "/_emulator/snapshots");
    if (!answer.ok) return say(errorText(answer), "error");
    rows.replaceChildren(...(answer.data.length ? answer.data.map((s) => h("tr", {},
      h("th", { scope: "row" }, s.name), h("td", { class: "nowrap" }, fmtTime(s.createdAt)),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "btn small", "aria-label": `Restore ${s.name}`, onclick: () => restore(s.name) }, "Restore"),
        h("button", { type: "button", class: "btn small danger-outline", "aria-label": `Delete ${s.name}`, onclick: () => remove(s.name) }, "Delete"))))
      : [h("tr", {}, h("td", { colspan: 3, class: "muted" }, "No snapshots yet."))]));
  }
  async function restore(snapshot) {
    const answer = await call("POST", `/_emulator/snapshots/${encodeURIComponent(snapshot)}/restore`);
    say(answer.ok ? `Restored “${snapshot}”: ${answer.data.assets} assets.` : errorText(answer), answer.ok ? "ok" : "error");
  }
  async function remove(snapshot) {
    const answer = await call("DELETE", `/_emulator/snapshots/${encodeURIComponent(snapshot)}`);
    say(answer.ok ? `Deleted snapshot “${snapshot}”.` : errorText(answer), answer.ok ? "ok" : "error");
    load();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!name.value.trim()) return say("Give the snapshot a name.", "error");
    const answer = await call("POST", "/_emulator/snapshots", { name: name.value.trim() });
    if (answer.ok) {
      say(`Saved snapshot “${answer.data.name}”.`);
      name.value = "";
    } else say(errorText(answer), "error");
    load();
  });
  load();
  return panel("ctl-snapshots", "Snapshots", form, tableWrap(head("Name", "Saved", "Actions"), rows), line);
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

function faultPanel() {
  const { line, say } = statusLine();
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
    rows.replaceChildren(...(answer.data.length ? answer.data.map((f) => h("tr", {},
      h("td", { class: "num" }, f.id), h("td", {}, f.method || "any"), h("td", {}, h("code", {}, f.path)),
      h("td", {}, f.status ?? "—"), h("td", {}, f.delayMs ?? "—"), h("td", {}, f.times ?? "∞"),
      h("td", { class: "num", "data-hits": f.id }, f.hits),
      h("td", {}, h("button", { type: "button", class: "btn small danger-outline", "aria-label": `Delete fault ${f.id}`, onclick: () => remove(f.id) }, "Delete"))))
      : [h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No fault rules."))]));
  }
  async function remove(id) {
    const answer = await call("DELETE", `/_emulator/faults/${encodeURIComponent(id)}`);
    say(answer.ok ? `Deleted fault ${id}.` : errorText(answer), answer.ok ? "ok" : "error");
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
    const answer = await call("POST", "/_emulator/faults", rule);
    say(answer.ok ? `Added fault ${answer.data.id} on ${answer.data.path}.` : errorText(answer), answer.ok ? "ok" : "error");
    load();
  });
  load();
  return panel("ctl-faults", "Faults", h("p", { class: "muted" }, "Answer or delay matching vendor calls, before authentication."), form,
    tableWrap(head("ID", "Method", "Path", "Status", "Delay", "Times", "Hits", "Actions"), rows), line);
}

const EXPIRIES = [["never", "Never"], ["3600000", "In 1 hour"], ["86400000", "In 1 day"], ["2592000000", "In 30 days"]];

function tokenPanel() {
  const { line, say } = statusLine();
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
    const answer = await call("DELETE", `/_emulator/tokens/${encodeURIComponent(token.id)}`);
    say(answer.ok ? `Revoked “${token.name}”.` : errorText(answer), answer.ok ? "ok" : "error");
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
  return panel("ctl-tokens", "Cloud tokens", form, minted,
    tableWrap(head("Name", "Access", "Created", "Expires", "ID", "Actions"), rows), line);
}

function namespacePanel() {
  const input = h("input", { id: "ns-name", type: "text", value: namespace || "", autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "field-error", id: "ns-error" });
  const form = h("form", { class: "row inline-form" }, field("Namespace", input).wrap,
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Switch namespace")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      error.textContent = "Use letters, digits, dot, dash and underscore.";
      return;
    }
    location.assign(`/_ns/${encodeURIComponent(name)}/_emulator/ui/${location.hash}`);
  });
  return panel("ctl-namespace", "Namespace",
    h("p", {}, "In use: ", h("strong", { id: "ns-current" }, namespace || "default"),
      base ? h("span", { class: "muted" }, ` (every call goes to ${base}/…)`) : null),
    form, error,
    namespace ? h("p", {}, h("a", { href: "/_emulator/ui/" }, "Back to the default namespace")) : null);
}
