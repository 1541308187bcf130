// Search is the one page that needs JavaScript: it starts Pagefind's UI over the site's own
// index. Without JavaScript the page keeps its links to the archive and the wijken.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("zoeken");
  if (!box || typeof PagefindUI === "undefined") return;
  var fallback = box.querySelector(".zoeken__zonder-js");
  if (fallback) fallback.remove();
  var escape = function (text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  };
  var ui = new PagefindUI({
    element: "#zoeken",
    bundlePath: box.dataset.bundle,
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    autofocus: false,
    processResult: function (result) {
      var meta = [result.meta.datum, result.meta.wijk].filter(Boolean).join(" · ");
      if (meta) result.excerpt = '<span class="zoeken__meta">' + escape(meta) + "</span> " + result.excerpt;
      return result;
    },
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
