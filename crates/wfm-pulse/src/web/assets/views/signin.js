// Signing in: a name and a password; the session lives in an HttpOnly cookie.

import * as api from "../api.js";
import { h, fill } from "../dom.js";
import { t, setLocale, otherLocale, locale } from "../i18n.js";

export function render(main, { onSignedIn }) {
  const message = h("p", { class: "error", role: "alert", id: "signin-error" });
  const name = h("input", { id: "name", name: "name", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = async (e) => {
    e.preventDefault();
    fill(message);
    try {
      onSignedIn(await api.post("/api/v1/session", { name: name.value, password: password.value }));
    } catch (err) {
      const known = { 401: "signin.failed", 403: "signin.locked" }[err.status];
      fill(message, known ? t(known) : err.message);
      password.value = "";
      password.focus();
    }
  };
  const draw = () =>
    fill(main,
      h("form", { class: "signin", on: { submit } },
        h("h1", {}, h("img", { src: "/assets/icon.svg", alt: "" }), t("signin.title")),
        h("label", { for: "name" }, t("signin.name")), name,
        h("label", { for: "password" }, t("signin.password")), password,
        message,
        h("button", { type: "submit", class: "primary" }, t("signin.submit")),
        h("button", { type: "button", class: "link", on: { click: () => { setLocale(otherLocale()); draw(); } } }, t("lang.switch"))));
  setLocale(navigator.language?.startsWith("en") && locale() === "ru" ? "en" : locale());
  draw();
}
