// Which of site.css's selectors the pages can use (docs/decisions.md, "Small pages"): PurgeCSS
// keeps a rule when every class, tag and attribute word of its selector appears somewhere in the
// content below, and drops the rest of Bootstrap (about half of it: the utilities and grid
// variants no page uses). PT Tracker's own styles are between "purgecss start/end ignore"
// comments in site.scss and are kept whole.
//
// A class name that only ever exists in pieces ("alert-" + a level) is invisible to this scan:
// spell it out in the template or Python code, or add it to the safelist with the reason.
module.exports = {
  content: [
    "templates/**/*.html",
    "*/templates/**/*.html",
    // Class names in forms, widgets, template tags and format_html().
    "{accounts,audit,care,core,dashboard,exercises,fhir_export,ops,outcomes,pt_tracker,redflags,reminders,symptoms}/**/*.py",
    "assets/js/*.js",
    "static/js/*.js",
    // The form layouts of crispy-forms (its Bootstrap 5 templates, from the virtualenv).
    ".venv/lib/python3*/site-packages/crispy_bootstrap5/templates/**/*.html",
    // The classes Bootstrap's collapse sets while it opens and closes the menu.
    "node_modules/bootstrap/js/src/collapse.js",
  ],
  safelist: {
    standard: [
      // templates/includes/messages.html: "alert-" + the message's level.
      "alert-success",
      "alert-info",
      "alert-warning",
      "alert-danger",
      // redflags: "alert-" + done_level.
    ],
  },
};
