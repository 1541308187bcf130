"""YAML as editors mean it: keys with their line numbers, no surprises.

PyYAML follows YAML 1.1, where `no`, `on` and `off` are booleans and `12:30` is the number 750,
a repeated key silently wins and an alias can blow up into gigabytes. Here only `true`/`false`
are booleans, sexagesimal numbers and timestamps stay text (dates are parsed by us), repeated
keys and aliases are errors, and every mapping remembers the line of each key.
"""
from __future__ import annotations

import re

import yaml

try:  # the C parser is several times faster; the behaviour is the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader


class YamlProblem(Exception):
    """A problem at a 0-based line of the YAML text."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class LineDict(dict):
    """A mapping that knows the 0-based line of itself and of each of its keys."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows the 0-based line of each of its items."""

    item_lines: list[int] = []


_IMPLICIT = [
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]{0,30})|0x[0-9a-fA-F_]{1,30}|0o[0-7_]{1,30})$"),
     "-+0123456789"),
    ("tag:yaml.org,2002:float",
     re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
     "-+0123456789."),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
]


class StrictLoader(_BaseLoader):
    yaml_implicit_resolvers: dict = {}

    def construct_yaml_seq(self, node):
        data = LineList()
        data.item_lines = [item.start_mark.line for item in node.value]
        yield data
        data.extend(self.construct_sequence(node))

    def construct_yaml_map(self, node):
        data = LineDict()
        data.line = node.start_mark.line
        data.key_lines = {}
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in data:
                raise YamlProblem(key_node.start_mark.line,
                                  f"key '{key}' is given twice; remove one of them")
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line


for _tag, _regexp, _first in _IMPLICIT:
    StrictLoader.add_implicit_resolver(_tag, _regexp, list(_first))
StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", StrictLoader.construct_yaml_seq)
for _unsafe in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:set",
                "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs"):
    StrictLoader.add_constructor(_unsafe, StrictLoader.construct_yaml_str)


MAX_DEPTH = 50  # lists and mappings inside each other; far more than any front matter or registry needs


def _check_events(text: str) -> None:
    """Refuses, while only the parser's events have been seen (a third of what loading costs):
    deep nesting ('[[[[...', '- - - -...'), which crashes the C composer (a segmentation fault at
    some ten thousand levels), and aliases, at the line of the alias rather than its anchor.

    This pass uses PyYAML's own Python parser, never libyaml: libyaml has limits of its own
    whose wording changes between releases (6.0.3 refuses nesting past 1000 flow levels while
    scanning ahead, before a single event reaches us), and an editor reads our words, the same
    with every supported PyYAML. The pass runs only on text that may need it (_may_need_check)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(event.start_mark.line, "YAML aliases (*name) are not allowed here")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(event.start_mark.line, f"lists or mappings nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _may_need_check(text: str) -> bool:
    """Whether the text can hold an alias or nesting deeper than MAX_DEPTH. An alias needs a
    '*', and every level of nesting one indicator of its own ('[', '{', '-', ':' or '?'): a
    usual front matter has some twenty-five and is loaded without the events pass."""
    return "*" in text or sum(map(text.count, "[{-:?")) > MAX_DEPTH


def load(text: str):
    """Parse one YAML document; raises YamlProblem with a 0-based line."""
    try:
        if _may_need_check(text):
            _check_events(text)
        return yaml.load(text, Loader=StrictLoader)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        problem = _in_our_words(text, exc)
        # A mark at the end of the text (a '[' never closed, at the end of a file) is past the last
        # line an editor wrote: point at that line instead.
        problem.line = min(problem.line, max(len(text.rstrip().split("\n")) - 1, 0))
        raise problem from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        raise YamlProblem(0, NOT_YAML) from None


NOT_YAML = "this is not valid YAML here: check the indentation, the colons and the quotes"


def _in_our_words(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """PyYAML's refusal told in wijknieuws' words, at the line an editor should look at.

    PyYAML's messages differ between its C and Python parsers and between releases ('mapping
    values are not allowed here' / '... in this context'; "expected ',' or ']', but got ':'" /
    "did not find expected ',' or ']'"), so they are never shown nor matched. What we go by is
    the kind of error and the text at the places it marks: where the construct began (the
    context mark: an opening quote or bracket) and where it went wrong (the problem mark)."""
    lines = text.split("\n")

    def char_at(mark) -> str:
        if mark is None or mark.line >= len(lines):
            return ""
        return lines[mark.line][mark.column:mark.column + 1]

    def before(mark) -> str:
        if mark is None or mark.line >= len(lines) or mark.column == 0:
            return ""
        return lines[mark.line][mark.column - 1]

    start, problem = exc.context_mark, exc.problem_mark
    at = problem or start
    line = at.line if at else 0
    opened = char_at(start)
    if opened in ("'", '"') and char_at(problem) == "" and isinstance(exc, yaml.scanner.ScannerError):
        return YamlProblem(start.line, f"the quote {opened} opened on this line is never closed")
    if opened in ("[", "{") and isinstance(exc, yaml.parser.ParserError):
        closing = "]" if opened == "[" else "}"
        return YamlProblem(start.line, f"the '{opened}' on this line is not closed with '{closing}' where it should "
                                       f"be, or a ',' is missing between its items")
    indent = lines[line][:len(lines[line]) - len(lines[line].lstrip())] if line < len(lines) else ""
    if "\t" in indent or char_at(at) == "\t":
        return YamlProblem(line, "a tab character: indent YAML with spaces")
    if opened in ("*", "&") and isinstance(exc, yaml.scanner.ScannerError):
        return YamlProblem(start.line, f"a value that starts with '{opened}' is read as a YAML "
                                       f"{'alias' if opened == '*' else 'anchor'}: put the value in quotes")
    if opened in ("|", ">") and isinstance(exc, yaml.scanner.ScannerError):
        return YamlProblem(start.line, f"after '{opened}' comes the end of the line; the text itself goes on the "
                                       f"lines below it, indented")
    if isinstance(exc, yaml.scanner.ScannerError) and "\\" in (char_at(problem), before(problem)):
        return YamlProblem(line, "a backslash inside double quotes starts an escape: write \\\\ for a backslash, "
                                 "or use single quotes")
    if isinstance(exc, yaml.scanner.ScannerError) and char_at(problem) in ("@", "`"):
        return YamlProblem(line, f"a value cannot start with '{char_at(problem)}': put the value in quotes")
    if isinstance(exc, yaml.scanner.ScannerError) and char_at(problem) == ":":
        return YamlProblem(line, "a ':' followed by a space inside a value, or a key indented further than the "
                                 "one above it: put a value with ': ' in quotes, and line up the keys")
    if isinstance(exc, yaml.scanner.ScannerError) and start and problem and start.line < problem.line:
        return YamlProblem(start.line, "a ':' is missing after the key on this line ('key: value'), or its "
                                       "value goes on where it should not")
    if isinstance(exc, yaml.constructor.ConstructorError) and char_at(problem) == "!":
        return YamlProblem(line, "YAML tags (!name) are not allowed here")
    if isinstance(exc, yaml.composer.ComposerError) and lines[line:line + 1] and \
            lines[line].startswith(("---", "...")):
        return YamlProblem(line, f"a line '{lines[line][:3]}' here starts a second YAML document; remove it")
    if isinstance(exc, (yaml.parser.ParserError, yaml.scanner.ScannerError)):
        return YamlProblem(line, "this line does not fit the lines above it: check its indentation, and that it "
                                 "reads 'key: value' (or '- item' in a list)")
    return YamlProblem(line, NOT_YAML)
