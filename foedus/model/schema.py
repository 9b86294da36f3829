"""The JSON Schema of the treaty model, for editors (YAML language servers) and other tools."""

from __future__ import annotations

import json

from foedus.model.treaty import Treaty


def schema() -> dict:
    data = Treaty.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "foedus treaty model"
    data["description"] = ("The merged content of a literate treaty file's ```foedus blocks. Articles are "
                           "taken from the text; each block may hold any of the top-level keys.")
    return data


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
