"""Stage 1 — text: split a literate treaty file into its sections (title, preamble, articles, final
clause), each with its verbatim text and the model blocks written beside it."""

from foedus.text.literate import Block, LiterateTreaty, Section, fold_blank_lines, read_literate, strip_models

__all__ = ["Block", "LiterateTreaty", "Section", "fold_blank_lines", "read_literate", "strip_models"]
