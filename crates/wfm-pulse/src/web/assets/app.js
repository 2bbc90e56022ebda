// The console's shell: who is signed in, the header with its navigation, the live badge and
// the language switch, and the view the address (#/...) names.

import * as api from "./api.js";
import { h, fill } from "./dom.js";
import { t, setLocale, otherLocale, setZone, time } from "./i18n.js";
import * as live from "./live.js";
import * as signin from "./views/signin.js";
import * as wallboard from "./views/wallboard.js";
import * as group from "./views/group.js";
import * as alerts from "./views/alerts.js";
import * as executive from "./views/executive.js";
import * as integration from "./views/integration.js";
import * as staffing from "./views/staffing.js";
import * as historyView from "./views/history.js";
import * as users from "./views/users.js";

const RANK = { viewer: 1, supervisor: 2, manager: 3, admin: 4 };

const session = { user: null };

/** Whether the signed-in person's role reaches `role`. */
export const can = (role) => session.user && RANK[session.user.role] >= RANK[role];
export const user = () => session.user;

const views = [
  { path: /^#?\/?(wallboard)?$/, view: wallboard, nav: "wallboard" },
  { path: /^#\/group\/(\d+)\/(\w+)$/, view: group, nav: "wallboard" },
  { path: /^#\/alerts$/, view: alerts, nav: "alerts" },
  { path: /^#\/executive$/, view: executive, nav: "executive" },
  { path: /^#\/integration$/, view: integration, nav: "integration" },
  { path: /^#\/staffing$/, view: staffing, nav: "staffing" },
  { path: /^#\/history$/, view: historyView, nav: "history" },
  { path: /^#\/users$/, view: users, nav: "users" },
];

let cleanup = null;

async function boot() {
  try {
    const s = await api.get("/api/v1/session");
    await start(s);
  } catch (e) {
    if (e.status === 401) showSignIn();
    else fill(document.getElementById("view"), h("p", { class: "error" }, String(e.message)));
  }
}

function showSignIn() {
  live.disconnect();
  session.user = null;
  document.getElementById("top").hidden = true;
  if (cleanup) cleanup();
  cleanup = signin.render(document.getElementById("view"), { onSignedIn: start });
}

async function start(s) {
  session.user = s.user;
  setLocale(s.user.locale);
  api.useSession(s.csrf_token, showSignIn);
  try {
    const sites = await api.get("/api/v1/sites");
    if (sites.length) setZone(sites[0].time_zone);
  } catch {
    // The time zone stays the default; every view still works.
  }
  if (!started) {
    live.onAlert(alerts.notify);
    started = true;
  }
  live.connect();
  route();
}

let started = false;

function header(active) {
  const link = (name) =>
    h("a", { href: `#/${name}`, class: name === active ? "active" : null, "aria-current": name === active ? "page" : null }, t(`nav.${name}`));
  const badge = h("span", { id: "live-badge", class: "badge", role: "status" });
  const paint = () => {
    const l = live.liveness();
    badge.className = `badge badge-${l.kind}`;
    fill(badge, h("span", { class: "dot", "aria-hidden": "true" }),
      l.kind === "stale" ? t("live.stale", { time: time(l.since) }) : t(`live.${l.kind}`));
  };
  live.onFigures(paint);
  paint();
  const u = session.user;
  return [
    h("a", { href: "#/", class: "brand" }, h("img", { src: "/assets/icon.svg", alt: "" }), t("app.title")),
    h("nav", { "aria-label": t("nav.menu") },
      ["wallboard", "alerts", "executive", "staffing", "integration", "history", can("admin") ? "users" : null].filter(Boolean).map(link)),
    h("div", { class: "who" },
      badge,
      h("button", { type: "button", class: "link", id: "lang", on: { click: switchLanguage } }, t("lang.switch")),
      h("span", { class: "user" }, u.display_name || u.name, h("small", {}, t(`role.${u.role}`))),
      h("button", { type: "button", class: "link", id: "signout", on: { click: signOut } }, t("nav.signout"))),
  ];
}

async function switchLanguage() {
  const next = otherLocale();
  setLocale(next);
  session.user.locale = next;
  route();
  try {
    await api.put("/api/v1/me/settings", { ...(await settings()), locale: next });
  } catch {
    // Shown in the new language anyway; remembered at the next successful save.
  }
}

/** The signed-in person's settings (an empty object when none are saved). */
export async function settings() {
  try {
    return (await api.get("/api/v1/me/settings")) || {};
  } catch {
    return {};
  }
}

async function signOut() {
  try {
    await api.del("/api/v1/session");
  } finally {
    showSignIn();
  }
}

function route() {
  if (!session.user) return;
  const hash = location.hash || "#/";
  const match = views.map((v) => ({ v, m: hash.match(v.path) })).find((x) => x.m);
  const top = document.getElementById("top");
  top.hidden = false;
  if (cleanup) cleanup();
  cleanup = null;
  const main = document.getElementById("view");
  if (!match) {
    location.hash = "#/";
    return;
  }
  fill(top, header(match.v.nav));
  cleanup = match.v.view.render(main, { params: match.m.slice(1), can, settings }) || null;
}

window.addEventListener("hashchange", route);
boot();
