// Metadata: schemes, forms and their attributes, options, locations, and users, from the DC and Jira routes.

import { DC, call, credentials, errorText } from "./api.js";
import { errorBox, fmtTime, h, tableHead, tableWrap } from "./dom.js";

function section(id, title, ...content) {
  return h("section", { class: "meta-section", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

export async function render(container) {
  const [schemes, forms, attributes, locations] = await Promise.all([
    call("GET", `${DC}/schema/objectSchemas.json`),
    call("GET", `${DC}/form/list.json`),
    call("GET", `${DC}/attribute/list.json`),
    call("GET", `${DC}/location.json`),
  ]);
  const failed = [schemes, forms, attributes, locations].find((answer) => !answer.ok);
  if (failed) {
    container.replaceChildren(h("h1", {}, "Metadata"), errorBox(errorText(failed)));
    return {};
  }
  const schemeList = schemes.data.data || [];
  const options = new Map(attributes.data.map((a) => [a.id, (a.values || []).map((v) => v.attributeValue)]));
  const formScheme = new Map(schemeList.flatMap((s) => s.forms.map((f) => [f.id, s.schemaName])));
  const me = credentials();

  const toc = h("nav", { class: "toc", "aria-label": "On this page" },
    ["Schemes", "Forms", "Options", "Locations", "Statuses", "Users"].map((t) => h("a", { href: `#/metadata`, "data-target": `meta-${t.toLowerCase()}` }, t)));
  toc.addEventListener("click", (event) => {
    const target = event.target.closest("a[data-target]");
    if (!target) return;
    event.preventDefault();
    const heading = document.getElementById(target.dataset.target);
    heading.setAttribute("tabindex", "-1");
    heading.focus();
    heading.scrollIntoView({ block: "start" });
  });

  const schemeTable = tableWrap(
    tableHead("ID", "Key", "Name", "Description", "Forms", "Updated"),
    h("tbody", {}, schemeList.map((s) => h("tr", {},
      h("td", { class: "num" }, s.id), h("td", {}, h("code", {}, s.key)), h("th", { scope: "row" }, s.schemaName),
      h("td", {}, s.description || "—"), h("td", {}, s.forms.map((f) => f.formName).join(", ") || "—"),
      h("td", { class: "nowrap" }, `${fmtTime(s.updated)} by ${s.updatedBy || "—"}`)))));

  const formCards = forms.data.map((f) => h("details", { class: "form-card", open: true },
    h("summary", {}, h("strong", {}, f.formName), h("span", { class: "muted" }, ` · form ${f.id} · ${formScheme.get(f.id) || "?"} · ${f.attributes.length} attributes`)),
    f.attributes.length
      ? tableWrap(
        tableHead("Attribute", "Type", "Attribute id", "Options"),
        h("tbody", {}, [...f.attributes].sort((x, y) => x.sortOrder - y.sortOrder).map((entry) => h("tr", {},
          h("th", { scope: "row" }, entry.attribute.attributeName),
          h("td", {}, entry.attribute.attributeType),
          h("td", { class: "num" }, entry.attribute.id),
          h("td", {}, (options.get(entry.attribute.id) || []).join(", ") || h("span", { class: "muted" }, "—"))))))
      : h("p", { class: "muted" }, "No attributes.")));

  const optionAttributes = attributes.data.filter((a) => a.values && a.values.length);
  const optionTable = tableWrap(
    tableHead("Attribute", "Options (in order)"),
    h("tbody", {}, optionAttributes.map((a) => h("tr", {},
      h("th", { scope: "row" }, a.attributeName),
      h("td", {}, h("ul", { class: "chips" }, [...a.values].sort((x, y) => x.sortOrder - y.sortOrder).map((v) => h("li", {}, v.attributeValue))))))));

  const locationList = Object.values(locations.data.data || {});
  const locationTable = tableWrap(
    tableHead("ID", "Name", "Address", "Contact", "Phone", "Active"),
    h("tbody", {}, locationList.map((l) => h("tr", {},
      h("td", { class: "num" }, l.id), h("th", { scope: "row" }, l.locationName),
      h("td", {}, [l.street, [l.postalCode, l.city].filter(Boolean).join(" "), l.country].filter(Boolean).join(", ") || "—"),
      h("td", {}, l.contactUser ? l.contactUser.displayName : "—"), h("td", {}, l.phone || "—"),
      h("td", {}, l.active ? "yes" : "no")))));

  const lookupInput = h("input", { id: "user-lookup", type: "text", autocomplete: "off", spellcheck: "false" });
  const lookupResult = h("div", { class: "lookup-result", "aria-live": "polite" });
  const lookup = h("form", { class: "row inline-form" },
    h("div", { class: "field" }, h("label", { for: "user-lookup" }, "Look up a user by name"), lookupInput),
    h("div", { class: "actions end" }, h("button", { type: "submit", class: "btn" }, "Look up")));
  lookup.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = lookupInput.value.trim();
    if (!name) return;
    const answer = await call("GET", `/rest/api/2/user?username=${encodeURIComponent(name)}`);
    lookupResult.replaceChildren(answer.ok ? userCard(answer.data) : h("p", { class: "error-box" }, errorText(answer)));
  });

  container.replaceChildren(
    h("h1", {}, "Metadata"),
    h("p", { class: "muted" }, `As ${me ? me.username : "?"} sees it: the DC metadata routes answer only the schemes and forms the caller may browse.`),
    toc,
    section("meta-schemes", `Schemes (${schemeList.length})`, schemeTable),
    section("meta-forms", `Forms (${forms.data.length})`, ...formCards),
    section("meta-options", "Options", h("p", { class: "muted" }, "The option lists of list attributes (GET /attribute/list.json)."), optionTable),
    section("meta-locations", `Locations (${locationList.length})`, locationTable),
    section("meta-statuses", "Statuses",
      h("p", { class: "note" }, "The DC API has no public route listing statuses and substatuses; they are written and searched by name as ",
        h("code", {}, "asset.status"), " and ", h("code", {}, "asset.substatus"), ". See fixtures/default/statuses.json.")),
    section("meta-users", "Users",
      me && me.user ? userCard(me.user, schemeList) : null,
      h("p", { class: "note" }, "There is no public route listing users or another user's Browse permission: sign in as a user to see their schemes. Look up any user's details:"),
      lookup, lookupResult),
  );
  return {};
}

function userCard(user, schemes) {
  return h("div", { class: "card user-card" },
    h("p", {}, h("strong", {}, user.displayName), ` (${user.name})`, user.active === false ? h("span", { class: "tag" }, "inactive") : null),
    h("dl", { class: "facts compact" },
      [["Key", user.key], ["Email", user.emailAddress], ["Time zone", user.timeZone]].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v || "—"))),
      schemes ? h("div", {}, h("dt", {}, "May browse"), h("dd", {}, schemes.map((s) => `${s.schemaName} (${s.id})`).join(", ") || "no scheme")) : null));
}
