#!/usr/bin/env python3
"""Validates documents against schema/disclosure.schema.json as an editor
(yaml-language-server) would: every document given must pass, and a few broken
variants of the first must fail, so the schema neither refuses real documents
nor accepts what the tool refuses.

The documents come as JSON, converted by `cargo run --example yaml_to_json`:
YAML 1.2 as the tool and yaml-language-server read it (PyYAML reads YAML 1.1,
where the key `no:` is false and dates are not strings).

usage: check_schema.py SCHEMA DOC.json...
"""
import copy
import json
import sys

import jsonschema


def errors(validator, doc):
    return sorted(e.message for e in validator.iter_errors(doc))


def main():
    schema_path, *docs = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failed = False
    loaded = []
    for path in docs:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        loaded.append(doc)
        found = errors(validator, doc)
        if found:
            failed = True
            print(f"error: {path} does not validate against the schema:", file=sys.stderr)
            for message in found:
                print(f"  {message}", file=sys.stderr)
        else:
            print(f"schema: {path} validates")

    # Mistakes the tool refuses must show in the editor too.
    base = loaded[0]
    broken = []
    d = copy.deepcopy(base)
    d["document"]["titel"] = d["document"].pop("title")
    broken.append(("a misspelt document key", d))
    d = copy.deepcopy(base)
    d.pop("categories", None)
    d.pop("items", None)
    broken.append(("neither categories nor items", d))
    d = copy.deepcopy(base)
    d["document"]["date"] = "2024/06/12"
    broken.append(("a date not written YYYY-MM-DD", d))
    d = copy.deepcopy(base)
    d["columns"] = [{"key": "no", "align": "middle"}]
    broken.append(("an unknown alignment", d))
    for what, doc in broken:
        if not errors(validator, doc):
            failed = True
            print(f"error: the schema accepts {what}", file=sys.stderr)
        else:
            print(f"schema: refuses {what}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
