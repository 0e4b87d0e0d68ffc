// The upload form: a preview of the chosen image, drag and drop, and paste from the clipboard.
// Without JavaScript the plain file input and form post still work.
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.querySelector("[data-dropzone]");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const preview = zone.querySelector("[data-preview]");

  const show = () => {
    const file = input.files && input.files[0];
    if (!file || !file.type.startsWith("image/")) {
      preview.hidden = true;
      return;
    }
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
  };
  const use = (files) => {
    if (!files || !files.length) return;
    const transfer = new DataTransfer();
    transfer.items.add(files[0]);
    input.files = transfer.files;
    show();
  };

  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((name) =>
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    })
  );
  ["dragleave", "drop"].forEach((name) =>
    zone.addEventListener(name, () => zone.classList.remove("dragging"))
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    use(event.dataTransfer.files);
  });
  document.addEventListener("paste", (event) => {
    const files = [...event.clipboardData.items]
      .filter((item) => item.kind === "file" && item.type.startsWith("image/"))
      .map((item) => item.getAsFile());
    if (files.length) use(files);
  });
});
