// Assets: routes #/assets[...] to the list, one asset's page, or the create and edit form.

import { editor } from "./asset-form.js";
import { detail } from "./asset-page.js";
import { list } from "./asset-list.js";

export async function render(container, { parts, params }) {
  if (parts[0] === "new") return editor(container, null);
  if (parts[0] && parts[1] === "edit") return editor(container, parts[0]);
  if (parts[0]) return detail(container, parts[0]);
  return list(container, params);
}
