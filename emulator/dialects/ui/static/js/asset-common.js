// What the asset views share: one asset read, the metadata they need, the crumbs back to the list.

import { DC, call, errorText } from "./api.js";
import { errorBox, h } from "./dom.js";

/** GET /inventory/{id}.json as the signed-in user. */
export function fetchAsset(id) {
  return call("GET", `${DC}/inventory/${encodeURIComponent(id)}.json`);
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

/** The metadata, or null once the container shows why it could not be read. */
export async function metadataOrError(container) {
  try {
    return await loadMetadata();
  } catch (error) {
    container.replaceChildren(errorBox(error.message));
    return null;
  }
}

/** "Assets › …": the way back to the list, then whatever follows it. */
export function crumbs(...rest) {
  return h("p", { class: "crumbs" }, h("a", { href: "#/assets" }, "Assets"), ...rest);
}
