// Tiny DOM helpers: h() builds elements, a few shared pieces (fields, tables, error boxes), fmt* render values.

/**
 * h("a", {href: "#/x", class: "btn", onclick: fn}, "text", child, [more]) — attributes whose value is
 * null, undefined or false are left out; `true` sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else if (name === "value") el.value = value;
    else if (name === "checked" || name === "selected") el[name] = Boolean(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function nextId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form control: returns {wrap, input}. */
export function field(label, input, hint) {
  if (!input.id) input.id = nextId();
  const hintEl = hint ? h("span", { class: "hint", id: `${input.id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  const wrap = h("div", { class: "field" }, h("label", { for: input.id }, label), input, hintEl);
  return { wrap, input };
}

export function select(options, value, attrs = {}) {
  return h(
    "select",
    attrs,
    options.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, text)),
  );
}

export function tableWrap(...children) {
  return h("div", { class: "table-wrap" }, h("table", {}, ...children));
}

/** A table head of column headers. */
export function tableHead(...labels) {
  return h("thead", {}, h("tr", {}, labels.map((label) => h("th", { scope: "col" }, label))));
}

/** An error message read out at once. */
export function errorBox(message) {
  return h("p", { class: "error-box", role: "alert" }, message);
}

export function fmtTime(ms) {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

export function pretty(value) {
  if (value === null || value === undefined) return "(empty)";
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** Copy text to the clipboard, falling back to a hidden textarea; resolves true when it worked. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = h("textarea", { class: "offscreen", "aria-hidden": "true", tabindex: "-1" });
  area.value = text;
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

/** A small "Copied" note next to a button, read out by screen readers. */
export function copyButton(label, getText) {
  const note = h("span", { class: "copy-note", role: "status" });
  const button = h("button", {
    type: "button",
    class: "btn small",
    onclick: async () => {
      const ok = await copyText(getText());
      note.textContent = ok ? "Copied" : "Copy failed: select the text and copy it";
      setTimeout(() => {
        note.textContent = "";
      }, 2500);
    },
  }, label);
  return h("span", { class: "copy" }, button, note);
}
