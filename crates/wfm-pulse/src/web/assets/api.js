// The API as the pages call it: same-origin requests carrying the session cookie, the CSRF
// token on writes, and errors in the API's own shape ({message, description, field}).

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

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== "/api/v1/session") onSignedOut();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body = {}) => call("POST", path, body);
export const put = (path, body) => call("PUT", path, body);
export const del = (path) => call("DELETE", path);
