"""axe-core in the page: no serious or critical violation of WCAG 2.2 A/AA or best practice."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()
OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


# While htmx has a request out, the form sending it is dimmed (`.htmx-request`, opacity .7,
# eased back over .2 s): its text is then meant to read as waiting. axe judges the page at rest.
_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


# True once the longest `delay:` of the page's htmx triggers (and 100 ms) has passed since the
# last typing (`conftest.LAST_INPUT`): an update the typing started has gone out by then.
_TRIGGERS_DUE = """() => {
  if (window.e2eLastInput === undefined) return true;
  let longest = 0;
  for (const element of document.querySelectorAll("[hx-trigger], [data-hx-trigger]")) {
    const spec = element.getAttribute("hx-trigger") || element.getAttribute("data-hx-trigger");
    for (const [, amount, unit] of spec.matchAll(/delay:(\\d+)(ms|s)/g)) {
      longest = Math.max(longest, amount * (unit === "s" ? 1000 : 1));
    }
  }
  return performance.now() - window.e2eLastInput > longest + 100;
}"""


def _at_rest(page) -> None:
    """Wait for an update typing is yet to start, then for one still out (a busy machine
    answers a live update late, and is slow to run axe: axe then measured a dimmed form's
    contrast, a failure no user at rest would meet). The editor's Tab, pressed just before
    axe ran, sent its update in the middle of axe's run (CPU slowed three times)."""
    page.wait_for_function(_TRIGGERS_DUE)
    if page.evaluate(f"() => !!document.querySelector({_BUSY!r})"):
        page.wait_for_function(f"() => !document.querySelector({_BUSY!r})")
        page.wait_for_timeout(250)  # the opacity's .2 s transition back


def serious_violations(page) -> list[str]:
    _at_rest(page)
    results = _AXE.run(page, options=OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
            )
    return found


def assert_accessible(page) -> None:
    found = serious_violations(page)
    assert not found, f"{page.url}:\n  " + "\n  ".join(found)
