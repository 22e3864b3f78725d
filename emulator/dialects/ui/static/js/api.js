// The page's only way to the server: the public APIs, prefixed with the namespace the page was loaded from.

const NS_MATCH = location.pathname.match(/^\/_ns\/([^/]+)\//);
/** The namespace in use (null: the default one) and the prefix of every API call. */
export const namespace = NS_MATCH ? decodeURIComponent(NS_MATCH[1]) : null;
export const base = NS_MATCH ? `/_ns/${NS_MATCH[1]}` : "";
export const DC = "/rest/jip-api/1.0";
export const CLIENT_HEADER = "X-AIP-Emulator-Client";
const MYSELF = "/rest/api/2/myself";
let jiraRoot = null; // the Jira context path's promise, asked for on the first call to a /rest/ route

/** The Jira context path (`--context-path`, e.g. "/jira"; "" without one), as the OpenAPI document's routes show it. */
async function contextPath() {
  try {
    const response = await fetch(`${base}/openapi.json`, { headers: { [CLIENT_HEADER]: "ui" } });
    const paths = response.ok ? Object.keys((await response.json()).paths || {}) : [];
    const myself = paths.find((path) => path.endsWith(MYSELF));
    return myself ? myself.slice(0, -MYSELF.length) : "";
  } catch {
    return "";
  }
}

const KEY = "aip-emulator-ui.credentials";

/** The signed-in user's Basic credentials, kept for this tab only. */
export function credentials() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    return saved && typeof saved.username === "string" && typeof saved.basic === "string" ? saved : null;
  } catch {
    return null;
  }
}

export function basicOf(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return btoa(String.fromCharCode(...bytes));
}

export function saveCredentials(username, basic, user) {
  sessionStorage.setItem(KEY, JSON.stringify({ username, basic, user }));
}

export function forgetCredentials() {
  sessionStorage.removeItem(KEY);
}

/**
 * One API call: `{status, ok, data}`; data is the parsed JSON body (or the text, or null).
 * `basic` overrides the stored credentials (for signing in); `auth: false` sends none.
 */
export async function call(method, path, body, { basic, auth = true } = {}) {
  const headers = { [CLIENT_HEADER]: "ui", Accept: "application/json" };
  const secret = basic ?? (auth ? credentials()?.basic : undefined);
  if (secret) headers.Authorization = `Basic ${secret}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    if (path.startsWith("/rest/")) jiraRoot ??= contextPath();
    response = await fetch(base + (path.startsWith("/rest/") ? await jiraRoot : "") + path, init);
  } catch (error) {
    return { status: 0, ok: false, data: { message: `The emulator did not answer (${error.message})` } };
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  return { status: response.status, ok: response.ok, data };
}

/** The message an error answer carries, in any of the emulator's dialects. */
export function errorText(answer) {
  const data = answer.data;
  if (data && typeof data === "object") {
    const message = data.errorMessage || data.message || (data.errorMessages || []).join("; ");
    if (message) return message;
  }
  if (typeof data === "string" && data) return data;
  return `HTTP ${answer.status}`;
}
