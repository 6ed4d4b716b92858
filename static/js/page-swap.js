/* After htmx has put a whole new page into the body (a form step answered with the next page), the focus goes
   where a page load would take a reader: to the error summary if the page shows one, else to the page's main
   heading. Screen readers then announce the new page, and the keyboard continues from its top. */
(function () {
  "use strict";
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
})();
