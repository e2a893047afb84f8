// The report's "Print" link. A file rather than an inline handler: the pages' content
// security policy runs no inline script.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-print]");
  if (link) {
    event.preventDefault();
    window.print();
  }
});
