"""How scenario failures read in a pytest report.

A failing scenario item shows: where in the YAML the failing expectation was written (file:line
and the lines themselves), the expected-vs-actual diff, and the last wire lines of the call or
AMI session. Errors in the scenario itself (a ``module:function`` that does not import, a Faker
provider that does not exist) show file:line and the YAML, without a Python traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyst_sim.scenario.model import Case

__all__ = ["format_failure"]


def format_failure(exc: BaseException, case: Case) -> str | None:
    """The report text for ``exc`` raised by ``case``, or None for pytest's default."""
    from pyst_sim.errors import ScenarioError
    from pyst_sim.scenario.checks import ScenarioFailure

    kind = "call" if case.kind == "call" else "AMI session"
    head = f"scenario {case.where.path.name} {kind} {case.id!r} ({case.where})"
    if isinstance(exc, ScenarioFailure):
        count = len(exc.mismatches)
        noun = "difference" if count == 1 else "differences"
        return f"{head}: {count} {noun}\n\n{exc.render()}"
    if isinstance(exc, ScenarioError):
        return f"{head}: cannot run the scenario\n{exc}"
    return None
