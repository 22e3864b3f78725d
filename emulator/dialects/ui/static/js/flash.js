import { h } from "./dom.js";

let carry = false;

/** Show a short message under the header (kind: "ok" or "error"); an empty message clears it. */
export function flash(message, kind = "ok", { acrossNavigation = false } = {}) {
  const box = document.getElementById("flash");
  box.replaceChildren(message ? h("p", { class: `flash-msg ${kind}` }, message) : "");
  carry = acrossNavigation;
}

/** Called on every navigation: a message survives exactly one. */
export function navigated() {
  if (carry) carry = false;
  else flash("");
}
