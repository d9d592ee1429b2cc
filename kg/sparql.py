"""SPARQL text read the way a SPARQL engine reads it: tokens, the keywords they hold, and size limits.

Whether a query may run is decided on its tokens, following the terminals of the SPARQL 1.1
grammar (https://www.w3.org/TR/sparql11-query/#sparqlGrammar): a bare word outside strings,
IRIs, comments, variables and prefixed names can only be a keyword, so SERVICE is refused where
it is a token, never because the letters appear in a comment, an IRI or a name.

Where parsers read the same text differently, every reading is lexed and a query is refused if
any of them names SERVICE (the first two differences were seen to reach a listener on 127.0.0.1
through Oxigraph):

- Oxigraph 0.5's parser (a PEG) ends a prefixed name's local part after its first run of dots
  (``ex:a.b.SERVICE <…> {…}`` calls the service), the spec after its last: both are lexed.
- The PEG matches keywords without a word boundary: ``trueSERVICE <…> {…}``, ``SERVICESILENT``
  and ``SERVICE:x {…}`` all call the service, so a bare word or a prefix that *contains* SERVICE
  counts as SERVICE.
- The spec expands ``\\uXXXX`` escapes everywhere before parsing (``\\u0053ERVICE``), and
  Jena's JavaCC parser all but those after an odd number of backslashes; Oxigraph only inside
  strings and IRIs. For a remote server all three readings are lexed.

Another library's parser was measured and not used: rdflib's takes 0.16-0.38 s to import and
25-110 ms a query, recurses (4,000 nested groups raise RecursionError), and rejects
``ex:a.b.SERVICE <…> {…}`` and ``trueSERVICE <…> {…}``, which Oxigraph runs: its algebra cannot
say what the engine will do.

The same pass measures what would crash or stall the engine (its parser and evaluator recurse:
4,000 nested groups or 8,000 chained UNIONs were a SIGSEGV) and refuses it before the engine
sees it. The pass is linear: every token pattern is free of nested ambiguity, prefixes are
matched without dots (``a.b:x`` is read as ``a``, ``.``, ``b:x``, which hides nothing) and a
string that does not close ends the pass.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

#: Longest query read, in characters (a query file of 2 MB is already machine-made).
MAX_QUERY_CHARS = 2_000_000
#: Deepest nesting of { ( [ <<: the engine recurses once or more per level.
MAX_NESTING = 128
#: Most operators that each add a level to the engine's tree (UNION, OPTIONAL, MINUS, BIND,
#: FILTER, ||, &&, +, -, *, /, |, !, groups): a chain of them is as deep as it is long.
MAX_OPERATORS = 4_000


class QueryError(Exception):
    """A query that is malformed, refused, or that cannot run: exit code 2."""


class QueryLimit(QueryError):
    """A query, or its answer, past one of the limits (size, nesting, time, rows, bytes, memory): exit code 3."""


@dataclass(frozen=True)
class Shape:
    """What the lexer found in a query, over all its readings."""

    service: bool  # a SERVICE keyword: the query would call another server
    dataset: bool  # a FROM (or FROM NAMED) clause: the query picks its own graphs
    depth: int
    operators: int

    def __or__(self, other: Shape) -> Shape:
        return Shape(
            self.service or other.service,
            self.dataset or other.dataset,
            max(self.depth, other.depth),
            max(self.operators, other.operators),
        )


# The grammar's character classes (PN_CHARS_BASE, PN_CHARS_U, PN_CHARS, VARNAME), with every
# character past ASCII allowed in a name. Outside strings, IRIs and comments a query is ASCII but
# for its names, so a wider name hides nothing: a character the grammar does not allow in a name
# makes the query malformed to every parser. (And a class that excludes ASCII compiles in 0.2 ms;
# the grammar's Unicode ranges took 130 ms, at every start.)
def _names(ascii_allowed: str) -> str:
    """A character class: every character past ASCII, and these ASCII ones."""
    banned = "".join(f"\\x{code:02x}" for code in range(128) if chr(code) not in ascii_allowed)
    return f"[^{banned}]"


_LETTERS = string.ascii_letters
_BASE = _names(_LETTERS)
_U = _names(_LETTERS + "_")
_U_DIGIT = _names(_LETTERS + "_0123456789")  # VARNAME, and the first character of a local part or label
_CHARS = _names(_LETTERS + "_-0123456789")
_CHARS_COLON = _names(_LETTERS + "_-0123456789:")
_START_LOCAL = _names(_LETTERS + "_0123456789:")
_ESCAPE = r"""\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

# A prefixed name's local part, as the spec reads it (dots anywhere inside) and as Oxigraph 0.5
# does (one run of dots, then the name ends). Possessive quantifiers (*+, ++) never give back what
# they matched: no pattern here can try a text in more than one way.
_NAME = rf"(?:{_CHARS_COLON}++|{_PLX})"
_LOCAL_SPEC = rf"(?:{_START_LOCAL}|{_PLX}){_NAME}*+(?:\.++{_NAME}++)*+"
_LOCAL_PEG = rf"(?:{_START_LOCAL}|{_PLX}){_NAME}*+(?:\.++{_NAME}++)?+"


def _tokens(local: str) -> re.Pattern[str]:
    """One pattern for every token, tried in this order at each position."""
    return re.compile(
        rf"""
        [ \t\r\n]*+
        (?:(?P<comment>\#[^\r\n]*+)
        |(?P<string>'''(?:(?:''|')?+(?:[^'\\]++|{_ESCAPE}))*+'''
                   |\"\"\"(?:(?:\"\"|\")?+(?:[^"\\]++|{_ESCAPE}))*+\"\"\"
                   |'(?:[^'\\\r\n]++|{_ESCAPE})*+'
                   |"(?:[^"\\\r\n]++|{_ESCAPE})*+")
        |(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*+>)
        |(?P<var>[?$]{_U_DIGIT}++)
        |(?P<bnode>_:{_U_DIGIT}{_CHARS}*+(?:\.++{_CHARS}++)*+)
        |(?P<prefix>(?:{_BASE}{_CHARS}*+)?):(?P<local>{local})?
        |(?P<word>{_U}{_CHARS}*+)
        |(?P<number>(?:[0-9]++(?:\.[0-9]++)?+|\.[0-9]++)(?:[eE][+-]?[0-9]++)?+)
        |(?P<lang>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--[a-zA-Z]++)?+)
        |(?P<op><<\(|\)>>|\|\||&&|\^\^|<=|>=|!=|<<|>>|\{{\||\|\}}|[{{}}\[\]();,.+\-*/<>=!^|~?])
        |(?P<other>.)
        |(?P<end>\Z))
        """,
        re.VERBOSE | re.DOTALL,
    )


_SPEC = _tokens(_LOCAL_SPEC)
_PEG = _tokens(_LOCAL_PEG)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")  # the spec: every escape
_JAVA_UCHAR = re.compile(r"(?<!\\)((?:\\\\)*)\\u+([0-9A-Fa-f]{4})")  # Java's: not after an odd run of backslashes

_OPEN = frozenset(("{", "(", "[", "<<", "<<(", "{|"))
_CLOSE = frozenset(("}", ")", "]", ">>", ")>>", "|}"))
_CHAINING_WORDS = frozenset(
    ("UNION", "OPTIONAL", "MINUS", "BIND", "LATERAL", "FILTER", "EXISTS", "GRAPH", "SERVICE", "SELECT", "VALUES")
)
_CHAINING_OPS = frozenset(("||", "&&", "+", "-", "*", "/", "|", "!", "{"))


def inspect(query: str, *, expand_escapes: bool = False) -> Shape:
    """Lex every reading of ``query``; QueryLimit past a limit, QueryError for a string that never closes.

    ``expand_escapes``: also read ``\\uXXXX`` escapes as the characters they stand for (the
    spec's rule, which a remote server may follow; Oxigraph does not).
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryLimit(
            f"the query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,} "
            "(a query that size is data: load it with kg build instead)"
        )
    readings = [query]
    if expand_escapes and ("\\u" in query or "\\U" in query):
        readings.append(_UCHAR.sub(lambda m: _character(m[1] or m[2], m[0]), query))
        readings.append(_JAVA_UCHAR.sub(lambda m: m[1] + _character(m[2], m[0][len(m[1]) :]), query))
    shape = Shape(False, False, 0, 0)
    for number, text in enumerate(readings):
        try:
            spec, dotted = _lex(text, _SPEC)
            shape |= spec
            if dotted:  # a local part with dots inside, which Oxigraph 0.5 reads differently
                shape |= _lex(text, _PEG)[0]
        except QueryError as err:
            if number == 0 or isinstance(err, QueryLimit):
                raise
            raise QueryError(f"{err} (reading its \\u escapes as characters, as the SPARQL spec asks)") from None
    return shape


def names_service(query: str, *, expand_escapes: bool = False) -> bool:
    """Whether any reading of the query calls SERVICE."""
    return inspect(query, expand_escapes=expand_escapes).service


def names_dataset(query: str) -> bool:
    """Whether the query picks its own graphs with FROM or FROM NAMED."""
    return inspect(query).dataset


def _character(hexadecimal: str, escape: str) -> str:
    """The character an escape stands for; the escape itself where it stands for none (a surrogate)."""
    code = int(hexadecimal, 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else escape


def _lex(text: str, tokens: re.Pattern[str]) -> tuple[Shape, bool]:
    """One reading of ``text``: its shape, and whether a prefixed name had dots inside its local part."""
    service = dataset = dotted = False
    depth = deepest = operators = 0
    values_depth = -1  # depth inside a VALUES block, where + and - sign numbers rather than chain them
    values_next = False
    for match in tokens.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            word = match[kind].upper()
            service = service or "SERVICE" in word
            dataset = dataset or word == "FROM"
            values_next = values_next or word == "VALUES"
            if word in _CHAINING_WORDS:
                operators += 1
        elif kind == "op":
            token = match[kind]
            if token in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
                if token == "{" and values_next:
                    values_depth, values_next = depth, False
            elif token in _CLOSE:
                if depth == values_depth:
                    values_depth = -1
                depth -= 1
            if token in _CHAINING_OPS and not (values_depth > 0 and token in "+-"):
                operators += 1
        elif kind == "local" or kind == "prefix":
            prefix, local = match["prefix"] or "", match["local"] or ""
            service = service or "SERVICE" in prefix.upper()
            dotted = dotted or "." in local.rstrip(".")
        elif kind == "lang":
            service = service or "SERVICE" in match[kind].upper()
        elif kind == "string" and match[kind] in ("''", '""') and text.startswith(match[kind][0], match.end()):
            _malformed(text, match.start(kind or 0), "a string opened with three quotes that never closes")
        elif kind == "other" and match[kind] in "'\"":
            _malformed(text, match.start(kind or 0), "a string that does not close on its line")
        if deepest > MAX_NESTING:
            _too_deep(text, match.start(kind or 0))
        if operators > MAX_OPERATORS:
            raise QueryLimit(
                f"the query chains more than {MAX_OPERATORS:,} operators (UNION, OPTIONAL, BIND, FILTER, ||, /, "
                "groups...); the engine recurses once per operator and would crash"
            )
    return Shape(service, dataset, deepest, operators), dotted


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - text.rfind(chr(10), 0, offset)}"


def _malformed(text: str, offset: int, problem: str) -> None:
    raise QueryError(f"malformed query at {_position(text, offset)}: {problem}")


def _too_deep(text: str, offset: int) -> None:
    raise QueryLimit(
        f"the query nests more than {MAX_NESTING} levels of {{ ( [ (at {_position(text, offset)}); "
        "the engine recurses once per level and would crash"
    )
