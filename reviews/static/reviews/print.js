// The "Print / save as PDF" button: the browser's print dialog is the PDF export.
// A file, not an inline handler: the Content-Security-Policy allows scripts from this site only.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
