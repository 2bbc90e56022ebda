// Drill-down of one tile: the day by interval (the indicator against its plan, offered
// against forecast calls) as a chart and a table; the group's operators with state,
// adherence, time in state and absence, with a call to the workplace for supervisors; and
// for the service level, the periods it was breached.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, duration } from "../i18n.js";
import * as live from "../live.js";
import { dayChart } from "../svg.js";
import { tile, shown, INDICATORS } from "./wallboard.js";

const CALLABLE = new Set(["late_login", "absent"]);

function today() {
  return new Date().toISOString().slice(0, 10);
}

async function day(groupId, indicator) {
  const q = new URLSearchParams({ indicator, group_ids: String(groupId), granularity: "15min", from: today(), to: today() });
  const history = await api.get(`/api/v1/performance/history?${q}`);
  return history.groups?.[0]?.buckets || [];
}

function dayView(buckets, indicator, unit) {
  if (!buckets.length) return h("p", { class: "empty" }, t("drill.nointervals"));
  const labels = buckets.map((b) => time(b.start));
  const chart = dayChart({
    labels,
    bars: buckets.map((b) => b.components?.offered ?? null),
    barsPlan: buckets.map((b) => b.components?.forecast_calls ?? null),
    line: buckets.map((b) => b.value),
    linePlan: buckets.map((b) => b.plan),
    title: t(`ind.${indicator}`),
  });
  const legend = h("p", { class: "legend" },
    h("span", { class: "key key-line" }), t("drill.value"), " ",
    h("span", { class: "key key-plan" }), t("drill.plan"), " ",
    h("span", { class: "key key-bar" }), t("drill.offered"), " ",
    h("span", { class: "key key-bar-plan" }), t("drill.forecast_calls"));
  const rows = buckets.map((b) =>
    h("tr", {},
      h("td", {}, time(b.start)),
      h("td", { class: "num" }, shown({ indicator, unit, value: b.value }).value),
      h("td", { class: "num" }, num(b.plan, 1)),
      h("td", { class: "num" }, num(b.components?.offered, 0)),
      h("td", { class: "num" }, num(b.components?.forecast_calls, 1))));
  return [chart, legend,
    h("div", { class: "table-wrap" }, h("table", { class: "intervals" },
      h("thead", {}, h("tr", {}, [t("drill.interval"), t("drill.value"), t("drill.plan"), t("drill.offered"), t("drill.forecast_calls")].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows)))];
}

/** The adherence as words; working another group names both groups. */
function adherenceText(o) {
  if (o.adherence !== "other_group") return t(`adh.${o.adherence}`);
  const name = (id) => live.figures().groups.get(id)?.name || `#${id}`;
  const planned = o.planned?.kind === "line" ? o.planned.group_id : null;
  return t("adh.other_group_named", { worked: name(o.group_id), planned: planned == null ? "?" : name(planned) });
}

function operatorsView(list, groupId, ctx, refresh) {
  if (!list.length) return h("p", { class: "empty" }, t("op.none"));
  const now = Date.now();
  const rows = list.map((o) => {
    const call = ctx.can("supervisor") && CALLABLE.has(o.adherence)
      ? h("button", { type: "button", class: "small", data: { agent: o.agent_id }, on: { click: async (e) => {
          e.target.disabled = true;
          try {
            await api.post(`/api/v1/monitoring/operators/${o.agent_id}/call-to-workplace`);
            fill(e.target, t("op.called"));
          } catch (err) {
            e.target.disabled = false;
            fill(e.target.parentElement, e.target, h("span", { class: "error" }, err.message));
          }
          refresh();
        } } }, t("op.call"))
      : null;
    const inState = o.since ? (now - new Date(o.since).getTime()) / 1000 : null;
    return h("tr", { class: `adh-${o.color}`, data: { agent: o.agent_id } },
      h("td", {}, o.full_name || o.login),
      h("td", {}, t(`state.${o.state}`)),
      h("td", {}, h("span", { class: `pill c-${o.color}` }, adherenceText(o))),
      h("td", { class: "num" }, duration(inState)),
      h("td", { class: "num" }, o.absent_seconds ? duration(o.absent_seconds) : o.late_seconds ? duration(o.late_seconds) : ""),
      h("td", {}, call));
  });
  return h("div", { class: "table-wrap" }, h("table", { class: "operators" },
    h("thead", {}, h("tr", {}, [t("op.name"), t("op.state"), t("op.adherence"), t("op.since"), t("op.absent"), ""].map((c) => h("th", {}, c)))),
    h("tbody", {}, rows)));
}

function breachesView(group) {
  if (!group) return null;
  const items = (group.breaches || []).map((b) =>
    h("li", { class: b.ongoing ? "ongoing" : null },
      b.ongoing
        ? `${time(b.start)} – ${t("drill.breach_now", { minutes: num((group.current_breach_seconds || 0) / 60, 0) })}`
        : `${time(b.start)} – ${time(b.end)}`));
  return items.length ? h("ul", { class: "breaches" }, items) : h("p", { class: "empty" }, t("drill.nobreaches"));
}

export function render(main, ctx) {
  const groupId = Number(ctx.params[0]);
  const indicator = INDICATORS.includes(ctx.params[1]) ? ctx.params[1] : "service_level";
  const head = h("div", { class: "drill-head" });
  const dayBox = h("section", { class: "panel" }, h("h2", {}, t("drill.day")));
  const opsBox = h("section", { class: "panel" }, h("h2", {}, t("drill.operators")));
  const breachBox = h("section", { class: "panel" }, h("h2", {}, t("drill.breaches")));
  fill(main, h("section", { class: "drill" },
    h("a", { href: "#/", class: "back" }, t("drill.back")), head, dayBox,
    indicator === "service_level" ? breachBox : null, opsBox));

  let unit = "percent";
  const drawHead = (state) => {
    const g = state.groups.get(groupId);
    if (!g) return;
    const ind = (g.indicators || []).find((i) => i.indicator === indicator);
    if (ind) unit = ind.unit;
    fill(head, h("h1", {}, t("drill.title", { group: g.name, indicator: t(`ind.${indicator}`) })),
      h("div", { class: "tiles" }, (g.indicators || []).map((i) =>
        i.indicator === indicator ? tile(i) : tile(i, `#/group/${groupId}/${i.indicator}`))));
  };
  const loadDay = () => day(groupId, indicator)
    .then((b) => fill(dayBox, h("h2", {}, t("drill.day")), dayView(b, indicator, unit)))
    .catch((e) => fill(dayBox, h("h2", {}, t("drill.day")), h("p", { class: "error" }, e.message)));
  const loadOperators = () => api.get(`/api/v1/monitoring/operators?group=${groupId}`)
    .then((list) => fill(opsBox, h("h2", {}, t("drill.operators")), operatorsView(list, groupId, ctx, loadOperators)))
    .catch((e) => fill(opsBox, h("h2", {}, t("drill.operators")),
      h("p", { class: "error" }, e.status === 403 ? t("error.forbidden") : e.message)));
  const loadBreaches = () => api.get("/api/v1/performance/sla/compliance")
    .then((c) => fill(breachBox, h("h2", {}, t("drill.breaches")), breachesView(c.groups.find((g) => g.group_id === groupId))))
    .catch((e) => fill(breachBox, h("h2", {}, t("drill.breaches")), h("p", { class: "error" }, e.message)));

  // The operators and breaches follow the group's figures: asked again when they change,
  // at most every two seconds.
  let last = live.figures().groups.get(groupId) || null;
  let waiting = null;
  const follow = () => {
    waiting ??= setTimeout(() => {
      waiting = null;
      loadOperators();
      if (indicator === "service_level") loadBreaches();
    }, 2000);
  };
  const stopFigures = live.onFigures((state) => {
    drawHead(state);
    const g = state.groups.get(groupId);
    if (g && g !== last) {
      last = g;
      follow();
    }
  });
  const stop = () => {
    stopFigures();
    clearTimeout(waiting);
  };
  loadDay();
  loadOperators();
  if (indicator === "service_level") loadBreaches();
  return stop;
}
