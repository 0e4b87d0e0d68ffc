// The review queue's keys: a number picks a class, Enter accepts the model's answer, s skips,
// u undoes, ? shows the keys. Each key clicks the button that says it, so HTMX (or, without it,
// a plain form post) does the rest. After each swap the new item's heading takes the focus.
(() => {
  const typing = (target) => target.closest("input, select, textarea, button, a, summary");
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !document.getElementById("review")) return;
    if (event.key === "?") {
      const keys = document.getElementById("review-keys");
      keys.open = !keys.open;
      event.preventDefault();
      return;
    }
    if (typing(event.target)) return;
    const button = document.querySelector(`#review [data-key="${CSS.escape(event.key)}"]`);
    if (!button) return;
    event.preventDefault();
    button.click();
  });
  const focusHeading = () => {
    const heading = document.getElementById("review-heading");
    if (heading) heading.focus();
  };
  document.addEventListener("htmx:afterSettle", focusHeading);
  document.addEventListener("DOMContentLoaded", focusHeading);
})();
