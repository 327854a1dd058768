"""Writes .ci/requirements-nodeps.lock: the --no-deps packages pinned with their file hashes.

pip-compile cannot lock a package without its declared dependencies, so these few are
downloaded one by one (no dependencies) and hashed here. Run by .ci/relock.
"""

import hashlib
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / ".ci" / "requirements-nodeps.txt"
LOCK = ROOT / ".ci" / "requirements-nodeps.lock"


def requirements() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in SOURCE.read_text().splitlines())
    return [line for line in lines if line]


def main() -> int:
    out = [
        "# Locked by `bash .ci/relock` from .ci/requirements-nodeps.txt; installed with --no-deps.",
        "# Do not edit by hand.",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for requirement in requirements():
            target = pathlib.Path(tmp) / requirement.replace("=", "_")
            command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
            # The requirement is a line of the project's own file, not outside input.
            subprocess.run([*command, "-d", str(target), requirement], check=True)  # noqa: S603
            (archive,) = sorted(target.iterdir())
            digest = hashlib.sha256(archive.read_bytes()).hexdigest()
            out.append(f"{requirement} \\\n    --hash=sha256:{digest}")
    LOCK.write_text("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
