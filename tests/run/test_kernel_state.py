"""kernel_state.py, what a report's kernel runs: the cores it prepares on."""

from __future__ import annotations

import os

import pytest

from nianbao.run.kernel_state import spared

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="the system does not let a process choose its cores")


@pytest.fixture
def cores():
    before = os.sched_getaffinity(0)
    yield before
    os.sched_setaffinity(0, before)


class TestSpared:
    def test_runs_on_every_core_but_the_first_within_the_block_then_on_all(self, cores):
        if len(cores) < 2:
            os.sched_setaffinity(0, cores)
            pytest.skip("this machine gives the tests one core")  # the next test covers one core
        with spared(True):
            assert os.sched_getaffinity(0) == cores - {min(cores)}
        assert os.sched_getaffinity(0) == cores

    def test_on_all_cores_again_after_an_error(self, cores):
        with pytest.raises(RuntimeError), spared(True):
            raise RuntimeError
        assert os.sched_getaffinity(0) == cores

    def test_a_process_on_one_core_keeps_it(self, cores):
        one = {min(cores)}
        os.sched_setaffinity(0, one)
        with spared(True):
            assert os.sched_getaffinity(0) == one

    def test_nothing_spared_unless_asked(self, cores):
        with spared(False):
            assert os.sched_getaffinity(0) == cores
