// Users (admin): the console's accounts with their role, language and lockout; a new account
// made from a form, a role or language changed, a new password set, a lockout cleared.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, date, locale } from "../i18n.js";

const ROLES = ["viewer", "supervisor", "manager", "admin"];
const LOCALES = ["ru", "en"];
const FIELDS = ["name", "role", "password", "locale"];

const at = (iso) => `${date(iso)} ${time(iso)}`;
const locked = (u) => u.locked_until && new Date(u.locked_until) > new Date();
const slot = (field) => h("span", { class: "field-error", data: { field } });
const options = (list, label, chosen) => list.map((v) => h("option", { value: v, selected: v === chosen }, t(`${label}.${v}`)));

/** An error in the reader's words next to the field the API names ([field, node]); the
 * API's own words, in English, on the English page. A taken name is a conflict (409). */
function fieldError(err) {
  const field = err.status === 409 ? "name" : err.field;
  if (err.status !== 400 && err.status !== 409) return null;
  if (!FIELDS.includes(field)) return null;
  const hint = err.status === 409 ? t("users.taken") : t(`users.hint.${field}`);
  return [field, h("span", { class: "error", role: "alert" }, hint,
    locale() === "en" ? h("span", { lang: "en" }, ` (${err.message})`) : null)];
}

/** Shows `err` in `slots` (by field) or, when it names none of them, in `status`. */
function showError(err, slots, status) {
  const placed = fieldError(err);
  if (placed && slots[placed[0]]) fill(slots[placed[0]], placed[1]);
  else fill(status, h("span", { class: "error", role: "alert" }, err.status === 403 ? t("error.forbidden") : err.message));
}

function createForm(onCreated) {
  const name = h("input", { id: "user-name", name: "name", autocomplete: "off", required: true, maxlength: 100 });
  const role = h("select", { id: "user-role", name: "role" }, options(ROLES, "role", "viewer"));
  const password = h("input", { id: "user-password", name: "password", type: "password", autocomplete: "new-password", required: true });
  const lang = h("select", { id: "user-locale", name: "locale" }, options(LOCALES, "lang", "ru"));
  const slots = Object.fromEntries(FIELDS.map((f) => [f, slot(f)]));
  const status = h("p", { class: "form-error", role: "status" });
  const button = h("button", { type: "submit", class: "primary", id: "user-create" }, t("users.add"));
  const field = (id, label, control, f) => h("div", { class: "field" }, h("label", { for: id }, label), control, slots[f]);
  const form = h("form", { class: "users-form", novalidate: true },
    field("user-name", t("users.name"), name, "name"),
    field("user-role", t("users.role"), role, "role"),
    field("user-password", t("users.password"), password, "password"),
    field("user-locale", t("users.locale"), lang, "locale"),
    button, status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const s of Object.values(slots)) fill(s);
    fill(status);
    button.disabled = true;
    try {
      // The server judges the password (at least 12 characters, not the name).
      const u = await api.post("/api/v1/users", { name: name.value, role: role.value, password: password.value, locale: lang.value });
      form.reset();
      fill(status, h("span", { class: "ok" }, t("users.created", { name: u.name })));
      onCreated();
    } catch (err) {
      showError(err, slots, status);
    } finally {
      password.value = "";
      button.disabled = false;
    }
  });
  return form;
}

function row(u, me, reload) {
  const slots = { role: slot("role"), locale: slot("locale"), password: slot("password") };
  const status = h("span", { class: "row-status", role: "status" });
  const change = async (body) => {
    for (const s of Object.values(slots)) fill(s);
    fill(status);
    try {
      await api.patch(`/api/v1/users/${u.id}`, body);
      reload(u.name);
    } catch (err) {
      showError(err, slots, status);
    }
  };
  const label = (what) => `${t(what)}: ${u.name}`;
  // One's own role is not changed here: a new role ends the session, and the last
  // administrator would lock everyone out.
  const role = u.id === me ? t(`role.${u.role}`)
    : h("select", { "aria-label": label("users.role"), on: { change: (e) => change({ role: e.target.value }) } }, options(ROLES, "role", u.role));
  const lang = h("select", { "aria-label": label("users.locale"), on: { change: (e) => change({ locale: e.target.value }) } }, options(LOCALES, "lang", u.locale));
  const password = h("input", { type: "password", autocomplete: "new-password", "aria-label": label("users.new_password"), class: "new-password" });
  const setPassword = h("form", { class: "inline", on: { submit: (e) => { e.preventDefault(); change({ password: password.value }); } } },
    password, h("button", { type: "submit" }, t("users.set_password")));
  return h("tr", { data: { user: u.name } },
    h("td", {}, u.name, u.id === me ? h("small", { class: "muted" }, ` · ${t("users.you")}`) : null),
    h("td", {}, role, slots.role),
    h("td", {}, lang, slots.locale),
    h("td", { class: "num" }, num(u.failed_attempts, 0)),
    h("td", {}, locked(u) ? [at(u.locked_until), " ",
      h("button", { type: "button", class: "small", data: { act: "unlock" }, on: { click: () => change({ unlock: true }) } }, t("users.unlock"))] : "—"),
    h("td", {}, date(u.created_at)),
    h("td", {}, setPassword, slots.password),
    h("td", { class: "wrap" }, status));
}

export function render(main, ctx) {
  if (!ctx.can("admin")) {
    fill(main, h("section", {}, h("h1", {}, t("nav.users")), h("p", { class: "empty" }, t("users.need_admin"))));
    return null;
  }
  const list = h("div");
  const saved = h("p", { class: "form-error", role: "status" });
  const load = async (changed) => {
    try {
      const [users, session] = await Promise.all([api.get("/api/v1/users"), api.get("/api/v1/session")]);
      fill(list, users.length ? h("div", { class: "table-wrap" }, h("table", { class: "users" },
        h("thead", {}, h("tr", {}, [t("users.name"), t("users.role"), t("users.locale"), t("users.failed"), t("users.locked_until"),
          t("users.created_at"), t("users.new_password"), ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, users.map((u) => row(u, session.user.id, load)))))
        : h("p", { class: "empty" }, t("users.none")));
      fill(saved, changed ? h("span", { class: "ok" }, t("users.saved", { name: changed })) : null);
    } catch (e) {
      fill(list, h("p", { class: "error" }, e.status === 403 ? t("error.forbidden") : e.message));
    }
  };
  fill(main, h("section", { class: "users-page" }, h("h1", {}, t("nav.users")),
    h("section", { class: "panel" }, h("h2", {}, t("users.create")), createForm(() => load())),
    h("section", { class: "panel" }, h("h2", {}, t("users.list")), saved, list)));
  fill(list, h("p", { class: "empty" }, t("live.connecting")));
  load();
  return null;
}
