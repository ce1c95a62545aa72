// "In" buttons: the Content-Security-Policy allows no inline handler, so they are bound here.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
