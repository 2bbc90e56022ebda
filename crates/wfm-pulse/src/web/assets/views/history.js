// History: one indicator of a chosen group (or all groups combined) by 15 minutes, hour, day
// or week over a range of the site's days, as a chart and a table; and the patterns in the
// same range: recurring service-level breaches, forecast accuracy and adherence by operator.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, date, today, locale } from "../i18n.js";
import { dayChart } from "../svg.js";
import { shown, INDICATORS } from "./wallboard.js";

const GRANULARITIES = ["15min", "hour", "day", "week"];
// How many days back each step starts by default: today alone, four weeks, twelve weeks.
const DAYS_BACK = { "15min": 0, hour: 0, day: 27, week: 83 };
const STEP_MINUTES = { "15min": 15, hour: 60, day: 24 * 60, week: 7 * 24 * 60 };
const FIRST_OPERATORS = 10;
const HINTS = ["from", "to", "group_ids", "indicator", "granularity"];

/** The buckets with a gap (null) wherever two are further apart than a step: a bucket
 * without data is absent, and the chart must not draw a line across it. A step is the
 * granularity or, when longer, the site's interval; days may last 23 or 25 hours. */
function withGaps(buckets, granularity) {
  const out = [];
  buckets.forEach((b, i) => {
    const c = b.components || {};
    const interval = c.intervals ? (c.interval_seconds / c.intervals) * 1000 : 0;
    const step = Math.max(STEP_MINUTES[granularity] * 60000, interval) * 1.5;
    if (i && new Date(b.start) - new Date(buckets[i - 1].start) > step) out.push(null);
    out.push(b);
  });
  return out;
}

function label(iso, granularity, oneDay) {
  if (granularity === "day" || granularity === "week") return date(iso, false);
  return oneDay ? time(iso) : `${date(iso, false)} ${time(iso)}`;
}

function chartAndTable(history, buckets) {
  const { indicator, unit, granularity } = history;
  if (!buckets.length) return h("p", { class: "empty" }, t("hist.empty"));
  const oneDay = history.from === history.to;
  const labels = buckets.map((b) => label(b.start, granularity, oneDay));
  const digits = unit === "people" ? 0 : 1;
  const drawn = withGaps(buckets, granularity);
  const chart = dayChart({
    labels: drawn.map((b) => (b ? label(b.start, granularity, oneDay) : "")),
    bars: drawn.map((b) => b?.components?.offered ?? null),
    barsPlan: drawn.map((b) => b?.components?.forecast_calls ?? null),
    line: drawn.map((b) => b?.value ?? null),
    linePlan: drawn.map((b) => b?.plan ?? null),
    title: t(`ind.${indicator}`),
  });
  const legend = h("p", { class: "legend" },
    h("span", { class: "key key-line" }), t("drill.value"), " ",
    h("span", { class: "key key-plan" }), t("drill.plan"), " ",
    h("span", { class: "key key-bar" }), t("drill.offered"), " ",
    h("span", { class: "key key-bar-plan" }), t("drill.forecast_calls"));
  return [chart, legend,
    h("div", { class: "table-wrap history-table" }, h("table", {},
      h("thead", {}, h("tr", {}, [t("hist.period"), `${t("drill.value")}, ${t(`unit.${unit}`)}`, t("drill.plan"), t("drill.offered"), t("drill.forecast_calls")]
        .map((c) => h("th", {}, c)))),
      h("tbody", {}, buckets.map((b, i) => h("tr", {},
        h("td", {}, labels[i]),
        h("td", { class: "num" }, shown({ indicator, unit, value: b.value }).value),
        h("td", { class: "num" }, num(b.plan, digits)),
        h("td", { class: "num" }, num(b.components?.offered, 0)),
        h("td", { class: "num" }, num(b.components?.forecast_calls, 1)))))))];
}

function breaches(list, names, several) {
  if (!list.length) return h("p", { class: "empty" }, t("hist.no_breaches"));
  return h("ul", { class: "breaches" }, list.map((b) => h("li", { data: { group: b.group_id } },
    several ? h("b", {}, `${names.get(b.group_id) || `#${b.group_id}`}: `) : null,
    t("hist.breach", { weekday: t(`wd.${b.weekday}`), time: b.interval_of_day, breached: b.breached_days,
      observed: b.observed_days, shortfall: num(b.mean_shortfall, 1) }))));
}

function accuracy(list, names) {
  if (!list.length) return h("p", { class: "empty" }, t("hist.no_accuracy"));
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, [t("exec.group"), t("hist.mape"), t("hist.bias"), t("drill.offered"), t("drill.forecast_calls"), t("hist.intervals")]
      .map((c) => h("th", {}, c)))),
    h("tbody", {}, list.map((a) => h("tr", { data: { group: a.group_id } },
      h("td", {}, names.get(a.group_id) || `#${a.group_id}`),
      h("td", { class: "num" }, `${num(a.mape_percent, 1)} %`),
      h("td", { class: "num" }, `${a.bias_percent > 0 ? "+" : ""}${num(a.bias_percent, 1)} %`),
      h("td", { class: "num" }, num(a.offered, 0)),
      h("td", { class: "num" }, num(a.forecast_calls, 0)),
      h("td", { class: "num" }, num(a.intervals, 0)))))));
}

function adherence(list) {
  if (!list.length) return h("p", { class: "empty" }, t("hist.no_adherence"));
  const body = h("tbody");
  const more = h("p");
  const draw = (all) => {
    const rows = all ? list : list.slice(0, FIRST_OPERATORS);
    fill(body, rows.map((a) => h("tr", { data: { agent: a.agent_id } },
      h("td", {}, a.name || `#${a.agent_id}`),
      h("td", { class: "num" }, `${num(a.adherence_percent, 1)} %`),
      h("td", { class: "num" }, num(a.adherent_minutes, 0)),
      h("td", { class: "num" }, num(a.scheduled_minutes, 0)))));
    fill(more, rows.length < list.length
      ? [t("list.shown", { shown: rows.length, total: list.length }), " ",
          h("button", { type: "button", class: "link", on: { click: () => draw(true) } }, t("list.show_all"))]
      : null);
  };
  draw(false);
  return [h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, [t("op.name"), t("op.adherence"), t("hist.adherent"), t("hist.scheduled")].map((c) => h("th", {}, c)))),
    body)), more];
}

export function render(main) {
  const indicator = h("select", { id: "hist-indicator" }, INDICATORS.map((i) => h("option", { value: i, selected: i === "service_level" }, t(`ind.${i}`))));
  const group = h("select", { id: "hist-group" }, h("option", { value: "" }, t("scope.all")));
  const granularity = h("select", { id: "hist-granularity" }, GRANULARITIES.map((g) => h("option", { value: g }, t(`gran.${g}`))));
  const from = h("input", { id: "hist-from", type: "date", value: today(), required: true });
  const to = h("input", { id: "hist-to", type: "date", value: today(), required: true });
  const error = h("p", { class: "form-error", role: "status" });
  const chartBox = h("section", { class: "panel" });
  const insightsBox = h("section", { class: "panel" });
  const field = (id, text, control) => h("div", { class: "field" }, h("label", { for: id }, text), control);
  const form = h("form", { class: "history-form panel" },
    field("hist-indicator", t("hist.indicator"), indicator),
    field("hist-group", t("exec.group"), group),
    field("hist-granularity", t("hist.granularity"), granularity),
    field("hist-from", t("hist.from"), from),
    field("hist-to", t("hist.to"), to),
    h("button", { type: "submit", class: "primary", id: "hist-show" }, t("hist.show")),
    error);
  fill(main, h("section", { class: "history" }, h("h1", {}, t("nav.history")), form, chartBox, insightsBox));

  let names = new Map();
  let asked = 0;
  const load = async () => {
    const mine = ++asked;
    fill(error);
    const q = new URLSearchParams({ indicator: indicator.value, granularity: granularity.value, from: from.value, to: to.value });
    const iq = new URLSearchParams({ from: from.value, to: to.value });
    if (group.value) {
      q.set("group_ids", group.value);
      iq.set("group_ids", group.value);
    }
    fill(chartBox, h("p", { class: "empty" }, t("live.connecting")));
    fill(insightsBox);
    try {
      const [history, insights] = await Promise.all([
        api.get(`/api/v1/performance/history?${q}`),
        api.get(`/api/v1/performance/history/insights?${iq}`),
      ]);
      if (mine !== asked) return;
      const buckets = group.value ? history.groups[0]?.buckets || [] : history.combined.buckets;
      const span = history.from === history.to ? date(history.from) : `${date(history.from)} – ${date(history.to)}`;
      fill(chartBox,
        h("h2", {}, t("hist.title", { indicator: t(`ind.${history.indicator}`), span })),
        chartAndTable(history, buckets));
      fill(insightsBox, h("h2", {}, t("hist.insights", { span })),
        h("h3", {}, t("hist.breaches")), breaches(insights.recurring_breaches, names, !group.value),
        h("h3", {}, t("exec.accuracy")), accuracy(insights.forecast_accuracy, names),
        h("h3", {}, t("hist.adherence")), adherence(insights.adherence));
    } catch (e) {
      if (mine !== asked) return;
      fill(chartBox);
      // The API names the field in English; the page says what it wants in the reader's words.
      const en = locale() === "en";
      fill(error, h("span", { class: "error", role: "alert" }, HINTS.includes(e.field) ? t(`hist.hint.${e.field}`) : e.message,
        en && HINTS.includes(e.field) ? ` (${e.message})` : ""));
    }
  };

  granularity.addEventListener("change", () => {
    from.value = today(-DAYS_BACK[granularity.value]);
    to.value = today();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  api.get("/api/v1/groups")
    .then((groups) => {
      names = new Map(groups.map((g) => [g.id, g.name]));
      group.append(...groups.map((g) => h("option", { value: g.id }, g.name)));
      load();
    })
    .catch((e) => fill(chartBox, h("p", { class: "error" }, e.message)));
  return null;
}
