"""The GC handling around builds and solves (planner/pyomo_fast/gc_quiet.py) leaves nothing frozen and frees models."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

from model_tables import make_case, synthetic_case

from planner.pyomo_fast.gc_quiet import leave_alive_objects_alone, promote_built
from planner.solve import PlanningModel


def test_a_solve_leaves_nothing_frozen_and_a_dropped_model_is_freed():
    """After a solve by sites no object stays in the permanent generation, and the planning model, once
    dropped, is freed by the collector like any other object."""
    pm = PlanningModel(synthetic_case(16, 4, 2))
    assert gc.get_freeze_count() == 0
    result = pm.solve(strategy="sites", mip_gap=0.01)
    assert result.solve.objective_cny is not None
    assert gc.get_freeze_count() == 0
    model = weakref.ref(pm.model)
    del pm, result
    gc.collect()
    assert model() is None


def test_nested_blocks_unfreeze_once_the_outer_one_ends():
    kept = [[i] for i in range(1000)]
    with leave_alive_objects_alone():
        assert gc.get_freeze_count() >= len(kept)
        with leave_alive_objects_alone():
            promote_built()  # inside a block: leaves the frozen objects as they are
            assert gc.get_freeze_count() >= len(kept)
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_the_build_leaves_nothing_frozen():
    PlanningModel(make_case())
    assert gc.get_freeze_count() == 0


def test_the_command_line_leaves_its_garbage_to_the_exit(tmp_path):
    """`planner` (cli.main) freezes what is left when it is done, whatever the outcome, so that the
    interpreter's last collector pass does not walk the dropped models: a real process runs `main` on
    `--version` and on an invalid argument and reports the freeze count after each."""
    script = tmp_path / "probe.py"
    script.write_text(
        "import gc\n"
        "from planner.cli import main\n"
        "for args in (['--version'], ['solve', '--gap', '7']):\n"
        "    gc.unfreeze()\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exit:\n"
        "        code = exit.code\n"
        "    print(args[0], code, gc.get_freeze_count() > 0)\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-2:] == ["--version 0 True", "solve 2 True"], run.stdout
