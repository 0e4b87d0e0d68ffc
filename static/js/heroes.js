// Heroes by power. The map: pointing at a dot shows its hero's name and cluster; on a touch
// screen the first tap shows them and a second tap on the same dot opens the hero. Without
// JavaScript each dot has a <title> tooltip and is a link. Build a hero: a filter for the powers.
document.addEventListener("DOMContentLoaded", () => {
  const map = document.querySelector("[data-hero-map]");
  if (map) {
    const label = map.querySelector(".map-label");
    const svg = map.querySelector("svg");
    let pointer = "mouse";
    let armed = null;

    const clusterName = (dot) => {
      const colour = [...dot.classList].find((c) => /^c\d+$/.test(c));
      const item = colour && document.querySelector(`.cluster-item[data-colour="${colour.slice(1)}"] .cluster-name`);
      return item ? item.textContent.trim() : "";
    };

    const show = (dot) => {
      const name = dot.querySelector("title").textContent;
      const cluster = clusterName(dot);
      label.textContent = "";
      const strong = document.createElement("strong");
      strong.textContent = name;
      label.append(strong);
      if (cluster) label.append(document.createElement("br"), cluster);
      label.hidden = false;
      const frame = map.getBoundingClientRect();
      const box = dot.getBoundingClientRect();
      const left = box.left + box.width / 2 - frame.left - label.offsetWidth / 2;
      label.style.left = `${Math.max(0, Math.min(left, frame.width - label.offsetWidth))}px`;
      const top = box.top - frame.top - label.offsetHeight - 6;
      label.style.top = `${top < 0 ? box.bottom - frame.top + 6 : top}px`;
      for (const other of svg.querySelectorAll(".dot.active")) other.classList.remove("active");
      dot.classList.add("active");
    };

    const hide = () => {
      label.hidden = true;
      armed = null;
      for (const other of svg.querySelectorAll(".dot.active")) other.classList.remove("active");
    };

    svg.addEventListener("pointerdown", (event) => { pointer = event.pointerType; });
    svg.addEventListener("pointerover", (event) => {
      const dot = event.target.closest(".dot");
      if (dot && pointer !== "touch") show(dot);
    });
    svg.addEventListener("pointerleave", () => { if (pointer !== "touch") hide(); });
    svg.addEventListener("click", (event) => {
      const dot = event.target.closest(".dot");
      if (!dot) { hide(); return; }
      if (pointer === "touch" && armed !== dot) {
        event.preventDefault();
        armed = dot;
        show(dot);
      }
    });
  }

  const filter = document.getElementById("power-filter");
  if (filter) {
    filter.closest(".power-filter").hidden = false;
    const items = [...document.querySelectorAll(".power-choices li")];
    filter.addEventListener("input", () => {
      const words = filter.value.trim().toLowerCase();
      for (const item of items) {
        item.hidden = words !== "" && !item.textContent.toLowerCase().includes(words);
      }
    });
  }
});
