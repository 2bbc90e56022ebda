// Integration settings: each system's entry of the endpoint map (admins edit its address,
// credentials, timeout and endpoints, the rest as JSON, and put it back) and the production
// calendars by year, a year per month (admins load or replace a year as XML, or delete it).

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, date, month, locale } from "../i18n.js";

// The entry's fields the form edits; the rest of it is edited as JSON.
const MAIN = ["name", "base_url", "username", "password", "timeout_ms"];
const REST = ["retry", "circuit", "daily_sync", "health", "field_mappings", "workflow"];
const EDITED = ["method", "path", "frequency", "enabled"];
const ENDPOINT_HINTS = ["name", "method", "path"];

const at = (iso) => (iso ? `${date(iso)} ${time(iso)}` : "—");
const slot = (field) => h("span", { class: "field-error", data: { field } });
const errorsOf = (err) => (err.body?.errors?.length ? err.body.errors : [{ field: err.field || "body", description: err.message }]);
const failure = (e, tag = "p") => h(tag, { class: "error", role: "alert" }, e.status === 403 ? t("error.forbidden") : e.message);

/** A hint in the reader's words; on the English page the API's own words too. */
const say = (key, vars, description) => h("span", { class: "error", role: "alert" }, t(key, vars),
  locale() === "en" && description ? h("span", { lang: "en" }, ` (${description})`) : null);

function endpointRows(sys) {
  const last = new Map((sys.endpoint_states || []).map((s) => [s.name, s.last_success]));
  return sys.endpoints.map((ep) => h("tr", { data: { endpoint: ep.name } },
    h("td", {}, ep.name), h("td", {}, ep.method), h("td", {}, ep.path), h("td", {}, t(`dir.${ep.direction}`)),
    h("td", { class: "wrap" }, ep.frequency), h("td", {}, t(ep.enabled ? "common.yes" : "common.no")), h("td", {}, at(last.get(ep.name)))));
}

function endpointTable(rows, edit) {
  const heads = ["map.endpoint", "map.method", "map.path", "map.direction", "map.frequency", "map.enabled", edit ? null : "map.last_success"];
  return h("div", { class: "table-wrap" }, h("table", { class: "endpoints" },
    h("thead", {}, h("tr", {}, heads.filter(Boolean).map((k) => h("th", {}, t(k))))), h("tbody", {}, rows)));
}

/** The form of one system's entry; `done(saved)` when it is put back or given up. */
function editForm(sys, done) {
  const input = (f, attrs) => h("input", { id: `map-${sys.system}-${f}`, name: f, ...attrs });
  const inputs = {
    name: input("name", { value: sys.name, required: true }),
    base_url: input("base_url", { value: sys.base_url, inputmode: "url" }),
    username: input("username", { value: sys.username || "", autocomplete: "off" }),
    password: input("password", { type: "password", autocomplete: "new-password", placeholder: t("map.password_keep") }),
    timeout_ms: input("timeout_ms", { type: "number", value: sys.timeout_ms, min: 100, step: 1 }),
  };
  const slots = Object.fromEntries([...MAIN, "endpoints", "rest"].map((f) => [f, slot(f)]));
  const rows = sys.endpoints.map((ep) => ({
    ep,
    slots: Object.fromEntries(["name", "direction", ...EDITED].map((f) => [f, slot(f)])),
    method: h("select", { "aria-label": `${t("map.method")}: ${ep.name}` }, ["GET", "POST"].map((m) => h("option", { selected: m === ep.method }, m))),
    path: h("input", { value: ep.path, "aria-label": `${t("map.path")}: ${ep.name}` }),
    frequency: h("input", { value: ep.frequency, "aria-label": `${t("map.frequency")}: ${ep.name}` }),
    enabled: h("input", { type: "checkbox", checked: ep.enabled, "aria-label": `${t("map.enabled")}: ${ep.name}` }),
  }));
  const rest = h("textarea", { id: `map-${sys.system}-rest`, rows: 10, spellcheck: "false" },
    JSON.stringify(Object.fromEntries(REST.filter((k) => k in sys).map((k) => [k, sys[k]])), null, 2));
  const status = h("p", { class: "form-error", role: "status" });
  const save = h("button", { type: "submit", class: "primary" }, t("map.save"));
  const field = (f, control) => h("div", { class: "field" }, h("label", { for: control.id }, t(`map.${f}`)), control, slots[f]);
  const cell = (r, f, content) => h("td", {}, content, r.slots[f]);

  // Each error goes next to the field the API names, in the reader's words where the page knows them.
  const place = (e) => {
    // The form edits one system: the map's first and only one in the body.
    const f = (e.field || "body").replace(/^systems\[0\]\./, "");
    const ep = f.match(/^endpoints\[(\d+)\]\.(\w+)$/);
    if (MAIN.includes(f)) fill(slots[f], say(`map.hint.${f}`, {}, e.description));
    else if (f === "endpoints") fill(slots.endpoints, say("map.hint.endpoints", {}, e.description));
    else if (ep && rows[ep[1]]?.slots[ep[2]]) {
      fill(rows[ep[1]].slots[ep[2]], say(ENDPOINT_HINTS.includes(ep[2]) ? `map.hint.endpoint_${ep[2]}` : "map.hint.other", { field: f }, e.description));
    } else fill(slots.rest, say("map.hint.other", { field: f }, e.description));
  };
  const submit = async (ev) => {
    ev.preventDefault();
    for (const s of [...Object.values(slots), ...rows.flatMap((r) => Object.values(r.slots))]) fill(s);
    fill(status);
    let more;
    try {
      more = JSON.parse(rest.value);
    } catch {
      more = null;
    }
    if (!more || typeof more !== "object" || Array.isArray(more)) return fill(slots.rest, say("map.hint.json"));
    const body = {
      ...more,
      system: sys.system,
      name: inputs.name.value,
      base_url: inputs.base_url.value.trim(),
      username: inputs.username.value.trim() || null,
      // Left empty, the password stays as stored (the API keeps it when given its mask).
      password: inputs.password.value || sys.password || null,
      timeout_ms: Number(inputs.timeout_ms.value),
      endpoints: rows.map((r) => ({ ...r.ep, method: r.method.value, path: r.path.value.trim(), frequency: r.frequency.value, enabled: r.enabled.checked })),
    };
    save.disabled = true;
    try {
      await api.put("/api/v1/integration/mapping/endpoints", { systems: [body] });
      done(true);
    } catch (err) {
      if (err.status === 400) errorsOf(err).forEach(place);
      else fill(status, failure(err, "span"));
    } finally {
      save.disabled = false;
    }
  };
  return h("form", { class: "map-form", novalidate: true, data: { system: sys.system }, on: { submit } },
    h("div", { class: "map-fields" }, MAIN.map((f) => field(f, inputs[f]))),
    endpointTable(rows.map((r) => h("tr", { data: { endpoint: r.ep.name } },
      cell(r, "name", r.ep.name), cell(r, "method", r.method), cell(r, "path", r.path),
      cell(r, "direction", t(`dir.${r.ep.direction}`)), cell(r, "frequency", r.frequency), cell(r, "enabled", r.enabled))), true),
    slots.endpoints,
    h("label", { for: rest.id }, t("map.rest")), rest, slots.rest,
    h("div", { class: "buttons" }, save, h("button", { type: "button", on: { click: () => done(false) } }, t("map.cancel"))),
    status);
}

function system(sys, ctx, reload) {
  const box = h("article", { class: "system", data: { system: sys.system } });
  const head = h("h3", {}, t(`sys.${sys.system}`), h("small", { class: "muted" }, ` · ${sys.name}`));
  const show = () => fill(box, head,
    h("p", { class: "muted" }, [sys.base_url, sys.username ? `${t("map.username")}: ${sys.username}` : null,
      `${t("map.timeout_ms")}: ${num(sys.timeout_ms, 0)}`,
      sys.circuit_state ? `${t("map.circuit")}: ${t(`circuit.${sys.circuit_state}`)}` : null,
      t("map.updated", { when: at(sys.updated_at) })].filter(Boolean).join(" · ")),
    endpointTable(endpointRows(sys), false),
    ctx.can("admin") ? h("button", { type: "button", data: { act: "edit" }, on: { click: () => fill(box, head, editForm(sys, (saved) => (saved ? reload(sys.system) : show()))) } }, t("map.edit")) : null);
  show();
  return box;
}

/** The endpoint map: every system's entry (managers read it, admins change it). */
export function endpointMap(ctx) {
  if (!ctx.can("manager")) return null;
  const box = h("section", { class: "panel endpoint-map" });
  const load = (saved) => api.get("/api/v1/integration/mapping/endpoints")
    .then((map) => fill(box, h("h2", {}, t("map.title")),
      saved ? h("p", { role: "status" }, h("span", { class: "ok" }, t("map.saved", { system: t(`sys.${saved}`) }))) : null,
      map.systems.map((s) => system(s, ctx, load))))
    .catch((e) => fill(box, h("h2", {}, t("map.title")), failure(e)));
  load();
  return box;
}

/** Per month of a year's xmlcalendar text: working days (shortened ones among them), days off
 * and the public holidays among those. A day not listed is a working day Monday to Friday;
 * a listed one has t = 1 day off, 2 shortened, 3 working, and h when it is a holiday. */
function months(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const year = Number(doc.querySelector("calendar")?.getAttribute("year"));
  const listed = new Map([...doc.querySelectorAll("day")].map((d) => {
    const [mm, dd] = (d.getAttribute("d") || "").split(".").map(Number);
    return [mm * 100 + dd, d];
  }));
  const out = Array.from({ length: 12 }, () => ({ working: 0, shortened: 0, off: 0, holidays: 0 }));
  for (const day = new Date(Date.UTC(year, 0, 1)); day.getUTCFullYear() === year; day.setUTCDate(day.getUTCDate() + 1)) {
    const m = out[day.getUTCMonth()];
    const d = listed.get((day.getUTCMonth() + 1) * 100 + day.getUTCDate());
    const kind = d ? d.getAttribute("t") : day.getUTCDay() % 6 === 0 ? "1" : "3";
    if (kind === "1") {
      m.off += 1;
      if (d?.hasAttribute("h")) m.holidays += 1;
    } else {
      m.working += 1;
      if (kind === "2") m.shortened += 1;
    }
  }
  return out;
}

function monthTable(year, xml) {
  const list = months(xml);
  const total = list.reduce((s, m) => ({ working: s.working + m.working, shortened: s.shortened + m.shortened, off: s.off + m.off, holidays: s.holidays + m.holidays }));
  const line = (label, m, attrs = {}) => h("tr", attrs, h("td", {}, label),
    [m.working, m.shortened, m.off, m.holidays, 8 * m.working - m.shortened].map((v) => h("td", { class: "num" }, num(v, 0))));
  return [h("h3", {}, t("cal.of_year", { year })),
    h("div", { class: "table-wrap" }, h("table", { class: "calendar", data: { year } },
      h("thead", {}, h("tr", {}, ["cal.month", "cal.working", "cal.shortened", "cal.days_off", "cal.holidays", "cal.norm40"].map((k) => h("th", {}, t(k))))),
      h("tbody", {}, list.map((m, i) => line(month(i), m, { data: { month: i + 1 } })), line(t("cal.total"), total, { class: "total" }))))];
}

/** The production calendars: the years stored, one shown per month; admins load, replace or delete a year. */
export function calendars(ctx) {
  const list = h("div");
  const detail = h("div");
  const status = h("p", { class: "form-error", role: "status" });
  const admin = ctx.can("admin");
  const year = h("input", { id: "cal-year", type: "number", min: 1900, max: 2100, step: 1, value: new Date().getFullYear() });
  const xml = h("textarea", { id: "cal-xml", rows: 8, spellcheck: "false", placeholder: '<calendar year="…"><days><day d="01.01" t="1" h="1"/>…' });
  // The browser's own file button speaks the browser's language: a label of ours stands for it.
  const chosen = h("span", { class: "muted" });
  const file = h("input", { id: "cal-file", type: "file", class: "file-input", accept: ".xml,application/xml,text/xml",
    on: { change: async () => {
      const f = file.files[0];
      if (f) xml.value = await f.text();
      fill(chosen, f ? f.name : "");
      // The year is the file's (the API wants the path's and the file's to agree).
      const y = xml.value.match(/<calendar\b[^>]*\byear="(\d+)"/);
      if (y) year.value = y[1];
    } } });
  const slots = { year: slot("year"), body: slot("body") };
  const show = (y) => {
    fill(detail, h("p", { class: "empty" }, t("live.connecting")));
    return api.get(`/api/v1/integration/calendars/${y}`)
      .then((text) => fill(detail, monthTable(y, text), admin ? h("button", { type: "button", on: { click: () => { year.value = y; xml.value = text; xml.focus(); } } }, t("cal.edit")) : null))
      .catch((e) => fill(detail, failure(e)));
  };
  const remove = async (y) => {
    if (!window.confirm(t("cal.confirm_delete", { year: y }))) return;
    fill(status);
    try {
      await api.del(`/api/v1/integration/calendars/${y}`);
      fill(status, h("span", { class: "ok" }, t("cal.deleted", { year: y })));
      fill(detail);
      load();
    } catch (e) {
      fill(status, failure(e, "span"));
    }
  };
  const load = () => api.get("/api/v1/integration/calendars")
    .then((years) => fill(list, years.length ? h("div", { class: "table-wrap" }, h("table", { class: "calendars" },
      h("thead", {}, h("tr", {}, ["cal.year", "cal.working", "cal.shortened", "cal.norm40", "cal.updated"].map((k) => h("th", {}, t(k))), h("th"))),
      h("tbody", {}, [...years].sort((a, b) => a.year - b.year).map((c) => h("tr", { data: { year: c.year } },
        h("td", {}, h("button", { type: "button", class: "link", on: { click: () => show(c.year) } }, c.year)),
        h("td", { class: "num" }, num(c.working_days, 0)), h("td", { class: "num" }, num(c.shortened_days, 0)),
        h("td", { class: "num" }, num(c.norm_hours_40, 0)), h("td", {}, at(c.updated_at)),
        h("td", {}, admin ? h("button", { type: "button", class: "small", data: { act: "delete" }, on: { click: () => remove(c.year) } }, t("cal.delete")) : null))))))
      : h("p", { class: "empty" }, t("cal.none"))))
    .catch((e) => fill(list, failure(e)));
  const upload = async (e) => {
    e.preventDefault();
    for (const s of Object.values(slots)) fill(s);
    fill(status);
    try {
      const c = await api.putXml(`/api/v1/integration/calendars/${Number(year.value)}`, xml.value);
      fill(status, h("span", { class: "ok" }, t("cal.saved", { year: c.year, working: c.working_days })));
      load();
      show(c.year);
    } catch (err) {
      // A year that is not a number is the path's "id" to the API.
      const f = err.status === 400 ? { id: "year", year: "year", body: "body" }[err.field] : null;
      if (f) fill(slots[f], say(`cal.hint.${f}`, {}, err.message));
      else fill(status, failure(err, "span"));
    }
  };
  const form = admin ? h("form", { class: "calendar-form", novalidate: true, on: { submit: upload } }, h("h3", {}, t("cal.upload")),
    h("div", { class: "field" }, h("label", { for: "cal-year" }, t("cal.year")), year, slots.year),
    h("div", { class: "field file" }, file, h("label", { for: "cal-file", class: "file-button" }, t("cal.file")), chosen),
    h("div", { class: "field" }, h("label", { for: "cal-xml" }, t("cal.xml")), xml, slots.body),
    h("button", { type: "submit", class: "primary", id: "cal-save" }, t("cal.save"))) : null;
  load();
  return h("section", { class: "panel calendars-panel" }, h("h2", {}, t("cal.title")), list, status, detail, form);
}
