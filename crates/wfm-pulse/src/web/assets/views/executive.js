// The executive view: every group side by side with its six indicators, the services and
// the whole operation, the most pressing alerts, benchmarks, reallocation suggestions, and
// the groups' importance (managers change it). Asked again when the stream publishes, at
// most every five seconds.

import * as api from "../api.js";
import { ruleText } from "../rules.js";
import { scopeName } from "./alerts.js";
import { h, fill } from "../dom.js";
import { t, num, time } from "../i18n.js";
import * as live from "../live.js";
import { tile, shown, INDICATORS } from "./wallboard.js";

const SHAPE = { green: "●", yellow: "▲", red: "■", grey: "○" };
const IMPORTANCE = ["critical", "high", "normal", "low"];

function cell(ind) {
  if (!ind) return h("td", {}, "—");
  const { value, unit } = shown(ind);
  return h("td", { class: `num cell c-${ind.color}`, data: { indicator: ind.indicator, color: ind.color } },
    h("span", { class: "shape", "aria-hidden": "true" }, SHAPE[ind.color] || "○"), value, unit ? ` ${unit}` : "");
}

function groupsTable(groups, ctx, reload) {
  const importance = (g) => {
    if (!ctx.can("manager")) return t(`imp.${g.importance}`);
    return h("select", { "aria-label": t("exec.importance"), data: { group: g.group_id }, on: { change: async (e) => {
      try {
        await api.put("/api/v1/performance/dashboard/executive/priorities", { group_id: g.group_id, importance: e.target.value });
        reload();
      } catch (err) {
        e.target.after(h("span", { class: "error" }, err.message));
      }
    } } }, IMPORTANCE.map((i) => h("option", { value: i, selected: i === g.importance }, t(`imp.${i}`))));
  };
  return h("div", { class: "table-wrap" }, h("table", { class: "exec-groups" },
    h("thead", {}, h("tr", {}, h("th", {}, t("exec.group")), h("th", {}, t("exec.importance")),
      INDICATORS.map((i) => h("th", { class: "num" }, t(`ind.short.${i}`))))),
    h("tbody", {}, groups.map((g) => {
      const byName = new Map(g.indicators.map((i) => [i.indicator, i]));
      return h("tr", { data: { group: g.group_id } },
        h("td", {}, h("a", { href: `#/group/${g.group_id}/service_level` }, g.name)),
        h("td", {}, importance(g)),
        INDICATORS.map((i) => cell(byName.get(i))));
    }))));
}

function benchmarks(rows, names) {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, [t("exec.group"), t("exec.sl_attainment"), t("exec.adherence"), t("exec.accuracy")].map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.map((b) => h("tr", {},
      h("td", {}, names.get(b.group_id) || b.group_id),
      h("td", { class: "num" }, `${num(b.sl_attainment_points, 1)} (${t("exec.rank", { rank: b.sl_rank ?? "—" })})`),
      h("td", { class: "num" }, `${num(b.adherence_percent, 1)} % (${t("exec.rank", { rank: b.adherence_rank ?? "—" })})`),
      h("td", { class: "num" }, `${num(b.forecast_accuracy_percent, 1)} % (${t("exec.rank", { rank: b.forecast_accuracy_rank ?? "—" })})`))))));
}

/** A move's "before" is the window SL the group's card shows; null when the window had no
 * calls. */
const before = (v) => (v === null || v === undefined ? t("exec.no_window_calls") : num(v, 1));

function reallocations(rows, names, agents) {
  if (!rows.length) return h("p", { class: "empty" }, t("exec.no_moves"));
  return h("ul", { class: "moves" }, rows.map((r) => h("li", {},
    t("exec.move", {
      agent: agents.get(r.agent_id) || `#${r.agent_id}`,
      from: names.get(r.from_group_id) || r.from_group_id,
      to: names.get(r.to_group_id) || r.to_group_id,
      to_before: before(r.to_sl_before_percent), to_after: num(r.to_sl_after_percent, 1),
      from_before: before(r.from_sl_before_percent), from_after: num(r.from_sl_after_percent, 1),
    }))));
}

export function render(main, ctx) {
  const body = h("div", { class: "exec" }, h("p", { class: "empty" }, t("live.connecting")));
  fill(main, h("section", {}, h("h1", {}, t("nav.executive")), body));
  const agents = new Map();
  let busy = false;
  let last = 0;
  const load = async () => {
    if (busy) return;
    busy = true;
    last = Date.now();
    try {
      const d = await api.get("/api/v1/performance/dashboard/executive");
      const names = new Map(d.groups.map((g) => [g.group_id, g.name]));
      for (const r of d.reallocations) {
        if (!agents.has(r.agent_id)) {
          const a = await api.get(`/api/v1/agents/${r.agent_id}`).catch(() => null);
          agents.set(r.agent_id, a ? a.full_name : `#${r.agent_id}`);
        }
      }
      fill(body,
        h("section", { class: "aggregate all" }, h("h2", {}, t("exec.operation")),
          h("div", { class: "tiles" }, d.operation.indicators.map((i) => tile(i)))),
        d.services.map((s) => h("section", { class: "aggregate" }, h("h2", {}, s.name),
          h("div", { class: "tiles" }, s.indicators.map((i) => tile(i))))),
        h("section", { class: "panel" }, h("h2", {}, t("exec.groups")), groupsTable(d.groups, ctx, load)),
        h("section", { class: "panel" }, h("h2", {}, t("exec.alerts", { total: d.alerts.total })),
          d.alerts.items.length
            ? h("ul", { class: "top-alerts" }, d.alerts.items.map((a) => h("li", { class: `sev-${a.severity}` },
                h("b", {}, t(`sev.${a.severity}`)), " ", ruleText(a.details?.rule || a.kind), scopeName(a) ? ` · ${scopeName(a)}` : "",
                " · ", t("alerts.since", { time: time(a.fired_at) }))))
            : h("p", { class: "empty" }, t("alerts.none")),
          h("a", { href: "#/alerts" }, t("nav.alerts"))),
        h("section", { class: "panel" }, h("h2", {}, t("exec.benchmarks")), benchmarks(d.benchmarks, names)),
        h("section", { class: "panel" }, h("h2", {}, t("exec.reallocations")), reallocations(d.reallocations, names, agents)));
    } catch (e) {
      fill(body, h("p", { class: "error" }, e.message));
    } finally {
      busy = false;
    }
  };
  load();
  return live.onFigures(() => {
    if (Date.now() - last > 5000) load();
  });
}
