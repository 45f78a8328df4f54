// Live updates. The server sends `event: ticket` (data: the ticket number, or "*" for "refresh
// everything") whenever a ticket of the shop gets activity; the element marked data-live
// re-fetches itself. Pages work without JavaScript, just without live updates.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource || !window.htmx) return;
  var source = new EventSource("/events");
  // Exposed so tests (and curious people) can see whether the stream is connected.
  window.aftersailLive = source;
  source.addEventListener("ticket", function (event) {
    var only = live.getAttribute("data-ticket");
    if (only && event.data !== only && event.data !== "*") return;
    // Never pull rows from under someone who is selecting them.
    if (live.querySelector("input[type=checkbox]:checked")) return;
    htmx.ajax("GET", window.location.href, { target: "#" + live.id, select: "#" + live.id, swap: "outerHTML" })
      .then(function () { live = document.querySelector("[data-live]") || live; });
  });
})();
