// Error answers (400 form errors, 429, 503 "no model yet") carry a message for the visitor:
// let HTMX swap them in like any other answer.
if (window.htmx) {
  htmx.config.responseHandling = [{ code: "204", swap: false }, { code: "...", swap: true }];
}

// The navigation menu collapses behind a button on narrow screens.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
});
