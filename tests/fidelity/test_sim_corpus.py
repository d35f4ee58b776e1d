"""The corpus translated from VM Operator's webhook tests against the simulator's admission: every case as a
server-side dry run through the real apiserver, as the case's identity, on one simulator per release.

Agreement must be 100 % of the cases not listed in `sim_skips.SIM_SKIPS`; the test prints the rate, the time
per case and the sim-skips with their reasons.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import run_needing_tools
from tests.fidelity.corpus import RELEASES, load
from tests.fidelity.sim_runner import CorpusSimulator, compare, order
from tests.fidelity.sim_skips import SIM_SKIPS, reason

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.integration

CASES, _ = load()


@pytest.fixture(scope="module", params=RELEASES)
def corpus_simulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, CorpusSimulator]]:
    from vmservice_sim.simulator import Simulator, SimulatorOptions

    release = str(request.param)
    sim: Simulator = Simulator(
        Path(tmp_path_factory.mktemp(f"corpus-{release}")),
        SimulatorOptions(api_release=release, test_fixtures=True, controllers=False, sync_interval=3600),
    )
    try:
        run_needing_tools(sim.start)
        yield release, CorpusSimulator.attach(sim)
    finally:
        sim.stop()


def test_the_simulator_admits_as_upstream_does(
    corpus_simulator: tuple[str, CorpusSimulator], capsys: pytest.CaptureFixture[str]
) -> None:
    release, runner = corpus_simulator
    cases = order([c for c in CASES if c.release == release])
    begun = time.monotonic()
    runner.prepare(cases)
    disagreements: list[str] = []
    stale_skips: list[str] = []
    skipped: list[str] = []
    judged = agreed = 0
    for case in cases:
        why_skipped = reason(case.id, release)
        verdict = compare(case, runner.run(case))
        if why_skipped is not None:
            skipped.append(f"  {case.test_id}: {why_skipped}")
            if verdict.agrees:
                stale_skips.append(case.test_id)
            continue
        judged += 1
        if verdict.agrees:
            agreed += 1
        else:
            disagreements.append(f"  {case.test_id} ({case.file}): {verdict.why}")
    elapsed = time.monotonic() - begun
    with capsys.disabled():
        print(
            f"\nsimulator {release}: {agreed}/{judged} corpus cases agree with upstream "
            f"({100.0 * agreed / max(judged, 1):.1f} %), {len(skipped)} sim-skipped; "
            f"{elapsed:.1f} s ({1000 * elapsed / max(len(cases), 1):.0f} ms per case)"
        )
        if skipped:
            print("sim-skips:\n" + "\n".join(skipped))
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(disagreements)
    assert not stale_skips, f"sim-skipped but agreeing (remove from SIM_SKIPS): {stale_skips}"


def test_every_sim_skip_names_a_corpus_case() -> None:
    known = {c.id for c in CASES} | {c.test_id for c in CASES}
    assert set(SIM_SKIPS) <= known, sorted(set(SIM_SKIPS) - known)
