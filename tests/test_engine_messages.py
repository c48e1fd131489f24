"""The engines' messages kzgraph reads, pinned to the engine versions they were checked against.

kzgraph classifies an engine's error in one function per engine (``kzgraph.backends.oxigraph.engine_error``,
``kzgraph.backends.rdflib.engine_error``; data parse errors in ``kzgraph.backends.oxrdf``). Each test below makes
the real engine raise, checks that the pattern kzgraph relies on still matches the engine's own words, and
checks the version: an upgrade past these versions fails here first, so the patterns are read again then.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import rdflib

from kzgraph.backends import Source
from kzgraph.backends.oxigraph import NOT_PROJECTED, engine_error
from kzgraph.backends.oxrdf import data_syntax_error
from kzgraph.backends.rdflib import UNKNOWN_PREFIX, RdflibBackend
from kzgraph.backends.rdflib import engine_error as rdflib_engine_error
from kzgraph.backends.syntax import _ENGINE
from kzgraph.errors import BackendError, DataSyntaxError, QueryParameterError, QuerySyntaxError

CHECKED = {"pyoxigraph": "0.5", "rdflib": "7"}


def test_the_patterns_were_checked_against_these_engine_versions() -> None:
    assert ox.__version__.startswith(CHECKED["pyoxigraph"] + "."), \
        f"pyoxigraph {ox.__version__}: read its messages again (patterns checked against {CHECKED['pyoxigraph']})"
    assert rdflib.__version__.split(".")[0] == CHECKED["rdflib"], \
        f"rdflib {rdflib.__version__}: read its messages again (patterns checked against {CHECKED['rdflib']})"


def test_pyoxigraph_syntax_errors_say_line_and_column_as_syntax_reads_them() -> None:
    with pytest.raises(SyntaxError) as raised:
        ox.Store().query("SELECT * WHERE { ?s ?p }")
    message = str(raised.value.msg)
    assert re.match(_ENGINE, message), message
    error = engine_error(raised.value, "SELECT * WHERE { ?s ?p }")
    assert isinstance(error, QuerySyntaxError)
    assert (error.line, error.column) == (1, 24)


def test_pyoxigraph_names_a_bound_variable_outside_the_projection() -> None:
    with pytest.raises(RuntimeError) as raised:
        ox.Store().query("SELECT ?a WHERE { ?a ?b ?c }", substitutions={ox.Variable("b"): ox.NamedNode("http://x")})
    assert re.search(NOT_PROJECTED, str(raised.value)), str(raised.value)
    error = engine_error(raised.value, "SELECT ?a WHERE { ?a ?b ?c }")
    assert isinstance(error, QueryParameterError) and "b" in str(error)


def test_another_pyoxigraph_failure_is_a_backend_error_naming_the_engine_words() -> None:
    error = engine_error(RuntimeError("disk full"), "INSERT DATA { <s> <p> <o> }", update=True)
    assert isinstance(error, BackendError) and str(error).endswith("update failed: disk full")


def test_pyoxigraph_data_errors_give_line_and_column() -> None:
    data = b"<http://a> <http://b> <not an iri> .\n"
    with pytest.raises(SyntaxError) as raised:
        list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    error = data_syntax_error(Source(data=data, format="nt", name="bad.nt"), raised.value)
    assert isinstance(error, DataSyntaxError)
    assert (error.line, error.column) == (1, 23)
    assert "Parser error" not in str(error)  # the engine's own location prefix is replaced by kzgraph's


def test_rdf_xml_errors_quote_the_iri_so_its_position_is_found() -> None:
    data = (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            b'  <rdf:Description rdf:about="ht tp://x"/>\n</rdf:RDF>\n')
    with pytest.raises(SyntaxError) as raised:
        list(ox.parse(data, format=ox.RdfFormat.RDF_XML))
    assert re.search(r"IRI '([^']+)'", str(raised.value.msg))
    error = data_syntax_error(Source(data=data, format="rdfxml", name="bad.rdf"), raised.value)
    assert (error.line, error.column) == (3, 31)


def test_rdflib_says_an_undeclared_prefix_in_a_bare_exception() -> None:
    with pytest.raises(Exception) as raised:  # rdflib raises a bare Exception here
        rdflib.Dataset().query("SELECT * WHERE { ?s foo:bar ?o }")
    assert type(raised.value) is Exception and UNKNOWN_PREFIX.fullmatch(str(raised.value)), str(raised.value)
    error = rdflib_engine_error(raised.value, "SELECT * WHERE { ?s foo:bar ?o }")
    assert isinstance(error, QuerySyntaxError) and (error.line, error.column) == (1, 21)


def test_rdflib_parse_errors_are_read_as_pyoxigraphs_are() -> None:
    backend = RdflibBackend()
    with pytest.raises(QuerySyntaxError) as raised:
        backend.query("SELECT * WHERE { ?s ?p }")
    assert raised.value.line == 1

