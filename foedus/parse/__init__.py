"""Stage 2 — parse: model blocks (YAML, with every value's position kept) and condition strings
(a lark grammar) into plain trees. Timelines are parsed here too."""
