"""Every readiness fixture says how it was made: recorded from the simulator by the recording script (which
names the simulator release), or written by hand where the script has no recipe yet. Broken on purpose once
(service-pending.json, which has a recipe, marked as written by hand): the test failed on its header."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.readiness.record_fixtures import RECIPES, SCRIPT

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_fixture_says_how_it_was_made() -> None:
    names = sorted(path.stem for path in FIXTURES.glob("*.json"))
    assert set(RECIPES) <= set(names), "a recipe whose fixture was never recorded"
    for name in names:
        header = json.loads((FIXTURES / f"{name}.json").read_text())["_recorded"]
        if name in RECIPES:
            assert header["by"] == SCRIPT and header["state"] == name, header
            assert header["from"].startswith("vmservice-sim, Supervisor API release"), header
        else:
            assert header["by"] is None and "written by hand" in header["note"], header
