"""What the detectors run on here, and whether they give the golden outputs on this machine.

    python manage.py doctor                 # facts + the golden self-test (one input per model)
    python manage.py doctor --no-self-test  # facts only (no model is loaded)
    python manage.py doctor --json

Reports the CPU features that change kernels (AVX2, AVX-512, VNNI, AMX, NEON), the runtime
versions and whether they match requirements.lock, the precision each model runs with, and
the self-test, whose result it records for /ready's staff details. Exit status 1 when the
self-test fails: this machine's verdicts would not be the calibrated ones.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "CPU features, runtime versions, precision modes and the golden self-test."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-self-test", action="store_true", help="load no model")
        parser.add_argument("--json", action="store_true", help="one JSON document")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine import golden, runtime_facts

        report: dict[str, Any] = runtime_facts.facts()
        report["differs_from_lock"] = {
            name: {"locked": locked, "installed": installed or "(missing)"}
            for name, (locked, installed) in sorted(runtime_facts.lock_drift().items())
        }
        if not options["no_self_test"]:
            report["self_test"] = golden.self_test()
            report["precision_resolved"] = golden.resolved_precision()
            runtime_facts.record_self_test(report["self_test"])
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=1, sort_keys=True))
        else:
            self._print(report)
        if "self_test" in report and not report["self_test"]["ok"]:
            raise CommandError("golden self-test FAILED on this machine (see above)")

    def _print(self, report: dict[str, Any]) -> None:
        out = self.stdout.write
        out(f"machine   {report['machine']}, {report['cpu']}, {report['cores']} cores")
        features = report["cpu_features"]
        out("features  " + "  ".join(f"{k}={'yes' if v else 'no'}" for k, v in features.items()))
        out("versions  " + "  ".join(f"{k}={v or '-'}" for k, v in report["versions"].items()))
        drift = report["differs_from_lock"]
        out(f"lock      {'matches requirements.lock' if not drift else 'DIFFERS:'}")
        for name, pair in drift.items():
            out(f"          {name}: locked {pair['locked']}, installed {pair['installed']}")
        resolved = report.get("precision_resolved", {})
        for model, mode in report["precision"].items():
            out(
                f"precision {model}: {mode}"
                + (f" -> {resolved[model]}" if model in resolved else "")
            )
        test = report.get("self_test")
        if test is None:
            out("self-test not run (--no-self-test)")
            return
        out(f"self-test {'passed' if test['ok'] else 'FAILED'} ({test['seconds']} s)")
        for name, case in test["cases"].items():
            if "skipped" in case:
                out(f"          {name}: skipped ({case['skipped']})")
            else:
                out(f"          {name}: {'ok' if case['ok'] else 'MOVED'}")
                for problem in case["problems"]:
                    out(f"            {problem}")
