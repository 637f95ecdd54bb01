// Filters the timeline excerpts as the reader types, and opens every
// folded record before printing. No network, no storage.
(function () {
  "use strict";
  var box = document.getElementById("tl-search");
  var count = document.getElementById("tl-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.tl-row"));
  function apply() {
    var q = box.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = q === "" || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = q === "" ? rows.length + " events" : shown + " of " + rows.length + " events match";
  }
  if (box && count) {
    box.addEventListener("input", apply);
    apply();
  }
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
