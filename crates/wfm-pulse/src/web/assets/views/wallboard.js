// Operational control: the six indicators of every group as tiles (value, plan, color with
// a shape and a word, trend arrow, the day's sparkline), the service and whole-operation
// aggregates, live from the stream; which groups and indicators, their order and the layout
// are the person's own settings.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, num, duration } from "../i18n.js";
import * as live from "../live.js";
import { sparkline } from "../svg.js";

export const INDICATORS = ["operators_online", "load_deviation", "operator_requirement", "service_level", "acd", "aht_trend"];
const SHAPE = { green: "●", yellow: "▲", red: "■", grey: "○" };
const ARROW = { up: "↑", down: "↓", flat: "→" };
const SIGNED = new Set(["load_deviation", "operator_requirement", "aht_trend"]);

/** The value as the tile shows it, with its unit. */
export function shown(ind) {
  if (ind.value === null || ind.value === undefined) return { value: "—", unit: "" };
  const digits = ind.unit === "people" ? 0 : 1;
  const sign = SIGNED.has(ind.indicator) && ind.value > 0 ? "+" : "";
  return { value: sign + num(ind.value, digits), unit: t(`unit.${ind.unit}`) };
}

function planText(ind) {
  if (ind.plan === null || ind.plan === undefined) return "";
  if (ind.indicator === "aht_trend") return t("tile.plan", { value: duration(ind.plan) });
  if (ind.indicator === "service_level") return t("tile.target", { value: num(ind.plan, 0) });
  const digits = ind.unit === "people" ? 0 : 1;
  return t("tile.plan", { value: num(ind.plan, digits) });
}

/** One indicator's tile; a link to its drill-down when `href` is given. */
export function tile(ind, href) {
  const { value, unit } = shown(ind);
  const color = ind.color || "grey";
  const name = t(`ind.${ind.indicator}`);
  // A value resting on too few calls is shown, but says why it has no color.
  const status = ind.too_few_calls ? t("status.too_few", { n: num(ind.sample_calls ?? 0, 0) }) : t(`status.${color}`);
  const words = [name, `${value} ${unit}`, status, planText(ind), ind.trend ? t(`trend.${ind.trend}`) : ""];
  return h(href ? "a" : "div",
    { class: `tile c-${color}`, href, data: { indicator: ind.indicator, color }, "aria-label": words.filter(Boolean).join(", ") },
    h("span", { class: "label" }, t(`ind.short.${ind.indicator}`)),
    h("span", { class: "status" }, h("span", { class: "shape", "aria-hidden": "true" }, SHAPE[color]), h("span", { class: "word" }, status)),
    h("span", { class: "value" }, value, unit && h("small", {}, unit),
      ind.trend && h("span", { class: `trend trend-${ind.trend}`, "aria-hidden": "true" }, ARROW[ind.trend])),
    h("span", { class: "plan" }, planText(ind)),
    sparkline(ind.sparkline || [], ind.plan, name));
}

function indicatorsOf(figures, wanted) {
  const byName = new Map((figures?.indicators || []).map((i) => [i.indicator, i]));
  return wanted.map((name) => byName.get(name)).filter(Boolean);
}

function groupCard(g, wanted) {
  return h("article", { class: "group", data: { group: g.group_id } },
    h("header", {},
      h("h3", {}, g.name),
      h("span", { class: "stats" },
        h("span", { title: t("group.queue") }, t("group.queue"), " ", h("b", { class: "queue" }, num(g.queue_now, 0))),
        h("span", { title: t("group.wait") }, t("group.wait"), " ", h("b", {}, duration(g.longest_wait_seconds))),
        h("span", { title: t("group.online") }, t("group.online"), " ", h("b", { class: "online" }, `${num(g.online, 0)} / ${num(g.planned, 0)}`)))),
    h("div", { class: "tiles" }, indicatorsOf(g, wanted).map((ind) => tile(ind, `#/group/${g.group_id}/${ind.indicator}`))));
}

function aggregateRow(title, figures, wanted, cls) {
  return h("section", { class: `aggregate ${cls}` },
    h("h2", {}, title),
    h("div", { class: "tiles" }, indicatorsOf(figures, wanted).map((ind) => tile(ind))));
}

/** The person's choice of groups (null: all, in the stream's order), indicators and layout. */
function choice(settings) {
  const w = settings.wallboard || {};
  return {
    groups: Array.isArray(w.groups) && w.groups.length ? w.groups : null,
    indicators: Array.isArray(w.indicators) && w.indicators.length ? w.indicators.filter((i) => INDICATORS.includes(i)) : INDICATORS,
    layout: w.layout === "compact" ? "compact" : "grid",
  };
}

export function render(main, ctx) {
  let services = new Map();
  let settings = {};
  let chosen = choice({});
  const board = h("div", { class: "board" });
  const panel = h("details", { class: "filter" });
  const cards = new Map(); // group id -> [figures object drawn, element]
  const rows = new Map(); // "all" or service id -> [what its tiles show, element]
  let drawnShape = null; // the groups, services and choices the board was last built for
  fill(main, h("section", { class: "wall" },
    h("div", { class: "wall-head" }, h("h1", {}, t("nav.wallboard")), panel),
    board));

  const draw = (state) => {
    board.className = `board layout-${chosen.layout}`;
    const all = [...state.groups.values()];
    if (!all.length) {
      fill(board, h("p", { class: "empty" }, state.at ? t("wall.empty") : t("live.connecting")));
      drawnShape = null;
      return;
    }
    const order = chosen.groups || all.map((g) => g.group_id);
    const shownGroups = order.map((id) => state.groups.get(id)).filter(Boolean);
    const byService = new Map();
    for (const g of shownGroups) {
      if (!byService.has(g.service_id)) byService.set(g.service_id, []);
      byService.get(g.service_id).push(g);
    }
    const allRow = () => state.all && row("all", t("scope.all"), state.all, "all");
    const serviceRow = (id) => {
      const agg = state.services.find((s) => s.scope?.id === id);
      return agg && row(id, serviceName(id), agg, "service-row");
    };
    const shape = JSON.stringify([shownGroups.map((g) => [g.group_id, g.service_id]), chosen, [...services], !!state.all]);
    if (shape === drawnShape) {
      // The same board: only the cards and rows whose figures changed are drawn again (in
      // place), so a 500-group wallboard spends one card's work on one group's change.
      shownGroups.forEach(card);
      allRow();
      for (const id of byService.keys()) serviceRow(id);
      return;
    }
    drawnShape = shape;
    rows.clear();
    const sections = [allRow()];
    for (const [id, groups] of byService) {
      sections.push(h("section", { class: "service", data: { service: id } },
        serviceRow(id) || h("h2", {}, serviceName(id)),
        h("div", { class: "groups" }, groups.map(card))));
    }
    fill(board, sections.filter(Boolean));
  };

  const serviceName = (id) => services.get(id) || `${t("scope.service")} ${id}`;

  /** A group's card, drawn again (in place, when the board holds it) only when its figures
   * changed: the stream sends a group again only then. */
  const card = (g) => {
    const known = cards.get(g.group_id);
    if (known && known[0] === g) return known[1];
    const el = groupCard(g, chosen.indicators);
    if (known) known[1].replaceWith(el);
    cards.set(g.group_id, [g, el]);
    return el;
  };

  /** An aggregate row, drawn again (in place) only when what its tiles show changed. */
  const row = (key, title, figures, cls) => {
    const shows = JSON.stringify(indicatorsOf(figures, chosen.indicators)
      .map((i) => [i.value, i.plan, i.color, i.too_few_calls, i.trend, i.sparkline]));
    const known = rows.get(key);
    if (known && known[0] === shows) return known[1];
    const el = aggregateRow(title, figures, chosen.indicators, cls);
    if (known) known[1].replaceWith(el);
    rows.set(key, [shows, el]);
    return el;
  };

  const drawPanel = () => {
    const state = live.figures();
    const groups = [...state.groups.values()];
    const selected = new Set(chosen.groups || groups.map((g) => g.group_id));
    const order = (chosen.groups || []).concat(groups.map((g) => g.group_id).filter((id) => !(chosen.groups || []).includes(id)));
    const status = h("span", { class: "saved", role: "status" });
    const groupRows = order.map((id) => state.groups.get(id)).filter(Boolean).map((g) =>
      h("li", { data: { group: g.group_id } },
        h("label", {}, h("input", { type: "checkbox", name: "group", value: g.group_id, checked: selected.has(g.group_id) }), g.name),
        h("button", { type: "button", class: "icon", "aria-label": "↑", on: { click: (e) => move(e, -1) } }, "↑"),
        h("button", { type: "button", class: "icon", "aria-label": "↓", on: { click: (e) => move(e, 1) } }, "↓")));
    const move = (e, by) => {
      const li = e.target.closest("li");
      const sibling = by < 0 ? li.previousElementSibling : li.nextElementSibling;
      if (sibling) by < 0 ? sibling.before(li) : sibling.after(li);
    };
    const list = h("ol", { class: "group-order" }, groupRows);
    const save = async () => {
      const picked = [...list.querySelectorAll("li")]
        .filter((li) => li.querySelector("input").checked)
        .map((li) => Number(li.dataset.group));
      const indicators = [...panel.querySelectorAll("input[name=indicator]:checked")].map((i) => i.value);
      const layout = panel.querySelector("input[name=layout]:checked")?.value || "grid";
      const wallboard = { groups: picked, indicators, layout };
      try {
        settings = { ...settings, wallboard };
        await api.put("/api/v1/me/settings", settings);
        fill(status, t("wall.saved"));
      } catch (err) {
        fill(status, t("error.generic", { message: err.message }));
      }
      chosen = choice(settings);
      cards.clear();
      drawnShape = null;
      draw(live.figures());
    };
    fill(panel,
      h("summary", {}, t("wall.filter")),
      h("div", { class: "filter-body" },
        h("fieldset", {}, h("legend", {}, t("wall.groups")), list),
        h("fieldset", {}, h("legend", {}, t("wall.indicators")),
          INDICATORS.map((i) => h("label", {}, h("input", { type: "checkbox", name: "indicator", value: i, checked: chosen.indicators.includes(i) }), t(`ind.${i}`)))),
        h("fieldset", {}, h("legend", {}, t("wall.layout")),
          ["grid", "compact"].map((l) => h("label", {}, h("input", { type: "radio", name: "layout", value: l, checked: chosen.layout === l }), t(`wall.layout.${l}`)))),
        h("button", { type: "button", class: "primary", on: { click: save } }, t("wall.save")), status));
  };

  panel.addEventListener("toggle", () => panel.open && drawPanel());
  const stop = live.onFigures(draw);
  Promise.all([api.get("/api/v1/services").catch(() => []), ctx.settings()]).then(([list, s]) => {
    services = new Map(list.map((sv) => [sv.id, sv.name]));
    settings = s || {};
    chosen = choice(settings);
    cards.clear();
    drawnShape = null;
    draw(live.figures());
  });
  return stop;
}
