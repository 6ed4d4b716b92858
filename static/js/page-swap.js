/* Steps of a form that htmx posts (hx-post on the button, hx-target="body"): the answer is the next page. */
(function () {
  "use strict";

  function wholePage(event) {
    return event.detail && event.detail.target === document.body;
  }

  /* The focus goes where a page load would take a reader: to the error summary if the page shows one, else to
     the page's main heading (which names the step through aria-describedby). Screen readers then announce the
     new page, and the keyboard continues from its top. */
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target !== document.body) {
      return;
    }
    var target = document.getElementById("fehler") || document.querySelector("main h1") || document.getElementById("inhalt");
    if (!target) {
      return;
    }
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });

  /* While the answer is on its way (an upload can take a while), the form says so in its status line, which
     screen readers announce (role="status"). */
  function sendingNote(event) {
    var button = event.detail && event.detail.elt;
    return button && button.form ? button.form.querySelector("[data-sending]") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var note = sendingNote(event);
    if (note) {
      note.textContent = note.getAttribute("data-sending");
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var note = sendingNote(event);
    if (note) {
      note.textContent = "";
    }
  });

  /* An error answer (the form's security token expired, the draft was deleted, the file was too large for the
     server, a fault) is shown as a page load would show it, not dropped with the page left as it was. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (wholePage(event) && event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* No answer at all (the connection broke): the browser posts the form itself and shows what it gets, as
     without JavaScript. */
  document.addEventListener("htmx:sendError", function (event) {
    var button = event.target;
    if (button && button.form && button.getAttribute("hx-target") === "body") {
      button.form.requestSubmit(button);
    }
  });

  /* A page the browser restores from its back-forward cache may still have the button htmx disabled while the
     request ran before leaving. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("[data-disabled-by-htmx]").forEach(function (element) {
      element.disabled = false;
      element.removeAttribute("data-disabled-by-htmx");
    });
  });
})();
