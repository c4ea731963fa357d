"""The Word template documents are built from: the shipped clean default, or a municipality's own .docx.

`FORUMBOT_WORD_TEMPLATE` names a .docx whose styles (Title, Heading 1–3, List Bullet, Table Grid, Normal),
page setup, header and footer are used; its body text is dropped. A style the template lacks falls back to
the document's default paragraph style, so any .docx works, but a template made from the shipped default
(`scripts/make_word_template.py`) has them all.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError

DEFAULT_TEMPLATE_NAME = "forumbot-default.docx"


class TemplateError(ValueError):
    """The configured template is missing or not a Word document."""


def default_template() -> bytes:
    return resources.files(__package__).joinpath("templates", DEFAULT_TEMPLATE_NAME).read_bytes()


@cache
def template_bytes(path: str | None) -> bytes:
    """The template's content (read once per process), checked to open as a Word document."""
    if not path:
        return default_template()
    file = Path(path)
    try:
        content = file.read_bytes()
    except OSError as error:
        raise TemplateError(f"cannot read the Word template {path!r}: {error.strerror or error}") from error
    try:
        Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise TemplateError(f"the Word template {path!r} is not a .docx document") from error
    return content


def check_template(path: str | None) -> None:
    """Raise `TemplateError` (naming the path) unless the template can be used; for start-up."""
    template_bytes(path)


def new_document(path: str | None) -> DocumentObject:
    """A document with the template's styles, page setup, header and footer, and an empty body."""
    document = Document(io.BytesIO(template_bytes(path)))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # keep the section properties (page size, header, footer)
            body.remove(child)
    return document
