// One asset's page (GET /inventory/{id}.json): its facts, attribute values and attachments, and deleting it.

import { DC, call, errorText } from "./api.js";
import { errorBox, h, tableHead, tableWrap } from "./dom.js";
import { flash } from "./flash.js";
import { crumbs, fetchAsset } from "./asset-common.js";

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

export async function detail(container, id) {
  const answer = await fetchAsset(id);
  if (!answer.ok) {
    container.replaceChildren(crumbs(), h("h1", {}, `Asset ${id}`), errorBox(errorText(answer)));
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
    crumbs(" › ", a.formName),
    h("div", { class: "view-head" }, h("h1", {}, a.name),
      h("div", { class: "actions" }, h("a", { class: "btn", href: `#/assets/${a.id}/edit` }, "Edit"), deleteButton)),
    confirmBox,
    h("dl", { class: "facts card" }, facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    h("h2", {}, "Attributes"),
    a.inventoryItems.length
      ? tableWrap(
        tableHead("Attribute", "Type", "Value"),
        h("tbody", {}, a.inventoryItems.map((item) => h("tr", {},
          h("th", { scope: "row" }, item.attributeName),
          h("td", { class: "muted" }, item.attributeType),
          h("td", {}, valueCell(item))))))
      : h("p", { class: "muted" }, "No attribute values."),
    h("h2", {}, "Attachments"),
    attachments.length
      ? tableWrap(
        tableHead("File", "Size", "Created", "Creator"),
        h("tbody", {}, attachments.map((f) => h("tr", {},
          h("td", {}, f.originalFileName || f.serverFileName || "—"), h("td", {}, f.fileSize || "—"),
          h("td", {}, f.created || "—"), h("td", {}, f.creator || "—")))))
      : h("p", { class: "muted" }, "No attachments."),
    h("details", { class: "raw" }, h("summary", {}, "The API's answer (JSON)"), h("pre", {}, JSON.stringify(answer.data, null, 2))),
  );
  return {};
}
