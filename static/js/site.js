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

// After an HTMX swap, focus moves to what the answer marks with data-focus-now (the verdict, a
// thank-you, the new names), scrolled into view, so that it is seen and read out at once. The
// marks of the page as first loaded are dropped: there the page itself is the answer.
const focusMarked = () => {
  const marked = [...document.querySelectorAll("[data-focus-now]")];
  marked.forEach((element) => element.removeAttribute("data-focus-now"));
  return marked[0];
};
document.addEventListener("DOMContentLoaded", focusMarked);
document.addEventListener("htmx:afterSettle", () => {
  const target = focusMarked();
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  const box = target.getBoundingClientRect();
  if (box.top < 0 || box.bottom > window.innerHeight) target.scrollIntoView({ block: "start" });
});

// A table wider than its box says that it scrolls sideways.
const noteScrolling = () => {
  document.querySelectorAll(".scroll-hint").forEach((box) => {
    const note = box.previousElementSibling;
    const noted = note && note.classList.contains("scroll-note");
    if (box.scrollWidth > box.clientWidth + 1 && !noted) {
      box.insertAdjacentHTML("beforebegin", '<p class="scroll-note">Scroll sideways to see it all.</p>');
    } else if (box.scrollWidth <= box.clientWidth + 1 && noted) {
      note.remove();
    }
  });
};
document.addEventListener("DOMContentLoaded", noteScrolling);
document.addEventListener("htmx:afterSettle", noteScrolling);
window.addEventListener("resize", noteScrolling);
