"""The training package imports nothing heavy: `effiskel train --help` and config parsing
need only TrainConfig; torch arrives with `train`."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_importing_the_package_leaves_torch_ray_and_deepspeed_unimported():
    probe = (
        "import sys\n"
        "from effiskel.training import TrainConfig, format_prompt\n"
        "heavy = {'torch', 'ray', 'deepspeed', 'transformers', 'numpy'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "from effiskel.training import train\n"  # the lazy name still resolves
        "assert callable(train) and 'torch' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
