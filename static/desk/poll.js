// Desk pages that refresh themselves with htmx (the bell, the queue, the lead home): the
// elements marked data-poll. No inline script anywhere: the CSP allows this site's files only.
(function () {
  "use strict";

  function polling(element) {
    return element && element.closest && element.closest("[data-poll]") !== null;
  }

  // A hidden tab does not poll; it catches up when it is shown again (visibilitychange).
  document.addEventListener("htmx:confirm", function (event) {
    if (document.visibilityState === "hidden" && polling(event.target)) {
      event.preventDefault();
    }
  });

  // Polls are not a person at work: the server does not renew the idle session for them.
  document.addEventListener("htmx:configRequest", function (event) {
    if (polling(event.detail.elt)) {
      event.detail.headers["X-Desk-Poll"] = "1";
    }
  });

  // Signed out meanwhile (the idle timeout): the poll was sent to the sign-in page. Reload,
  // so the person sees that page instead of a sign-in form inside the header.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!polling(event.detail.elt) || !xhr || !xhr.responseURL) {
      return;
    }
    var asked = new URL(event.detail.pathInfo.requestPath, window.location.href).pathname;
    if (new URL(xhr.responseURL).pathname !== asked) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
})();
