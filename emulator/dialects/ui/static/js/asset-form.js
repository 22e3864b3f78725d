// Creating and editing an asset (POST /inventory.json, PUT /inventory/{id}.json), the API's validation messages next to their fields.

import { DC, call, errorText } from "./api.js";
import { errorBox, h, nextId, select } from "./dom.js";
import { flash } from "./flash.js";
import { crumbs, fetchAsset, metadataOrError } from "./asset-common.js";

const MULTI_TYPES = new Set(["ListBoxMultiple", "CheckboxList"]);
const ONE_OPTION_TYPES = new Set(["DropdownList", "ListBox", "RadioButtonList"]);
const REF_TYPES = new Set(["InventoryList", "InventoryListByForm"]);
const NUMBER_TYPES = new Set(["Number", "Decimal"]);

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

export async function editor(container, id) {
  let asset = null;
  if (id) {
    const answer = await fetchAsset(id);
    if (!answer.ok) {
      container.replaceChildren(h("h1", {}, `Edit asset ${id}`), errorBox(errorText(answer)));
      return {};
    }
    asset = answer.data.data;
  }
  const meta = await metadataOrError(container);
  if (!meta) return {};
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
    crumbs(asset ? [" › ", h("a", { href: `#/assets/${asset.id}` }, asset.name)] : null),
    h("h1", {}, title),
    form);
  return {};
}
