/*! Bootstrap v5.3 collapse plugin (https://getbootstrap.com/) | Copyright 2011-2025 The Bootstrap Authors | MIT License */
// Only the Bootstrap JavaScript the templates use, from its ES module sources (package-lock.json):
// the collapse behind the navbar's menu button (data-bs-toggle="collapse"). Importing a plugin
// registers its data-bs-* handlers. site.js bundles it into static/build/site.js.
import "bootstrap/js/src/collapse.js";
