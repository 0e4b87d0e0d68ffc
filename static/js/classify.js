// The upload form: a preview of the chosen image, drag and drop, paste from the clipboard, the
// camera (a photo on phones, a frame of the live camera on desktops), and the class list and
// examples of the chosen classifier. Without JavaScript the plain file input and form post work.
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.querySelector("[data-dropzone]");
  if (!zone) return;
  const input = zone.querySelector("input[name=image]");
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

  const camera = zone.querySelector("[data-camera]");
  camera.hidden = false;
  camera.querySelector("[data-camera-input]").addEventListener("change", (event) => {
    use(event.target.files);
  });
  const video = camera.querySelector("[data-camera-video]");
  const start = camera.querySelector("[data-camera-start]");
  const take = camera.querySelector("[data-camera-take]");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) start.remove();
  start.addEventListener("click", async () => {
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
    } catch (error) {
      start.textContent = "No camera available";
      start.disabled = true;
      return;
    }
    await video.play();
    video.hidden = take.hidden = false;
    start.hidden = true;
  });
  take.addEventListener("click", () => {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    video.srcObject.getTracks().forEach((track) => track.stop());
    video.hidden = take.hidden = true;
    start.hidden = false;
    canvas.toBlob((blob) => use([new File([blob], "camera.png", { type: "image/png" })]));
  });

  const choice = document.querySelector("select[name=classifier]");
  const chosen = () => {
    document.querySelectorAll(".classifier-info").forEach((info) => {
      info.hidden = choice && info.dataset.classifier !== choice.value;
    });
  };
  if (choice) choice.addEventListener("change", chosen);
  chosen();
});
