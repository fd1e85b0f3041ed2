/* Small behaviours of the site's pages. No inline scripts or event handlers anywhere:
   the Content-Security-Policy allows scripts from our own files only. */
(function () {
  "use strict";

  /* A "select all" box: <input type="checkbox" data-select-all=".selector"> ticks or
     clears every box the selector matches. */
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.matches || !all.matches("input[type=checkbox][data-select-all]")) return;
    document.querySelectorAll(all.dataset.selectAll).forEach(function (box) {
      box.checked = all.checked;
    });
  });

  /* A file input with data-max-bytes refuses a larger file before it is sent, with the
     message in data-too-large (the server checks again before reading the upload). */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var max = Number(input.dataset.maxBytes);
    var tooLarge = Array.prototype.some.call(input.files || [], function (file) {
      return file.size > max;
    });
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    if (tooLarge) input.reportValidity();
  });

  /* Forms are `novalidate` (the server's messages are the ones people see), so stop
     a form holding a file that is too large here. */
  document.addEventListener("submit", function (event) {
    var refused = event.target.querySelector("input[type=file][data-max-bytes]:invalid");
    if (!refused) return;
    event.preventDefault();
    refused.reportValidity();
  });
})();
