// Integration: every component's health with the causes of its problems, the sync jobs with
// their progress (asked again every two seconds while one is queued or running), a sync
// started by a manager, the activity log by correlation id, the rejected input samples, and
// (integration_admin.js) the endpoint map and the production calendars.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, duration } from "../i18n.js";
import { endpointMap, calendars } from "./integration_admin.js";

const KINDS = ["personnel_sync", "norm_hours", "schedule_upload", "timetype_fetch", "fact_worktime_upload"];
const SHAPE = { healthy: "●", degraded: "▲", down: "■" };
const COLOR = { healthy: "green", degraded: "yellow", down: "red" };

function health(report) {
  return h("div", { class: "components" }, report.components.map((c) =>
    h("article", { class: `component c-${COLOR[c.status] || "grey"}`, data: { component: c.component, status: c.status } },
      h("header", {}, h("h3", {}, t(`comp.${c.component}`)),
        h("span", { class: "status" }, h("span", { class: "shape", "aria-hidden": "true" }, SHAPE[c.status] || "○"), t(`health.${c.status}`))),
      h("p", { class: "muted" }, t("int.fresh", { age: duration(c.freshness_seconds), cycle: duration(c.expected_cycle_seconds) }),
        c.rate ? ` · ${t("int.rate", { actual: num(c.rate.actual, 0), expected: num(c.rate.expected, 0), per: t(`per.${c.rate.per}`) })}` : "",
        c.success_percent_hour !== null && c.success_percent_hour !== undefined ? ` · ${t("int.success", { pct: num(c.success_percent_hour, 1) })}` : ""),
      c.problems.length ? h("ul", { class: "problems" }, c.problems.map((p) => h("li", {}, h("b", {}, p.cause), ": ", p.message))) : null)));
}

function progress(job) {
  const total = job.progress_total || 0;
  const done = job.progress_done || 0;
  const bar = h("progress", { max: Math.max(total, 1), value: total ? done : 0, "aria-label": `${done}/${total}` });
  return h("span", { class: "progress" }, bar, total ? ` ${num(done, 0)} / ${num(total, 0)}` : "");
}

function jobsTable(jobs, showLog) {
  if (!jobs.length) return h("p", { class: "empty" }, t("int.no_jobs"));
  return h("div", { class: "table-wrap" }, h("table", { class: "jobs" },
    h("thead", {}, h("tr", {}, [t("int.job"), t("int.kind"), t("int.state"), t("int.progress"), t("int.attempts"), t("int.created"), t("int.error")].map((c) => h("th", {}, c)))),
    h("tbody", {}, jobs.map((j) => h("tr", { data: { job: j.id, state: j.state } },
      h("td", {}, h("button", { type: "button", class: "link", on: { click: () => showLog(j.correlation_id) } }, `#${j.id}`)),
      h("td", {}, t(`kind.${j.kind}`)),
      h("td", {}, t(`job.${j.state}`)),
      h("td", {}, progress(j)),
      h("td", { class: "num" }, `${j.attempts} / ${j.max_attempts}`),
      h("td", {}, time(j.created_at)),
      h("td", { class: "wrap" }, j.last_error || ""))))));
}

function activity(items) {
  if (!items.length) return h("p", { class: "empty" }, t("int.no_activity"));
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, [t("int.at"), t("int.system"), t("int.operation"), t("int.outcome"), "HTTP", t("int.latency"), t("int.records"), t("int.error")].map((c) => h("th", {}, c)))),
    h("tbody", {}, items.map((a) => h("tr", {},
      h("td", {}, time(a.at)), h("td", {}, t(`sys.${a.system}`)), h("td", {}, a.operation), h("td", {}, a.outcome),
      h("td", { class: "num" }, a.http_status ?? ""), h("td", { class: "num" }, a.latency_ms ?? ""),
      h("td", { class: "num" }, a.records ?? ""), h("td", { class: "wrap" }, a.error || ""))))));
}

function quality(q) {
  const rows = (q.rejections || []).flatMap((r) => (r.samples || []).map((s) =>
    h("tr", {}, h("td", {}, time(s.at)), h("td", {}, r.source), h("td", {}, t(`reason.${r.reason}`)),
      h("td", {}, s.event_id || ""), h("td", {}, s.field || ""), h("td", { class: "wrap" }, s.message))));
  if (!rows.length) return h("p", { class: "empty" }, t("int.no_rejections"));
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, [t("int.at"), t("int.source"), t("int.reason"), t("int.event"), t("int.field"), t("int.message")].map((c) => h("th", {}, c)))),
    h("tbody", {}, rows)));
}

export function render(main, ctx) {
  const healthBox = h("section", { class: "panel" }, h("h2", {}, t("int.health")));
  const jobsBox = h("div");
  const logBox = h("div");
  const qualityBox = h("div");
  const correlation = h("input", { id: "correlation", placeholder: t("int.correlation"), "aria-label": t("int.correlation") });
  const kind = h("select", { id: "sync-kind", "aria-label": t("int.kind") }, KINDS.map((k) => h("option", { value: k }, t(`kind.${k}`))));
  const triggered = h("span", { role: "status" });
  const trigger = ctx.can("manager")
    ? h("div", { class: "trigger" }, kind, h("button", { type: "button", class: "primary", id: "trigger", on: { click: async () => {
        try {
          const r = await api.post("/api/v1/integration/sync/trigger", { kind: kind.value });
          fill(triggered, t("int.triggered", { id: r.job.id }));
          loadJobs();
        } catch (e) {
          fill(triggered, h("span", { class: "error" }, e.message));
        }
      } } }, t("int.trigger")), triggered)
    : null;
  const showLog = (id) => {
    correlation.value = id || "";
    loadLog();
  };
  fill(main, h("section", {}, h("h1", {}, t("nav.integration")), healthBox,
    h("section", { class: "panel" }, h("h2", {}, t("int.jobs")), trigger, jobsBox),
    h("section", { class: "panel" }, h("h2", {}, t("int.activity")),
      h("form", { class: "inline", on: { submit: (e) => { e.preventDefault(); loadLog(); } } }, correlation,
        h("button", { type: "submit" }, t("int.filter"))), logBox),
    h("section", { class: "panel" }, h("h2", {}, t("int.quality")), qualityBox),
    endpointMap(ctx), calendars(ctx)));

  let timer = null;
  const loadHealth = () => api.get("/api/v1/integration/health/status")
    .then((r) => fill(healthBox, h("h2", {}, t("int.health")), health(r)))
    .catch((e) => fill(healthBox, h("h2", {}, t("int.health")), h("p", { class: "error" }, e.status === 403 ? t("error.forbidden") : e.message)));
  const loadJobs = () => api.get("/api/v1/integration/sync/jobs?limit=20")
    .then((page) => {
      fill(jobsBox, jobsTable(page.items, showLog));
      clearTimeout(timer);
      // While a job is under way its progress is asked for every two seconds.
      if (page.items.some((j) => j.state === "queued" || j.state === "running" || j.state === "retrying")) {
        timer = setTimeout(() => { loadJobs(); loadHealth(); }, 2000);
      }
    })
    .catch((e) => fill(jobsBox, h("p", { class: "error" }, e.status === 403 ? t("error.forbidden") : e.message)));
  const loadLog = () => {
    const q = new URLSearchParams({ limit: "50" });
    if (correlation.value.trim()) q.set("correlation_id", correlation.value.trim());
    return api.get(`/api/v1/integration/logs/activity?${q}`)
      .then((page) => fill(logBox, activity(page.items)))
      .catch((e) => fill(logBox, h("p", { class: "error" }, e.message)));
  };
  const loadQuality = () => api.get("/api/v1/integration/quality")
    .then((q) => fill(qualityBox, quality(q)))
    .catch((e) => fill(qualityBox, h("p", { class: "error" }, e.message)));
  loadHealth();
  loadJobs();
  loadLog();
  loadQuality();
  return () => clearTimeout(timer);
}
