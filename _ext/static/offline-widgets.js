/* Lets the ipywidgets HTML manager render saved widget state in this book with no network.
 * Loaded after RequireJS and before the manager's bundle (nb_ipywidgets_js in _config.yml).
 *
 * 1. The bundle defines the AMD modules "@jupyter-widgets/..." and loads its fonts from beside
 *    the place RequireJS would fetch those modules from (a CDN by default): point RequireJS at
 *    the book's own copy in _static/offline/jupyter-widgets/ (tools/book_assets.py).
 * 2. ipywidgets 8 typesets widget labels with the MathJax 2 API, MathJax.Hub.Queue
 *    (jupyter-widgets/ipywidgets#3829), and throws under MathJax 3, which this book ships: give
 *    MathJax 3 that one call, queued after MathJax's own start-up. Labels write math as $...$
 *    (as in Jupyter); the book's MathJax reads \(...\) and \[...\] only, so the label's text is
 *    rewritten to those first.
 */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (here && window.require && window.require.config) {
    window.require.config({
      paths: { "@jupyter-widgets": new URL("offline/jupyter-widgets", here).href },
    });
  }
  function dollarsToDelimiters(node) {
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var text = walker.nextNode(); text; text = walker.nextNode()) {
      if (text.nodeValue.indexOf("$") >= 0) {
        text.nodeValue = text.nodeValue
          .replace(/\$\$([^$]+)\$\$/g, "\\[$1\\]")
          .replace(/\$([^$]+)\$/g, "\\($1\\)");
      }
    }
  }
  // Deferred scripts (MathJax) have run by DOMContentLoaded; the widgets render on "load".
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub || !mj.startup || !mj.startup.promise || !mj.typesetPromise) {
      return;
    }
    mj.Hub = {
      Queue: function (job) {
        var node = job && job[2];
        if (!node) {
          return;
        }
        dollarsToDelimiters(node);
        mj.startup.promise = mj.startup.promise
          .then(function () { return mj.typesetPromise([node]); })
          .catch(function (err) { console.error("MathJax could not typeset a widget: " + err); });
      },
    };
  });
})();
