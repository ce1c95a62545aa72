// The counter queue's pages (no inline script: the Content-Security-Policy allows none).
(function () {
  "use strict";
  var body = document.body;

  // the kiosk's receipt: print at once, then back to the first page for the next person
  if (body.hasAttribute("data-autoprint")) {
    window.addEventListener("load", function () {
      window.print();
      window.setTimeout(function () { window.location.href = body.getAttribute("data-home"); }, 20000);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });

  // the calling screen: a chime and a flash whenever a number is called or called again
  var live = document.getElementById("screen-live");
  if (!live) { return; }
  var chime = document.getElementById("chime");
  var stampOf = function () {
    var now = document.getElementById("screen-now");
    return now ? now.getAttribute("data-stamp") : "";
  };
  var last = stampOf();
  var ring = function () {
    body.setAttribute("data-chimes", String(Number(body.getAttribute("data-chimes") || 0) + 1));
    var now = document.getElementById("screen-now");
    if (now) { now.classList.add("flash"); }
    if (chime) {
      chime.currentTime = 0;
      var p = chime.play();
      if (p && p.catch) { p.catch(function () { body.setAttribute("data-sound", "blocked"); }); }
    }
  };
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== live) { return; }
    var stamp = stampOf();
    if (stamp && stamp !== last) { ring(); }
    last = stamp;
  });
  var on = document.getElementById("sound-on");
  if (on) {
    // browsers play sound only after a touch or click on the page: one tap when the screen starts
    on.addEventListener("click", function () {
      if (chime) { chime.play().catch(function () {}); }
      body.setAttribute("data-sound", "on");
      on.hidden = true;
    });
  }
})();
