// The script of every page, bundled and minified by `make assets` into static/build/site.js
// (docs/decisions.md, "Small pages"): one request instead of four on a patient's first load.
// Every page works without it. In order:
import "./bootstrap.js"; // the navbar's collapse, from Bootstrap's ES module sources
import "./print-button.js"; // "Print" buttons
// Entries saved on the phone while offline; /sw.js loads the same file for the service worker.
import "../../static/js/offline-store.js";
import "./pwa.js"; // the installable app on the page side (issue 17)
