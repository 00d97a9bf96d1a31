"""The report an author reads beside the paper, and ``--json`` for tools.

One line per problem, ``FILE.tex:LINE: status: message``, with the source line under it; a summary
per chain and per file; the conventions applied. Exit 1 if a link does not follow or has a shape
error (with ``--strict``, if any link is neither ok nor skipped), 0 otherwise.
"""

from __future__ import annotations

import json

from .check import FileResult
from .links import CANNOT, FALSE, NOT_UNDERSTOOD, OK, SHAPE, SKIPPED, STATUSES
from .values import TOLERANCE

FAILING = (FALSE, SHAPE)


def summary(outcomes) -> str:
    """``12 links: 7 verified, 1 does not follow, 4 not checked`` (``2 do not follow``)."""
    counts = {s: sum(o.status == s for o in outcomes) for s in STATUSES}
    parts = [f"{counts[OK]} verified"]
    parts += [f"{counts[FALSE]} {'does' if counts[FALSE] == 1 else 'do'} not follow"] if counts[FALSE] else []
    parts += [f"{counts[SHAPE]} shape error{'s' * (counts[SHAPE] > 1)}"] if counts[SHAPE] else []
    unchecked = counts[CANNOT] + counts[NOT_UNDERSTOOD] + counts[SKIPPED]
    parts += [f"{unchecked} not checked"] if unchecked else []
    total = len(outcomes)
    return f"{total} link{'s' * (total != 1)}: " + ", ".join(parts)


def text_report(results: list[FileResult]) -> str:
    lines = []
    for result in results:
        for problem in result.problems:
            column = f":{problem.column}" * bool(problem.column)
            lines += [
                f"{problem.path}:{problem.line}{column}: {problem.message}",
                shown(result, problem.path, problem.line),
            ]
        for chain_line, outcomes in result.chains:
            for o in outcomes:
                if o.status in (OK, SKIPPED):
                    continue
                figure = (
                    f" (relative error {o.figure:.2g})" if o.status == FALSE and o.figure is not None else ""
                )
                message = f": {o.message}" if o.message else ""
                lines += [f"{o.path}:{o.line}: {o.status}{message}{figure}", shown(result, o.path, o.line)]
            path = outcomes[0].path if outcomes else result.path
            lines.append(f"{path}:{chain_line}: chain of {summary(outcomes)}")
        conventions = sorted({c for o in result.outcomes for c in o.conventions})
        if conventions:
            lines.append(f"{result.path}: conventions applied: {'; '.join(conventions)}")
        lines.append(f"{result.path}: {summary(result.outcomes)}")
    return "\n".join(lines)


def shown(result: FileResult, path: str, line: int) -> str:
    source = result.sources.get(path)
    return "    " + (source.line_text(line).strip() if source else "")


def json_report(results: list[FileResult]) -> str:
    files = []
    for result in results:
        links = [
            {
                "file": o.path,
                "line": o.line,
                "status": o.status,
                "message": o.message,
                "left": o.left,
                "relation": o.relation,
                "right": o.right,
                "reason": o.reason,
                **figures(o),
                "conventions": list(o.conventions),
            }
            for o in result.outcomes
        ]
        problems = [{"file": p.path, "line": p.line, "message": p.message} for p in result.problems]
        files.append(
            {"file": result.path, "summary": summary(result.outcomes), "links": links, "problems": problems}
        )
    return json.dumps({"files": files}, indent=2)


def figures(o) -> dict:
    """A passing link's bound (its measured error is rounding noise that changes with the machine), a
    failing one's relative error."""
    if o.status == OK:
        return {"within": TOLERANCE, "relative_error": None}
    finite = o.figure is not None and o.figure < float("inf")
    return {"within": None, "relative_error": float(f"{o.figure:.3g}") if finite else None}


def exit_code(results: list[FileResult], strict: bool) -> int:
    outcomes = [o for r in results for o in r.outcomes]
    if any(o.status in FAILING for o in outcomes):
        return 1
    unchecked = any(o.status not in (OK, SKIPPED) for o in outcomes) or any(r.problems for r in results)
    return 1 if strict and unchecked else 0
