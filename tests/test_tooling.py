"""Development tooling that operators rely on: `make audit`."""

import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_pip_audit_is_pinned_in_the_development_requirements_and_installed():
    pins = (ROOT / "requirements-dev.txt").read_text()
    pinned = re.search(r"^pip-audit==(\S+)$", pins, flags=re.MULTILINE)
    assert pinned, "pip-audit is not pinned in requirements-dev.txt"
    assert version("pip-audit") == pinned.group(1)


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_audit_checks_the_installed_packages_strictly():
    # -n prints the recipe without running it (nothing is installed or fetched).
    result = subprocess.run(
        ["make", "-n", "audit"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "pip-audit --strict" in result.stdout
