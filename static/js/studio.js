// The studio's class panels: drop several images on a panel's dropzone to add them at once.
// Events are delegated, so panels that HTMX swaps in work too. Without JavaScript the file
// input (multiple) and the form post still work.
(() => {
  const zoneOf = (event) => event.target.closest && event.target.closest("[data-dropzone-many]");
  const say = (zone) => {
    const files = zone.querySelector("input[type=file]").files;
    zone.querySelector("[data-chosen]").textContent =
      files.length === 1 ? files[0].name : files.length ? `${files.length} images chosen` : "";
  };

  ["dragenter", "dragover"].forEach((name) =>
    document.addEventListener(name, (event) => {
      const zone = zoneOf(event);
      if (!zone) return;
      event.preventDefault();
      zone.classList.add("dragging");
    })
  );
  document.addEventListener("dragleave", (event) => {
    const zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", (event) => {
    const zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = [...event.dataTransfer.files];
    if (!files.length) return;
    const transfer = new DataTransfer();
    files.forEach((file) => transfer.items.add(file));
    zone.querySelector("input[type=file]").files = transfer.files;
    say(zone);
    zone.closest("form").requestSubmit();
  });
  document.addEventListener("change", (event) => {
    const zone = zoneOf(event);
    if (zone && event.target.matches("input[type=file]")) say(zone);
  });
})();
