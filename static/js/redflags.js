// Alert page: after a triage action swaps the panel in, move keyboard and screen-reader focus
// to its confirmation or first error, which would otherwise appear silently.
// The page works without this file.
document.addEventListener("htmx:afterSettle", () => {
  const panel = document.getElementById("triage");
  if (!panel) return;
  const message = panel.querySelector("[role=status], .is-invalid");
  if (message && document.activeElement !== message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
  }
});
