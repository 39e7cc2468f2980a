// The mapping page's language switch sends the form first (to the preview, which keeps it
// and shows the page again in the language chosen), so that the columns and options chosen
// and not yet sent are not lost. Without this script the switch is the plain link.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("mapping-form");
  if (!form || !form.dataset.preview) return;
  for (const link of document.querySelectorAll("#languages a[href]")) {
    link.addEventListener("click", (event) => {
      const lang = link.getAttribute("hreflang");
      if (!lang) return;
      event.preventDefault();
      form.action = `${form.dataset.preview}?lang=${encodeURIComponent(lang)}`;
      form.submit();
    });
  }
});
