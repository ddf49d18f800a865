"""The markup people write documentation in, read as a reader of the rendered page sees it.

- Tables: each data row becomes one line, "code: 307; name: temp." (header cell: value;
  ...), or its cells joined with "; " when the table has no header row, so that a row is
  one sentence that still says what each value is (HTML, reStructuredText, Markdown,
  DOCX and ODT tables all come here).
- Sphinx-flavoured reStructuredText: Sphinx's roles and directives registered with
  docutils, each rendering what Sphinx's own output shows (``:class:`~a.Client``` ->
  "Client", ``.. versionadded:: 2.3`` -> "New in version 2.3: ...", ``.. note::`` ->
  "Note: ...", ``.. autofunction:: f`` -> its signature as the term of a definition list, its
  content as the definition).
- MkDocs / Material / GitHub Markdown: front matter, snippet includes and HTML comments
  dropped, admonitions made a labelled paragraph, pipe tables rows as above; the rest of
  the Markdown source is kept as it is (the sentence splitter reads Markdown lines), and
  a file with none of these constructs comes out unchanged, byte for byte.
"""

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import zip_longest

from rag.text.lexicon import VERSION_NOTES

# ---------------------------------------------------------------------------- tables

Cell = tuple[str, int, int]  # text, columns spanned, rows spanned
_MAX_SPAN = 100  # a corrupt or hostile span cannot make a row of a million cells


def grid(rows: list[list[Cell]]) -> list[list[str | None]]:
    """Rows of cells with spans laid out on the table's grid: a cell spanning rows is
    repeated in each (it holds for each of them), a cell spanning columns fills the
    first and leaves None in the others."""
    out: list[list[str | None]] = []
    below: dict[int, tuple[str, int, int]] = {}  # column: (text, rows left, columns)

    def fill(line: list[str | None]) -> None:
        while len(line) in below:
            col = len(line)
            text, left, span = below.pop(col)
            line.extend([text] + [None] * (span - 1))
            if left > 1:
                below[col] = (text, left - 1, span)

    for row in rows:
        line: list[str | None] = []
        for text, colspan, rowspan in row:
            fill(line)
            colspan = min(max(colspan, 1), _MAX_SPAN)
            if rowspan > 1:
                below[len(line)] = (text, min(rowspan, _MAX_SPAN) - 1, colspan)
            line.extend([text] + [None] * (colspan - 1))
        fill(line)
        out.append(line)
    return out


def _clean(cell: str | None) -> str:
    return " ".join((cell or "").split())


def table_lines(rows: list[list[str | None]], header_rows: int) -> list[str]:
    """One line per data row: "header: value; ..." when the table has a header row, else
    its cells joined with "; "; each ends with a full stop so that it is a sentence."""
    head, body = rows[:header_rows], rows[header_rows:]
    width = max((len(r) for r in rows), default=0)
    names = [""] * width
    for row in head:
        last = ""
        for col in range(width):
            cell = row[col] if col < len(row) else ""
            last = last if cell is None else _clean(cell)  # a header spans its columns
            if last and not names[col].endswith(last):
                names[col] = f"{names[col]} {last}".strip()
    names = [n.rstrip(":").strip() for n in names]
    if not body:  # a table that is all header
        body, names = head, [""] * width
    elif not any(names):
        body = head + body
    lines = []
    for row in body:
        pairs = []
        for name, cell in zip_longest(names, row):
            value = _clean(cell)
            if value:
                pairs.append(f"{name}: {value}" if name and name != value else value)
        line = "; ".join(pairs)
        if line:
            lines.append(line if line[-1] in ".!?" else line + ".")
    return lines


# ------------------------------------------------------------------ Sphinx roles


_EXPLICIT_TITLE = re.compile(r"^(.+?)\s*(?<!\x00)<([^<]*?)>$", re.DOTALL)  # as Sphinx's
_PY_ROLES = {"class", "func", "meth", "attr", "exc", "data", "obj", "mod", "const", "type", "deco"}
_PARENS = {"func", "meth"}  # Sphinx adds "()" to these (add_function_parentheses)
_OTHER_ROLES = {
    "ref", "doc", "term", "envvar", "option", "command", "file", "kbd", "program", "abbr",
    "pep", "rfc", "any", "issue", "pr", "user", "commit", "gh", "download", "keyword",
    "token", "numref", "samp", "guilabel", "menuselection", "mimetype", "makevar", "dfn",
    "regexp", "newsgroup", "manpage", "confval", "setting", "source",
}  # fmt: skip


def role_text(role: str, text: str) -> str:
    """The text Sphinx shows for ``:role:`text```: the title when one is given, a
    leading ``~`` keeps the last dotted component, ``!`` (no link) is dropped."""
    from docutils.utils import unescape

    name = role.lower().rsplit(":", 1)[-1]
    explicit = _EXPLICIT_TITLE.match(text)
    if explicit:
        return unescape(explicit.group(1))
    shown = unescape(text).strip().removeprefix("!")
    if name == "pep":
        return f"PEP {shown}"
    if name == "rfc":
        return f"RFC {shown}"
    if name in {"issue", "pr"} and shown.isdigit():
        return f"#{shown}"
    if name in {"file", "samp"}:
        return re.sub(r"(?<!\\)[{}]", "", shown)  # {variable} parts are only emphasised
    if name == "menuselection":
        return shown.replace("-->", "\N{TRIANGULAR BULLET}")
    if name == "guilabel":
        return re.sub(r"&(?=\w)", "", shown)
    short = shown.startswith("~")
    shown = shown.lstrip("~")
    if name in _PY_ROLES or name not in _OTHER_ROLES:
        shown = shown.lstrip(".")
        if name in _PARENS:
            shown = shown.removesuffix("()") + "()"
        if short:
            head = shown[: shown.index("(")] if "(" in shown else shown
            shown = shown[head.rfind(".") + 1 :]
        if name == "deco":
            shown = "@" + shown.removeprefix("@")
    return shown


def _role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from docutils import nodes

    shown = role_text(name, text)
    return [nodes.literal(rawtext, shown) if shown else nodes.Text("")], []


# ------------------------------------------------------------- Sphinx directives


class _AnyOption(dict):
    """Sphinx directives take many options this reader has no use for: accept each."""

    def __missing__(self, key: str):
        from docutils.parsers.rst import directives

        return directives.unchanged

    def __bool__(self) -> bool:
        return True


_ANY = _AnyOption()
_LABELS = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important",
    "caution": "Caution", "danger": "Danger", "attention": "Attention", "hint": "Hint",
    "error": "Error", "seealso": "See also",
}  # fmt: skip
# Object descriptions: the word Sphinx shows before the name, and whether the name
# belongs to the current module (so that ``.. autoclass:: Flask`` shows "flask.Flask").
_OBJECTS = {
    "function": ("", True), "class": ("class ", True), "exception": ("exception ", True),
    "data": ("", True), "decorator": ("@", True), "method": ("", False),
    "attribute": ("", False), "property": ("property ", False),
    "classmethod": ("classmethod ", False), "staticmethod": ("static ", False),
    "decoratormethod": ("@", False),
}  # fmt: skip
_DESCRIBED = {"option", "envvar", "describe", "object", "cmdoption", "confval", "setting"}
_CODE = {
    "code-block", "sourcecode", "code", "code-tab", "doctest", "testcode", "testoutput",
    "productionlist", "jupyter-execute", "ipython", "click:example", "click:run",
}  # fmt: skip
_CONTENT = {"only", "ifconfig", "tabs", "tab-set", "glossary", "hlist", "grid", "cssclass"}
_TITLED = {"tab", "group-tab", "tab-item", "dropdown", "card", "grid-item-card", "grid-item"}
_DROPPED = {
    "toctree", "contents", "index", "highlight", "tabularcolumns", "sectionauthor",
    "moduleauthor", "codeauthor", "autosummary", "todo", "todolist", "testsetup",
    "testcleanup", "inheritance-diagram", "graphviz", "graph", "digraph", "program",
    "default-domain",
}  # fmt: skip
# Sphinx shows no line for these: they name the module of the objects after them.
_MODULES = {"module", "currentmodule", "automodule", "py:module", "py:currentmodule"}


def _body(directive, lead: list | None = None) -> list:
    """The directive's content parsed as reStructuredText, after ``lead`` nodes."""
    from docutils import nodes

    box = nodes.Element()
    directive.state.nested_parse(directive.content, directive.content_offset, box)
    return ([nodes.paragraph("", "", *lead)] if lead else []) + list(box.children)


def _labelled(label: str, children: list) -> list:
    """``label`` before the first paragraph ("Note: ..."), or a paragraph of its own."""
    from docutils import nodes

    if children and isinstance(children[0], nodes.paragraph):
        children[0].insert(0, nodes.Text(f"{label}: "))
    else:
        children.insert(0, nodes.paragraph("", f"{label}:" if children else f"{label}."))
    return children


def _module(document) -> str:
    return getattr(document, "rag_current_module", "")


@lru_cache(maxsize=1)
def register_sphinx() -> None:
    """Sphinx's roles and directives, registered once with docutils (a process-wide
    registry; rag reads reStructuredText only through it)."""
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives, roles
    from docutils.parsers.rst.directives.misc import Class

    def directive(base: type, **attrs) -> type:
        return type(base.__name__, (base,), attrs)

    class Labelled(Directive):
        has_content = True
        option_spec = _ANY
        label = ""

        def run(self):
            return _labelled(self.label, _body(self))

    class Admonition(Directive):
        required_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _ANY

        def run(self):
            title, _ = self.state.inline_text(self.arguments[0], self.lineno)
            return _labelled(nodes.Element("", *title).astext().rstrip(":"), _body(self))

    class VersionChange(Directive):
        required_arguments = 1
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _ANY
        label = ""

        def run(self):
            lead = None
            if len(self.arguments) > 1:
                lead, _ = self.state.inline_text(self.arguments[1], self.lineno)
            return _labelled(f"{self.label} {self.arguments[0]}", _body(self, lead))

    class Described(Directive):
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _ANY
        prefix = ""
        module_level = False

        def run(self):
            module = _module(self.state.document) if self.module_level else ""
            signatures = []
            for line in (self.arguments[0] if self.arguments else "").splitlines():
                line = line.strip().rstrip("\\").strip()
                name = line.split("(", 1)[0]
                if line and module and "." not in name:
                    line = f"{module}.{line}"
                if line:
                    signatures.append(self.prefix + line)
            if not signatures:
                return _body(self)
            # As Sphinx writes it, and as an HTML page is read (rag/ingest/formats.py):
            # the signature is a definition list's term, heading the description.
            more = [nodes.paragraph("", line) for line in signatures[1:]]
            term = nodes.term("", signatures[0])
            described = nodes.definition("", *more, *_body(self))
            return [nodes.definition_list("", nodes.definition_list_item("", term, described))]

    class Code(Directive):
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _ANY

        def run(self):
            caption = self.options.get("caption", "").strip()
            out = [nodes.paragraph("", caption)] if caption else []
            code = "\n".join(self.content)
            if code.strip() and self.name != "literalinclude":  # its file is not read
                out.append(nodes.literal_block(code, code))
            return out

    class Content(Directive):
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _ANY
        titled = False

        def run(self):
            title = self.arguments[0].strip() if self.titled and self.arguments else ""
            lead, _ = self.state.inline_text(title, self.lineno) if title else (None, [])
            return _body(self, lead)

    class Dropped(Directive):
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _ANY

        def run(self):
            return []

    class Module(Content):
        def run(self):
            words = self.arguments[0].split() if self.arguments else []
            module = words[0] if words and words[0] != "None" else ""
            self.state.document.rag_current_module = module
            return _body(self)

    for name, label in _LABELS.items():
        directives.register_directive(name, directive(Labelled, label=label))
    directives.register_directive("admonition", Admonition)
    for name, label in VERSION_NOTES.items():
        directives.register_directive(name, directive(VersionChange, label=label))
    for kind, (prefix, module_level) in _OBJECTS.items():
        described = directive(Described, prefix=prefix, module_level=module_level)
        for name in (kind, f"py:{kind}", f"auto{kind}"):
            directives.register_directive(name, described)
    for name in _DESCRIBED:
        directives.register_directive(name, Described)
        directives.register_directive(f"std:{name}", Described)
    for name in _CODE | {"literalinclude"}:
        directives.register_directive(name, Code)
    for name in _CONTENT:
        directives.register_directive(name, Content)
    for name in _TITLED:
        directives.register_directive(name, directive(Content, titled=True))
    for name in _DROPPED:
        directives.register_directive(name, Dropped)
    for name in _MODULES:
        directives.register_directive(name, Module)
    directives.register_directive("rst-class", Class)

    for name in _PY_ROLES:
        roles.register_local_role(name, _role)
        roles.register_local_role(f"py:{name}", _role)
    for name in _OTHER_ROLES:
        roles.register_local_role(name, _role)
        roles.register_local_role(f"std:{name}", _role)


def sphinx_parser():
    """A reStructuredText parser whose unknown roles show their text instead of an error
    (``:c:func:`x``` or a project's own role reads "x"), with Sphinx's roles and
    directives registered."""
    from types import MethodType

    from docutils.parsers.rst import Parser, roles, states

    register_sphinx()

    def interpreted(self, rawsource, text, role, lineno):
        role_fn, messages = roles.role(role, self.language, lineno, self.reporter)
        made, more = (role_fn or _role)(role, rawsource, text, lineno, self)
        return made, messages + more

    # On the instance: Inliner builds its patterns from its own class's attributes, so
    # a subclass would lose them.
    inliner = states.Inliner()
    inliner.interpreted = MethodType(interpreted, inliner)
    return Parser(inliner=inliner)


# -------------------------------------------------------------------- Markdown


_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n(.*?\r?\n)?\1[ \t]*(\r?\n|\Z)", re.DOTALL)
_FRONT_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*[:=]")
_FRONT_TITLE = re.compile(r"^title[ \t]*[:=][ \t]*([^\r\n]+)", re.MULTILINE)
_INCLUDE = re.compile(
    r"[ \t]*(?:\{\*.*\*\}|\{!.*!\}|-{1,}8<-{1,}[ \t]+\S.*)[ \t]*"
)  # FastAPI's {* file *}, markdown-include's {! file !}, pymdownx.snippets' --8<-- "file"
_SNIPPET_BLOCK = re.compile(r"[ \t]*-{1,}8<-{1,}[ \t]*")
_BANG = re.compile(  # Material's ``!!! note "Title"``, ``??? tip`` (collapsible)
    r"( {0,3})(!!!|\?\?\?\+?)[ \t]+([\w-]+)((?:[ \t]+[\w-]+)*)(?:[ \t]+\"(.*)\")?[ \t]*"
)
_SLASHES = re.compile(r"( {0,3})(/{3,})[ \t]*([\w-]+)(?:[ \t]*\|[ \t]*(.*?))?[ \t]*")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)  # a line break inside a table cell
_COMMENT_LINE = re.compile(r"[ \t]*<!--.*?-->[ \t]*")
_PARAGRAPH_START = re.compile(r"\s*(?:[-*+>#|]|\d{1,9}[.)]|```|~~~|<|\t| {4})")
_UNTITLED_BLOCKS = {"caption", "html", "define", "markdown"}  # pymdownx.blocks, no label
_TITLE_ONLY_BLOCKS = {"admonition", "details", "tab"}  # their title is their label
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*\S+.*")  # "[CVE-2014-0160]: https://..."
_TRIGGERS = ("---", "+++", "{*", "{!", "8<", "<!--", "!!!", "???", "///", "|", "]:")


@lru_cache(maxsize=1)
def _markdown_it():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def markdown(source: str, read_html: Callable[[str], str] | None = None) -> tuple[str, str]:
    """(text, title from the front matter or ""): the Markdown source as a reader of the
    rendered page sees it; unchanged when it has none of the constructs read here.
    ``read_html`` gives the text a block of raw HTML shows (rag/ingest/formats.py reads
    HTML, tables included); without it such a block is kept as written, comments aside."""
    if not any(t in source for t in _TRIGGERS) and not (read_html and "<" in source):
        return source, ""
    title, body = "", source
    front = _FRONT_MATTER.match(source)
    if front and (front.group(2) or "").strip():
        first = next(line for line in front.group(2).splitlines() if line.strip())
        if _FRONT_KEY.match(first):
            found = _FRONT_TITLE.search(front.group(2))
            title = found.group(1).strip().strip("\"'").strip() if found else ""
            body = source[front.end() :].lstrip("\r\n")
    lines = _Markdown(body, read_html).lines()
    text = "".join(lines)
    return (source, title) if text == source else (text, title)


def _eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _indent(line: str) -> int:
    return len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4))


class _Markdown:
    """One pass over Markdown lines with markdown-it's block map at hand: fenced code is
    left alone, each construct is replaced by what a reader sees, and admonition bodies
    are read again the same way (they may hold tables, code and other admonitions)."""

    def __init__(self, source: str, read_html: Callable[[str], str] | None = None) -> None:
        self.read_html = read_html
        self.src = source.splitlines(keepends=True)
        self.newline = next((_eol(line) for line in self.src if _eol(line)), "\n")
        tokens = _markdown_it().parse(source)
        self.code: set[int] = set()  # lines inside a fence: never read as constructs
        self.replace: dict[int, tuple[int, list[str]]] = {}  # start: (end, new lines)
        self.comments: set[int] = set()  # lines of paragraphs with <!-- comments --> inline
        # A link's target, defined on a line of its own, is not shown: markdown-it gives
        # that line no token at all.
        shown = {line for token in tokens if token.map for line in range(*token.map)}
        for line, text in enumerate(self.src):
            if line not in shown and _LINK_DEFINITION.fullmatch(text.rstrip("\r\n")):
                self.replace[line] = (line + 1, [])
        for i, token in enumerate(tokens):
            if token.map is None:
                continue
            start, end = token.map
            if token.type == "fence":
                self.code.update(range(start, end))
            elif token.type == "html_block" and (token.level == 0 or "<!--" in token.content):
                kept = _COMMENT.sub("", token.content)
                if read_html is not None and token.level == 0 and "<" in kept:
                    kept = read_html(kept)  # a reader sees no tags, and a table's rows
                if not kept.strip():
                    self.replace[start] = (end, [])
                elif token.level == 0 and kept != token.content:
                    self.replace[start] = (end, self._blocks(kept))
            elif token.type == "inline" and any(
                c.type == "html_inline" and c.content.startswith("<!--")
                for c in token.children or []
            ):
                self.comments.update(range(start, end))
            elif token.type == "table_open" and token.level == 0:
                self.replace[start] = (end, self._table(tokens, i))

    def _blocks(self, text: str) -> list[str]:
        """Lines of ``text``, its blocks parted by a blank line as the source's are."""
        blocks = [block.strip("\r\n") for block in re.split(r"\n\s*\n", text)]
        lines = [block + self.newline for block in blocks if block.strip()]
        return [line + (self.newline if n < len(lines) - 1 else "")
                for n, line in enumerate(lines)]  # fmt: skip

    def _table(self, tokens: list, start: int) -> list[str]:
        rows: list[list[str | None]] = []
        header_rows = 0
        for token in tokens[start:]:
            if token.type == "table_close":
                break
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(_BREAK.sub(" ", _COMMENT.sub("", token.content)))
            elif token.type == "thead_close":
                header_rows = len(rows)
        return self._blocks("\n\n".join(table_lines(rows, header_rows)))

    def lines(self) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(self.src):
            line = self.src[i]
            bare = line.rstrip("\r\n")
            if i in self.code:
                out.append(line)
                i += 1
            elif _INCLUDE.fullmatch(bare):
                i = self._put(out, [], i + 1)
            elif _SNIPPET_BLOCK.fullmatch(bare):
                close = next(
                    (j for j in range(i + 1, len(self.src)) if j not in self.code
                     and _SNIPPET_BLOCK.fullmatch(self.src[j].rstrip("\r\n"))),
                    i,
                )  # fmt: skip
                i = self._put(out, [], close + 1)
            elif (bang := _BANG.fullmatch(bare)) is not None:
                end, new = self._bang(bang, i)
                i = self._put(out, new, end)
            elif (block := _SLASHES.fullmatch(bare)) and (close := self._block_end(block, i)):
                i = self._put(out, self._block(block, i, close), close + 1)
            elif i in self.replace:
                end, new = self.replace[i]
                i = self._put(out, new, end)
            elif i in self.comments and "`" not in bare:  # not a comment quoted as code
                out.append(_COMMENT_LINE.sub(_comment_gap, bare) + _eol(line))
                i += 1
            else:
                out.append(line)
                i += 1
        return out

    def _put(self, out: list[str], new: list[str], end: int) -> int:
        """``new`` lines in place of source lines up to ``end``, standing apart from the
        text around them by one blank line; a construct dropped between two paragraphs
        leaves the blank line that parted them. Returns the next line to read."""
        after = end
        while after < len(self.src) and not self.src[after].strip():
            after += 1
        text_before = bool(out) and bool(out[-1].strip())
        text_after = after < len(self.src)
        if not new:
            if text_before and text_after and self.src[end].strip():
                out.append(self.newline)
            if not out or not out[-1].strip():
                return after  # no run of blank lines where the construct was
            return end
        if text_before:
            out.append(self.newline)
        out.extend(new)
        if end < len(self.src) and self.src[end].strip():
            out.append(self.newline)
        return end

    def _body_end(self, i: int, indent: int) -> int:
        """The line after an indented body that starts at line ``i``."""
        end = i
        for j in range(i, len(self.src)):
            if not self.src[j].strip():
                continue
            if _indent(self.src[j]) < indent + 4:
                break
            end = j + 1
        return end

    def _bang(self, match: re.Match, i: int) -> tuple[int, list[str]]:
        """``!!! note "Title"`` (or ``???``, collapsible) and its indented body."""
        indent, kind, title = match.group(1), match.group(3), match.group(5)
        end = self._body_end(i + 1, len(indent))
        body = "".join(_dedent(self.src[j], len(indent) + 4) for j in range(i + 1, end))
        label = kind.replace("-", " ").replace("_", " ").capitalize()
        if title is not None and not title.strip():
            label = ""  # ``!!! note ""``: Material shows no title bar
        return end, self._labelled(label, (title or "").strip(), body, indent)

    def _block_end(self, match: re.Match, i: int) -> int | None:
        slashes = match.group(2)
        depth = 0
        for j in range(i + 1, len(self.src)):
            if j in self.code:
                continue
            opens = _SLASHES.fullmatch(self.src[j].rstrip("\r\n"))
            if self.src[j].strip() == slashes:
                if not depth:
                    return j
                depth -= 1
            elif opens and opens.group(2) == slashes:  # a block of the same kind inside
                depth += 1
        return None

    def _block(self, match: re.Match, i: int, close: int) -> list[str]:
        """``/// tip | Title`` ... ``///`` (pymdownx.blocks), its YAML options skipped."""
        indent, kind, title = match.group(1), match.group(3).lower(), match.group(4) or ""
        start = i + 1
        while start < close and self.src[start].strip() and _indent(self.src[start]) >= 4:
            start += 1  # the block's options (``    type: warning``)
        body = "".join(self.src[start:close])
        if kind in _UNTITLED_BLOCKS:
            label, title = "", ""
        elif kind in _TITLE_ONLY_BLOCKS:
            label, title = title.strip().rstrip(":"), ""
        else:
            label = kind.replace("-", " ").replace("_", " ").capitalize()
        return self._labelled(label, title.strip(), body, indent)

    def _labelled(self, label: str, title: str, body: str, indent: str) -> list[str]:
        """The body read again, "Label: Title." before its first paragraph."""
        inner = _Markdown(body, self.read_html).lines() if body.strip() else []
        while inner and not inner[0].strip():
            inner.pop(0)
        while inner and not inner[-1].strip():
            inner.pop()
        if inner and not inner[-1].endswith(("\n", "\r")):
            inner[-1] += self.newline
        if title and title[-1] not in ".!?:":
            title += "."
        lead = f"{label}: {title}" if label and title else f"{label}:" if label else title
        if lead and inner and not _PARAGRAPH_START.match(inner[0]):
            inner[0] = f"{lead} {inner[0]}"
        elif lead and inner:
            inner[:0] = [lead + self.newline, self.newline]
        elif lead:
            inner = [(lead[:-1] + "." if lead.endswith(":") else lead) + self.newline]
        return [indent + line if line.strip() else line for line in inner]


def _dedent(line: str, width: int) -> str:
    """``line`` with up to ``width`` columns of its indentation removed."""
    if not line.strip():
        return _eol(line)
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    return lead.expandtabs(4)[width:] + line[len(lead) :]


def _comment_gap(match: re.Match) -> str:
    """What is left of a comment inside a line: one space if it stood between words."""
    text, found = match.string, match.group()
    if match.start() == 0 or match.end() == len(text):
        return ""
    return " " if found[:1] in " \t" or found[-1:] in " \t" else ""
