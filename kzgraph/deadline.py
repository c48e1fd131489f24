"""Deadlines for work an embedded engine cannot stop: a federated query's calls, a command's engine call.

pyoxigraph (and rdflib) follow ``SERVICE <url>`` over HTTP with no timeout, and cannot cancel a running
query. So such work runs on a daemon thread that the caller waits for, with a deadline (``within``) or until
interrupted (``interruptible``): the caller gets its answer, its exception, ``EndpointTimeoutError`` naming
the endpoints, or ``KeyboardInterrupt``; work that is given up finishes (or not) on its thread.

>>> within("SELECT * { ?s ?p ?o }", lambda: 42, seconds=0.1)   # no SERVICE: called directly
42
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from .errors import EndpointTimeoutError
from .sparqltext import remote_calls

__all__ = ["DEFAULT_TIMEOUT", "interruptible", "within"]

T = TypeVar("T")

#: Seconds a federated query's calls are waited for unless a caller says otherwise.
DEFAULT_TIMEOUT = 30.0


class _Work:
    """``call()`` on a daemon thread; ``wait`` for it, then ``reraise`` what it raised."""

    def __init__(self, call: Callable[[], object], name: str) -> None:
        self._call, self._done = call, threading.Event()
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def _run(self) -> None:
        try:
            self._call()
        except BaseException as exc:  # noqa: BLE001  # handed to the waiting thread, which raises it
            _clear_frames(exc)
            self._error = exc
        finally:
            self._done.set()

    def wait(self, seconds: float | None = None) -> bool:
        """True when done; KeyboardInterrupt reaches the waiting thread (the wait is interruptible)."""
        return self._done.wait(seconds)

    def reraise(self) -> None:
        if self._error is not None:
            raise self._error


def _clear_frames(exc: BaseException | None) -> None:
    """Drop the local variables of the frames ``exc`` went through (and of its causes), here: an engine's
    objects must be dropped on the thread that made them (pyoxigraph's results refuse to go elsewhere)."""
    import traceback  # only when work failed: off the start-up path

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def within(sparql: str, call: Callable[[], T], *, seconds: float, bound: Iterable[str] = ()) -> T:
    """``call()``, which runs ``sparql``; when that calls other endpoints (SERVICE), waited for ``seconds``.
    ``bound``: the IRIs bound to its parameters, which name an endpoint that the text names by a variable."""
    targets = [target for keyword, target in remote_calls(sparql) if keyword == "SERVICE"]
    if not targets:
        return call()
    answer: list[T] = []
    work = _Work(lambda: answer.append(call()), "kzgraph-federated")
    if not work.wait(seconds):
        by_variable = " or ".join(f"<{iri}>" for iri in bound) or "an endpoint given by a variable"
        names = ", ".join(f"<{t}>" if t else by_variable for t in targets)
        raise EndpointTimeoutError(names, f"no answer within {seconds:g} s, so the federated query was given up "
                                          "(--timeout or timeout= sets the deadline)")
    work.reraise()
    return answer[0]


def interruptible(call: Callable[[], T]) -> T:
    """``call()`` on another thread, so that Ctrl-C (KeyboardInterrupt) reaches this one at once."""
    answer: list[T] = []
    work = _Work(lambda: answer.append(call()), "kzgraph-command")
    work.wait()
    work.reraise()
    return answer[0]
