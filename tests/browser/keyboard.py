"""Driving a page with the keyboard alone, checking each focus stop as a sighted keyboard user
would see it (WCAG 2.4.3 focus order, 2.4.7 focus visible, 2.4.11 focus not obscured).

`KeyboardUser.tab()` presses Tab and checks the element that received focus:
* it is visible: a screenshot of its area differs from one taken with focus elsewhere (so the
  focus indicator is whatever the page draws: outline, ring or stroke);
* it is not hidden behind something else (a sticky bar, a header): the point at its centre
  belongs to it;
* it comes after the previous stop in document order (no positive tabindex, no jumping back).
A visually hidden radio or checkbox (Bootstrap's .btn-check) is judged by its label, which is
what the page shows for it.
"""

from __future__ import annotations

from dataclasses import dataclass

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  let shown = el;
  if (el.classList.contains("btn-check") && el.id) {
    shown = document.querySelector(`label[for="${el.id}"]`) || el;
  }
  const box = shown.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  const atCentre = document.elementFromPoint(x, y);
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  const name = (el.getAttribute("aria-label") || label || el.textContent || el.value || "")
    .replace(/\\s+/g, " ").trim().slice(0, 80);
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    role: el.getAttribute("role") || "",
    name: name,
    box: {x: box.left, y: box.top, width: box.width, height: box.height},
    unobscured: Boolean(atCentre && (shown.contains(atCentre) || atCentre === el)),
    coveredBy: atCentre ? atCentre.outerHTML.slice(0, 100) : "",
    inViewport: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}"""
# Focus order: does the newly focused element follow the one marked before it?
FOLLOWS_PREVIOUS = """() => {
  const previous = document.querySelector("[data-kb-previous]");
  const current = document.activeElement;
  if (previous) previous.removeAttribute("data-kb-previous");
  current.setAttribute("data-kb-previous", "");
  // A swap (htmx) or a new page replaced the previous stop: order starts again.
  if (!previous || previous === current || !previous.isConnected) return true;
  return Boolean(previous.compareDocumentPosition(current) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""
POSITIVE_TABINDEX = """() => Array.from(document.querySelectorAll("[tabindex]"))
  .filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 120))"""
MARK = "window.__kbFocused = document.activeElement;"


@dataclass(frozen=True)
class FocusStop:
    tag: str
    type: str
    role: str
    name: str
    box: dict

    def __str__(self) -> str:
        kind = self.role or (f"{self.tag}[{self.type}]" if self.type else self.tag)
        return f"{kind} {self.name!r}"


class KeyboardUser:
    def __init__(self, page):
        self.page = page
        self.stops: list[FocusStop] = []
        # A script error would leave a key press silently doing nothing.
        self.script_errors: list[str] = []
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    # --- Checks ---------------------------------------------------------------------------------

    def _focus_is_drawn(self, box: dict) -> bool:
        """Compare the focused element's surroundings with and without focus."""
        page = self.page
        viewport = page.viewport_size
        margin = 8
        x = max(0, box["x"] - margin)
        y = max(0, box["y"] - margin)
        clip = {
            "x": x,
            "y": y,
            "width": max(1, min(viewport["width"], box["x"] + box["width"] + margin) - x),
            "height": max(1, min(viewport["height"], box["y"] + box["height"] + margin) - y),
        }
        focused = page.screenshot(clip=clip, animations="disabled")
        page.evaluate(f"() => {{ {MARK} document.activeElement.blur(); }}")
        unfocused = page.screenshot(clip=clip, animations="disabled")
        page.evaluate("() => window.__kbFocused.focus()")
        return focused != unfocused

    def check_focus(self, *, order: bool = True) -> FocusStop:
        page = self.page
        assert self.script_errors == [], f"Script errors: {self.script_errors}"
        state = page.evaluate(FOCUS_STATE)
        assert state is not None, (
            f"Focus was lost after {[str(s) for s in self.stops[-6:]]} (back to the page itself)"
        )
        stop = FocusStop(**{k: state[k] for k in ("tag", "type", "role", "name", "box")})
        assert state["inViewport"], f"{stop} has focus but is off screen"
        assert state["unobscured"], (
            f"{stop} has focus but something covers it (WCAG 2.4.11): {state['coveredBy']}"
        )
        assert self._focus_is_drawn(stop.box), f"{stop} has focus but shows no focus indicator"
        if order:
            assert page.evaluate(FOLLOWS_PREVIOUS), (
                f"Focus went back up the page to {stop} after {self.stops[-1:]}"
            )
        self.stops.append(stop)
        return stop

    def no_positive_tabindex(self) -> None:
        assert self.page.evaluate(POSITIVE_TABINDEX) == [], "tabindex > 0 breaks the focus order"

    # --- Moves ----------------------------------------------------------------------------------

    def new_page(self) -> None:
        """After a navigation: order starts again from the top."""
        self.page.wait_for_load_state("networkidle")
        self.no_positive_tabindex()

    def tab(self) -> FocusStop:
        self.page.keyboard.press("Tab")
        return self.check_focus()

    def tab_to(self, matches, *, limit: int = 80) -> FocusStop:
        """Tab until `matches(stop)`, checking every stop on the way."""
        for _ in range(limit):
            stop = self.tab()
            if matches(stop):
                return stop
        raise AssertionError(f"Not reached in {limit} tabs; stops: {[str(s) for s in self.stops]}")

    def press(self, key: str, *, check: bool = True) -> FocusStop | None:
        """A key that acts on the focused element (Enter, Space, arrows)."""
        self.page.keyboard.press(key)
        return self.check_focus(order=False) if check else None

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def named(name: str, *, role: str | None = None, exact: bool = False):
    def matches(stop: FocusStop) -> bool:
        found = stop.name == name if exact else name.lower() in stop.name.lower()
        return found and (role is None or stop.role == role or stop.tag == role)

    return matches
