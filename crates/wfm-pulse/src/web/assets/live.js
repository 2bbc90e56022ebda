// The live picture: one EventSource on the metrics stream, merged into the figures of every
// group, service and site, and the badge that says whether they are live or since when stale.

const state = {
  at: null,
  groups: new Map(),
  services: [],
  sites: [],
  all: null,
  freshness: null,
  open: false,
  lostAt: null,
};
const listeners = new Set();
const alertListeners = new Set();
const callListeners = new Set();
let source = null;

/** Calls `f(state)` at every change of the figures; returns the unsubscribe function. */
export function onFigures(f) {
  listeners.add(f);
  if (state.at) f(state);
  return () => listeners.delete(f);
}
/** Calls `f(alert)` for every alert that fires, escalates, is acknowledged or resolves. */
export function onAlert(f) {
  alertListeners.add(f);
  return () => alertListeners.delete(f);
}
/** Calls `f(call)` for every call of an operator to the workplace. */
export function onWorkplaceCall(f) {
  callListeners.add(f);
  return () => callListeners.delete(f);
}

export const figures = () => state;

function tell() {
  for (const f of listeners) f(state);
}

/** Opens the stream (once); the browser reconnects by itself after a break. */
export function connect() {
  if (source) return;
  source = new EventSource("/api/v1/performance/metrics/stream", { withCredentials: true });
  source.onopen = () => {
    state.open = true;
    state.lostAt = null;
    tell();
  };
  source.onerror = () => {
    if (state.open) state.lostAt = new Date().toISOString();
    state.open = false;
    tell();
  };
  source.addEventListener("groups", (e) => {
    const data = JSON.parse(e.data);
    state.at = data.at;
    for (const g of data.groups) state.groups.set(g.group_id, g);
    state.services = data.services || state.services;
    state.sites = data.sites || state.sites;
    state.all = data.all ?? state.all;
    state.freshness = data.freshness || state.freshness;
    state.open = true;
    tell();
  });
  source.addEventListener("alert", (e) => {
    const alert = JSON.parse(e.data);
    for (const f of alertListeners) f(alert);
  });
  source.addEventListener("call_to_workplace", (e) => {
    const call = JSON.parse(e.data);
    for (const f of callListeners) f(call);
  });
}

export function disconnect() {
  if (source) source.close();
  source = null;
  state.open = false;
  state.groups.clear();
  state.at = null;
}

/** What the badge says: `{kind: "live" | "stale" | "connecting", since}`. Stale when the
 * stream broke (since then) or the contact center's newest event is older than its cycle
 * (since that event). */
export function liveness() {
  if (!state.open && state.lostAt) return { kind: "stale", since: state.lostAt };
  if (!state.at) return { kind: "connecting" };
  const f = state.freshness;
  if (f && !f.as_of) return { kind: "nodata" };
  if (f && f.stale) return { kind: "stale", since: f.as_of };
  return { kind: "live" };
}
