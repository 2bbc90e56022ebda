// Alerts: the open ones, most severe first, each with the threshold it breached, its impact,
// what to do and its escalation; acknowledge and resolve for supervisors; new ones arrive on
// the stream at once (and as a browser notification when the person allowed it).

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, duration } from "../i18n.js";
import * as live from "../live.js";
import { ruleText } from "../rules.js";

const SEVERITY = { emergency: 0, critical: 1, warning: 2, info: 3 };
const SHAPE = { emergency: "◆", critical: "■", warning: "▲", info: "●" };

function amount(value, unit) {
  if (value === null || value === undefined) return "—";
  if (unit === "percent") return `${num(value, 1)} %`;
  if (unit === "seconds") return duration(value);
  return num(value, 1);
}

function impactList(impact) {
  if (!impact) return null;
  const rows = Object.entries(impact).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) =>
    h("div", {}, h("dt", {}, t(`impact.${k}`)),
      h("dd", {}, k.endsWith("_seconds") ? duration(v) : k.endsWith("_percent") ? `${num(v, 1)} %` : num(v, 1))));
  return h("dl", { class: "impact" }, rows);
}

function timeline(events) {
  return h("ol", { class: "timeline" }, events.map((e) =>
    h("li", {}, h("time", {}, time(e.at)), " ", t(`event.${e.event}`), e.level ? ` · ${e.level}` : "",
      e.actor && e.actor !== "system" ? h("span", { class: "actor" }, ` · ${e.actor}`) : null)));
}

/** Where an alert fired, in the reader's language for an integration component. */
export function scopeName(a) {
  const component = a.scope?.startsWith("component:") ? a.scope.slice("component:".length) : null;
  return component ? t(`comp.${component}`) : a.details?.scope_name || "";
}

/** `team:supervisors` as "Supervisors" (in the reader's language); a person as named. */
function recipient(r) {
  const [kind, name] = r.split(":");
  return kind === "team" ? t(`team.${name}`) : name || r;
}

function card(a, ctx, reload) {
  const d = a.details || {};
  const next = (d.escalation_timeline || []).find((s) => s.level > a.level);
  const detail = h("div", { class: "alert-timeline" });
  const act = (verb) => async (e) => {
    e.target.disabled = true;
    try {
      await api.post(`/api/v1/alerts/${a.id}/${verb}`);
    } catch (err) {
      fill(detail, h("p", { class: "error" }, err.message));
    }
    reload();
  };
  const buttons = ctx.can("supervisor") ? [
    a.state === "firing" ? h("button", { type: "button", class: "primary", data: { act: "acknowledge" }, on: { click: act("acknowledge") } }, t("alerts.ack")) : null,
    h("button", { type: "button", data: { act: "resolve" }, on: { click: act("resolve") } }, t("alerts.resolve")),
  ] : [];
  const show = async (e) => {
    if (!e.target.open) return;
    try {
      const full = await api.get(`/api/v1/alerts/${a.id}`);
      fill(detail, timeline(full.timeline || []));
    } catch (err) {
      fill(detail, h("p", { class: "error" }, err.message));
    }
  };
  return h("article", { class: `alert sev-${a.severity} state-${a.state}`, data: { alert: a.id, state: a.state } },
    h("header", {},
      h("span", { class: "sev" }, h("span", { class: "shape", "aria-hidden": "true" }, SHAPE[a.severity] || "●"), t(`sev.${a.severity}`)),
      h("h3", {}, ruleText(d.rule || a.kind), scopeName(a) ? ` · ${scopeName(a)}` : ""),
      h("span", { class: "state" }, t(`alerts.state.${a.state}`), " · ", t("alerts.since", { time: time(a.fired_at) }), " · ", t("alerts.level", { level: a.level }))),
    h("p", { class: "breach" }, t("alerts.current", {
      current: amount(d.current ?? a.value, d.unit), target: amount(d.target ?? a.threshold, d.unit),
      side: t(`alerts.side.${d.comparison === "above" ? "above" : "below"}`),
    })),
    impactList(d.impact),
    (d.suggested_actions || []).length ? h("div", { class: "actions" }, h("h4", {}, t("alerts.actions")),
      h("ul", {}, d.suggested_actions.map((s) => h("li", {}, ruleText(s))))) : null,
    next && a.state === "firing" ? h("p", { class: "next" }, t("alerts.next", { level: next.level, time: time(next.at), recipients: (next.recipients || []).map(recipient).join(", ") })) : null,
    h("div", { class: "buttons" }, buttons),
    h("details", { on: { toggle: show } }, h("summary", {}, t("alerts.open")), detail));
}

/** A browser notification of an alert that fires, when the person allowed them. */
export function notify(alert) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (alert.state !== "firing") return;
  const d = alert.details || {};
  new Notification(`${t(`sev.${alert.severity}`)}: ${ruleText(d.rule || alert.kind)}`, { body: scopeName(alert), tag: `alert-${alert.id}` });
}

export function render(main, ctx) {
  const list = h("div", { class: "alerts" });
  const permission = "Notification" in window && Notification.permission === "default"
    ? h("button", { type: "button", class: "link", on: { click: () => Notification.requestPermission() } }, t("alerts.notify"))
    : null;
  fill(main, h("section", { class: "alerts-page" }, h("div", { class: "wall-head" }, h("h1", {}, t("alerts.title")), permission), list));
  let loading = null;
  const reload = () => {
    loading ??= api.get("/api/v1/alerts?open=true&limit=200").then((page) => {
      const items = (page.items || []).sort((a, b) =>
        (SEVERITY[a.severity] ?? 9) - (SEVERITY[b.severity] ?? 9) || a.fired_at.localeCompare(b.fired_at));
      fill(list, items.length ? items.map((a) => card(a, ctx, reload)) : h("p", { class: "empty" }, t("alerts.none")));
    }).catch((e) => fill(list, h("p", { class: "error" }, e.message))).finally(() => { loading = null; });
  };
  reload();
  return live.onAlert(reload);
}
