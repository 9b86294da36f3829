"""Stage 4 — compile: a model and a reading become a compiled treaty. Readings are resolved,
durations parsed, conditions compiled to closures and every reference checked, so that
evaluation never meets an error in the model."""

from foedus.compile.compiler import CompiledNorm, CompiledTreaty, compile_treaty, treaty_vocabulary, vocabulary_of
from foedus.compile.readings import Reading, choose_reading, reading_names

__all__ = ["CompiledNorm", "CompiledTreaty", "Reading", "choose_reading", "compile_treaty", "reading_names",
           "treaty_vocabulary", "vocabulary_of"]
