// The shell: hash routing, who is signed in, sign-in and sign-out, flash messages.

import { basicOf, call, credentials, errorText, forgetCredentials, namespace, saveCredentials } from "./api.js";
import { h } from "./dom.js";
import { flash, navigated } from "./flash.js";
import * as assets from "./assets.js";
import * as metadata from "./metadata.js";
import * as requests from "./requests.js";
import * as control from "./control.js";

const main = document.getElementById("main");
const VIEWS = {
  assets: { title: "Assets", needsUser: true, render: assets.render },
  metadata: { title: "Metadata", needsUser: true, render: metadata.render },
  requests: { title: "Requests", needsUser: false, render: requests.render },
  control: { title: "Control", needsUser: false, render: control.render },
};
let current = null; // {name, cleanup, update}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query) };
}

async function route() {
  const { parts, params } = parseHash();
  const name = VIEWS[parts[0]] ? parts[0] : null;
  if (!name) {
    location.replace("#/assets");
    return;
  }
  const view = VIEWS[name];
  for (const link of document.querySelectorAll(".main-nav a")) {
    if (link.getAttribute("href") === `#/${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const key = `${name}/${parts.slice(1).join("/")}`;
  if (current && current.key === key && current.update) {
    current.update(params);
    return;
  }
  if (current && current.cleanup) current.cleanup();
  current = null;
  navigated();
  document.title = `${view.title} · AIP emulator`;
  if (view.needsUser && !credentials()) {
    main.replaceChildren(signInForm(view.title));
    return;
  }
  const container = h("div", { class: "view", "data-view": name });
  main.replaceChildren(container);
  const handle = (await view.render(container, { parts: parts.slice(1), params })) || {};
  current = { key, ...handle };
}

function signInForm(viewTitle) {
  const username = h("input", { id: "signin-username", name: "username", autocomplete: "username", required: true });
  const password = h("input", {
    id: "signin-password", name: "password", type: "password", autocomplete: "current-password", required: true,
  });
  const error = h("p", { class: "field-error", id: "signin-error", role: "alert" });
  const form = h(
    "form",
    { class: "card signin", "aria-labelledby": "signin-title", novalidate: true },
    h("h1", { id: "signin-title" }, "Sign in"),
    h("p", { class: "muted" }, `${viewTitle} are read with Data Center Basic credentials; you see what that user may browse.`),
    h("div", { class: "field" }, h("label", { for: "signin-username" }, "Username"), username),
    h("div", { class: "field" }, h("label", { for: "signin-password" }, "Password"), password),
    error,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary" }, "Sign in")),
    h("p", { class: "hint" }, "Default fixtures: admin/admin sees every scheme, jdoe/jdoe schemes 1 and 2 only."),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.value || !password.value) {
      error.textContent = "Enter a username and a password.";
      return;
    }
    const basic = basicOf(username.value, password.value);
    const answer = await call("GET", "/rest/api/2/myself", undefined, { basic });
    if (!answer.ok) {
      error.textContent = answer.status === 401 ? "Wrong username or password." : errorText(answer);
      password.focus();
      return;
    }
    saveCredentials(answer.data.name || username.value, basic, answer.data);
    flash("");
    showWho();
    current = null;
    route();
  });
  setTimeout(() => username.focus(), 0);
  return form;
}

function showWho() {
  const who = document.getElementById("who");
  const saved = credentials();
  if (!saved) {
    who.replaceChildren(h("span", { class: "muted" }, "Not signed in"));
    return;
  }
  const user = saved.user || {};
  who.replaceChildren(
    h("span", { class: "who-name", id: "who-name" },
      "Signed in as ", h("strong", {}, user.displayName || saved.username), ` (${saved.username})`),
    h("button", { type: "button", class: "btn small", onclick: signOut }, "Sign out"),
  );
}

function signOut() {
  forgetCredentials();
  showWho();
  flash("Signed out.");
  current = null;
  route();
}

/** Re-read who is signed in (the stored credentials may be stale after a reset or a restart). */
async function checkWho() {
  const saved = credentials();
  if (!saved) return;
  const answer = await call("GET", "/rest/api/2/myself");
  if (answer.ok) saveCredentials(saved.username, saved.basic, answer.data);
  else forgetCredentials();
}

async function start() {
  document.getElementById("skip-link").addEventListener("click", (event) => {
    event.preventDefault(); // a plain #main would be taken for a route
    main.focus();
  });
  const badge = document.getElementById("ns-badge");
  if (namespace) {
    badge.hidden = false;
    badge.textContent = `namespace ${namespace}`;
  }
  await checkWho();
  showWho();
  window.addEventListener("hashchange", route);
  await route();
}

start();
