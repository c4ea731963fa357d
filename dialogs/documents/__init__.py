"""Documents a person opens outside Teams: published minutes and the compiled lägesbild as Word (.docx),
Markdown and plain text.

Each document is first described as an `outline` (headings, paragraphs, bullet lists, tables: `blocks.py`),
written once per document kind (`minutes.py`, `summary.py`), then rendered by `word.py` (from a Word template a
municipality can replace, `template.py`) or `text.py` (Markdown and plain text), so every format says the same.
"""
