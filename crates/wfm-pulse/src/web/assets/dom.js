// Building the page from nodes, never from HTML text: names and messages that come from the
// contact center or 1C ZUP are shown as text, whatever they hold.

/** An element: h("div", {class: "tile", on: {click: f}, data: {id: 3}}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "on") for (const [ev, f] of Object.entries(value)) el.addEventListener(ev, f);
    else if (key === "data") for (const [k, v] of Object.entries(value)) el.dataset[k] = v;
    else if (key === "style") for (const [k, v] of Object.entries(value)) el.style.setProperty(k, v);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces everything inside `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
