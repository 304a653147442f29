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


def serious_violations(page) -> list[str]:
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
