// The API as the pages call it: same-origin requests carrying the session cookie, the CSRF
// token on writes, and errors in the API's own shape ({message, description, field}). Bodies
// are JSON, but for XML sent as text (production calendars); answers are JSON or text.

let csrf = null;
let onSignedOut = () => {};

/** Remembers the session's CSRF token; `signedOut` runs when a request finds no session. */
export function useSession(token, signedOut) {
  csrf = token;
  if (signedOut) onSignedOut = signedOut;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.description || body?.message || `HTTP ${status}`);
    this.status = status;
    this.field = body?.field;
    this.body = body;
  }
}

async function call(method, path, body, type = "application/json") {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = type;
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined || type !== "application/json" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json = (response.headers.get("Content-Type") || "").includes("json");
  const data = text ? (json ? JSON.parse(text) : text) : null;
  if (response.status === 401 && path !== "/api/v1/session") onSignedOut();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body = {}) => call("POST", path, body);
export const put = (path, body) => call("PUT", path, body);
export const patch = (path, body) => call("PATCH", path, body);
/** Sends `xml` (text) as application/xml. */
export const putXml = (path, xml) => call("PUT", path, xml, "application/xml");
export const del = (path) => call("DELETE", path);
