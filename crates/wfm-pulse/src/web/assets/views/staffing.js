// Staffing suggestions: choose groups of one site and a horizon, and see the plan (its moves
// with the service level before and after and their cost), the groups by interval, the moves
// a labor rule blocks with the rule named, and the site's labor rules.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, time, date, locale } from "../i18n.js";

const HORIZONS = [30, 60, 120, 240, 480, 720];
const FIELDS = ["group_ids", "horizon_minutes", "budget"];
const FIRST_BLOCKED = 10;
// A labor rule's limit is the field `<rule id>_minutes` of the site's rules, but for these.
const LIMIT = { max_shift_length: "max_shift_minutes" };
// Rules whose limit is a least (rests), not a most.
const AT_LEAST = new Set(["min_rest_between_shifts", "min_weekly_rest"]);

const pct = (share) => num(share * 100, 1);
const money = (value) => (value ? t("staff.money", { value: num(value, 0) }) : t("staff.free"));
/** Minutes as "1 h 15 min", "12 h" or "45 min". */
function hours(minutes) {
  const hh = Math.floor(minutes / 60), mm = Math.round(minutes % 60);
  if (!mm) return t("staff.hours", { value: num(hh, 0) });
  return hh ? t("staff.hm", { h: num(hh, 0), m: mm }) : t("staff.minutes", { n: mm });
}
const slChange = (before, after) => `${pct(before)} → ${pct(after)} %`;

/** The rule's name and its limit at the site, e.g. "Shift length (at most 12 h)". */
function ruleText(rule, rules) {
  const limit = rules?.[LIMIT[rule] || `${rule}_minutes`];
  const name = t(`rule.${rule}`);
  if (limit === undefined) return name;
  return `${name} (${t(AT_LEAST.has(rule) ? "staff.at_least" : "staff.at_most", { value: hours(limit) })})`;
}

/** The intervals a move uses, contiguous ones joined: "11:00 – 11:30, 12:15 – 12:45". */
function when(intervals, minutes) {
  if (!intervals.length) return "—";
  const step = minutes * 60000;
  const runs = [];
  for (const start of intervals.map((i) => new Date(i).getTime()).sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last[1] === start) last[1] = start + step;
    else runs.push([start, start + step]);
  }
  // No break inside a run: "11:30 – 12:00" stays on one line.
  return runs.map(([a, b]) => `${time(new Date(a).toISOString())}\u00a0–\u00a0${time(new Date(b).toISOString())}`).join(", ");
}

/** A move in words: what, who, which groups (a lent operator's from → to). The API's own
 * description is English only, and its group list is sorted, so the direction comes from
 * the cells that lose and gain an operator. */
function moveText(c, names, agents) {
  const name = (g) => names.get(g) || `#${g}`;
  let groups = c.groups.map(name).join(", ");
  if (c.kind === "reassign") {
    const from = c.impact.find((i) => i.agents_after < i.agents_before);
    const to = c.impact.find((i) => i.agents_after > i.agents_before);
    if (from && to) groups = `${name(from.group_id)} → ${name(to.group_id)}`;
  }
  return [h("b", {}, t(`move.${c.kind}`)), " · ", agents.get(c.agent_id) || `#${c.agent_id}`,
    groups ? ` · ${groups}` : "", c.overtime_minutes ? ` · ${t("staff.overtime", { value: hours(c.overtime_minutes) })}` : ""];
}

/** A move's service level before and after over the cells it changes, weighted by their
 * forecast calls (a plain mean where none are forecast). */
function cellsSl(c, d) {
  const weight = (i) => d.groups.find((g) => g.group_id === i.group_id)?.intervals.find((x) => x.start === i.interval_start)?.forecast_calls || 0;
  const cells = c.impact.map((i) => ({ ...i, w: weight(i) }));
  const total = cells.reduce((s, i) => s + i.w, 0);
  const mean = (f) => (total ? cells.reduce((s, i) => s + f(i) * i.w, 0) / total : cells.reduce((s, i) => s + f(i), 0) / (cells.length || 1));
  return slChange(mean((i) => i.sl_before), mean((i) => i.sl_after));
}

function summary(d) {
  const p = d.plan;
  return h("dl", { class: "impact" },
    h("div", {}, h("dt", {}, t("staff.period")),
      h("dd", {}, t("staff.span", { from: time(d.from), to: time(d.to), minutes: d.interval_minutes }))),
    h("div", {}, h("dt", {}, t("staff.attainment")), h("dd", { id: "attainment" }, slChange(p.attainment_before, p.attainment_after))),
    h("div", {}, h("dt", {}, t("staff.total_cost")), h("dd", { id: "total-cost" }, money(p.total_cost))),
    h("div", {}, h("dt", {}, t("staff.moves")), h("dd", {}, num(p.moves.length, 0))));
}

function planTable(d, names, agents) {
  if (!d.plan.moves.length) return h("p", { class: "empty" }, t("staff.no_moves"));
  return h("div", { class: "table-wrap" }, h("table", { class: "plan" },
    h("thead", {}, h("tr", {}, ["#", t("staff.move"), t("staff.when"), t("staff.sl_plan"), t("staff.cost")].map((c) => h("th", {}, c)))),
    h("tbody", {}, d.plan.moves.map((m, i) => {
      const c = d.candidates[m.candidate];
      return h("tr", { data: { agent: m.agent_id, kind: m.kind } },
        h("td", { class: "num" }, i + 1),
        h("td", { class: "wrap" }, moveText(c, names, agents)),
        h("td", { class: "when" }, when(c.intervals, d.interval_minutes)),
        h("td", { class: "num" }, slChange(m.attainment_before, m.attainment_after)),
        h("td", { class: "num" }, money(m.cost)));
    }))));
}

function groupTables(d, names) {
  return d.groups.map((g) => h("details", { class: "staff-group", open: d.groups.length === 1 },
    h("summary", {}, names.get(g.group_id) || `#${g.group_id}`),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, [t("drill.interval"), t("drill.forecast_calls"), t("staff.scheduled"), t("staff.on_line"),
        t("staff.required"), t("staff.gap"), t("staff.agents_after"), t("staff.sl")].map((c) => h("th", {}, c)))),
      h("tbody", {}, g.intervals.map((c) => h("tr", { class: c.gap > 0 ? "short" : null },
        h("td", {}, time(c.start)),
        h("td", { class: "num" }, num(c.forecast_calls, 1)),
        h("td", { class: "num" }, c.scheduled),
        h("td", { class: "num" }, c.on_line),
        h("td", { class: "num" }, c.required),
        h("td", { class: "num" }, c.gap > 0 ? `+${c.gap}` : c.gap),
        h("td", { class: "num" }, c.agents_after),
        h("td", { class: "num" }, slChange(c.sl_before, c.sl_after)))))))));
}

function blockedList(d, names, agents, en) {
  const blocked = d.candidates.filter((c) => c.blocked_by.length);
  if (!blocked.length) return h("p", { class: "empty" }, t("staff.no_blocked"));
  const count = new Map();
  for (const c of blocked) for (const v of c.blocked_by) count.set(v.rule, (count.get(v.rule) || 0) + 1);
  const body = h("tbody");
  const more = h("p");
  const draw = (all) => {
    const rows = all ? blocked : blocked.slice(0, FIRST_BLOCKED);
    fill(body, rows.map((c) => h("tr", { data: { agent: c.agent_id, kind: c.kind } },
      h("td", { class: "wrap" }, moveText(c, names, agents)),
      h("td", { class: "when" }, when(c.intervals, d.interval_minutes)),
      h("td", { class: "num" }, cellsSl(c, d)),
      h("td", { class: "num" }, money(c.cost)),
      h("td", { class: "wrap" }, c.blocked_by.map((v) => h("div", { class: "rule", data: { rule: v.rule } },
        ruleText(v.rule, d.labor_rules),
        // The API says what is broken, with its figures, in English only.
        en ? h("small", { class: "muted", lang: "en" }, ` — ${v.message}`) : null))))));
    fill(more, rows.length < blocked.length
      ? [t("list.shown", { shown: rows.length, total: blocked.length }), " ",
          h("button", { type: "button", class: "link", on: { click: () => draw(true) } }, t("list.show_all"))]
      : null);
  };
  draw(false);
  return [
    h("ul", { class: "rules" }, [...count].map(([rule, n]) => h("li", { data: { rule } }, t("staff.blocked_by", { rule: ruleText(rule, d.labor_rules), n })))),
    h("div", { class: "table-wrap" }, h("table", { class: "blocked" },
      h("thead", {}, h("tr", {}, [t("staff.move"), t("staff.when"), t("staff.sl_cells"), t("staff.cost"), t("staff.rule")].map((c) => h("th", {}, c)))),
      body)),
    more,
  ];
}

function rulesView(view) {
  const r = view.rules;
  const rows = ["max_shift_length", "max_work_without_break", "min_rest_between_shifts", "min_weekly_rest",
    "max_overtime_two_days", "max_overtime_week", "max_overtime_year"];
  return [
    h("p", { class: "muted" }, view.defaults ? t("staff.rules_default")
      : t("staff.rules_set", { who: view.updated_by || "—", when: `${date(view.updated_at)} ${time(view.updated_at)}` })),
    h("ul", { class: "rules" }, rows.map((rule) => h("li", {}, ruleText(rule, r))),
      h("li", {}, t("staff.overtime_pay", { first: hours(r.overtime_first_minutes), x1: num(r.overtime_first_multiplier, 2),
        x2: num(r.overtime_after_multiplier, 2), dayoff: num(r.day_off_multiplier, 2) }))),
  ];
}

/** Input errors next to the fields they name, as [field, node]; the API's words in English only. */
function fieldErrors(err, en) {
  const list = err.body?.errors?.length ? err.body.errors : [{ field: err.field, description: err.message }];
  const known = list.filter((e) => FIELDS.includes(e.field));
  if (!known.length) return null;
  return known.map((e) => [e.field, h("span", { class: "error", role: "alert" },
    t(`staff.hint.${e.field}`), en ? h("span", { lang: "en" }, ` (${e.description})`) : null)]);
}

export function render(main, ctx) {
  const form = h("form", { class: "staff-form panel" });
  const result = h("div", { class: "staff-result" });
  fill(main, h("section", { class: "staff" }, h("h1", {}, t("nav.staffing")), form, result));
  const slots = Object.fromEntries(FIELDS.map((f) => [f, h("span", { class: "field-error", data: { field: f } })]));
  const status = h("p", { class: "form-error", role: "status" });
  const en = () => locale() === "en";

  const draw = (groups, services, sites) => {
    if (!groups.length) return fill(form, h("p", { class: "empty" }, t("staff.no_groups")));
    const siteOf = new Map(services.map((s) => [s.id, sites.find((x) => x.id === s.site_id)]));
    const several = sites.length > 1;
    const boxes = groups.map((g) => h("input", { type: "checkbox", name: "group", value: g.id, checked: groups.length === 1 }));
    const horizon = h("select", { id: "horizon", name: "horizon" }, HORIZONS.map((m) =>
      h("option", { value: m, selected: m === 120 }, m < 60 ? t("staff.minutes", { n: m }) : t("staff.hours", { value: m / 60 }))));
    const budget = h("input", { id: "budget", name: "budget", type: "number", min: 0, step: "any", inputmode: "decimal" });
    // A viewer is not offered what the API would refuse (suggesting needs a supervisor).
    const button = ctx.can("supervisor") ? h("button", { type: "submit", class: "primary", id: "suggest" }, t("staff.suggest")) : null;
    fill(form,
      h("fieldset", { class: "staff-groups" }, h("legend", {}, t("staff.groups")),
        groups.map((g, i) => h("label", {}, boxes[i], g.name,
          several ? h("small", { class: "muted" }, ` · ${siteOf.get(g.service_id)?.name || ""}`) : null)),
        slots.group_ids),
      h("div", { class: "staff-fields" },
        h("label", { for: "horizon" }, t("staff.horizon")), horizon, slots.horizon_minutes,
        h("label", { for: "budget" }, t("staff.budget")), budget, slots.budget),
      button,
      ctx.can("supervisor") ? null : h("p", { class: "muted" }, t("staff.need_supervisor")),
      status);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!button) return;
      for (const s of Object.values(slots)) fill(s);
      fill(status);
      const body = {
        group_ids: boxes.filter((b) => b.checked).map((b) => Number(b.value)),
        horizon_minutes: Number(horizon.value),
      };
      if (budget.value !== "") body.budget = Number(budget.value);
      button.disabled = true;
      fill(result, h("p", { class: "empty" }, t("staff.working")));
      try {
        const d = await api.post("/api/v1/performance/optimization/suggest", body);
        await show(d, groups);
      } catch (err) {
        fill(result);
        const placed = err.status === 400 ? fieldErrors(err, en()) : null;
        if (placed) for (const [f, node] of placed) fill(slots[f], node);
        else fill(status, h("span", { class: "error", role: "alert" }, err.status === 403 ? t("error.forbidden") : err.message));
      } finally {
        button.disabled = false;
      }
    });
  };

  const show = async (d, groups) => {
    const names = new Map(groups.map((g) => [g.id, g.name]));
    const agents = new Map((await api.get("/api/v1/agents").catch(() => [])).map((a) => [a.id, a.full_name]));
    const rules = h("section", { class: "panel" }, h("h2", {}, t("staff.rules")));
    fill(result,
      h("section", { class: "panel" }, h("h2", {}, t("staff.plan")), summary(d), planTable(d, names, agents)),
      h("section", { class: "panel" }, h("h2", {}, t("staff.blocked")), blockedList(d, names, agents, en())),
      h("section", { class: "panel" }, h("h2", {}, t("staff.by_group")), groupTables(d, names)),
      rules);
    api.get(`/api/v1/performance/labor-rules/${d.site_id}`)
      .then((view) => fill(rules, h("h2", {}, t("staff.rules")), rulesView(view)))
      .catch((e) => fill(rules, h("h2", {}, t("staff.rules")), h("p", { class: "error" }, e.message)));
  };

  fill(form, h("p", { class: "empty" }, t("live.connecting")));
  Promise.all([api.get("/api/v1/groups"), api.get("/api/v1/services"), api.get("/api/v1/sites")])
    .then(([groups, services, sites]) => draw(groups, services, sites))
    .catch((e) => fill(form, h("p", { class: "error" }, e.message)));
  return null;
}
