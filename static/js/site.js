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
})();
