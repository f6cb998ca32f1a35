# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the schema tests share: the schemas of schemas/ loaded with the
ones they refer to (common.schema.json), and TAP lines with the reasons a
document failed. The tests import it from G_TEST_SRCDIR."""
import json
import os
import sys

here = os.environ.get("G_TEST_SRCDIR") or os.path.dirname(os.path.abspath(__file__))
top = os.path.normpath(os.path.join(here, ".."))
schemas_dir = os.path.join(top, "schemas")

try:
    import jsonschema
except ImportError:
    jsonschema = None


def skip_unless_jsonschema():
    if jsonschema is None:
        print("1..0 # SKIP python3-jsonschema is not installed")
        sys.exit(0)


def _load(name):
    with open(os.path.join(schemas_dir, name)) as f:
        return json.load(f)


def validator(name):
    """A validator of schemas/NAME; its "$ref"s to the other files of
    schemas/ resolve to those files, whichever jsonschema is installed."""
    schema = _load(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    others = {}
    for other in sorted(os.listdir(schemas_dir)):
        if other.endswith(".schema.json"):
            document = _load(other)
            others[document.get("$id", other)] = document
    try:
        import referencing
        import referencing.jsonschema

        registry = referencing.Registry().with_resources(
            (uri, referencing.jsonschema.DRAFT202012.create_resource(document))
            for uri, document in others.items())
        return cls(schema, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(schema, store=others)
        return cls(schema, resolver=resolver)


def problems(validator, document, limit=5):
    """Why DOCUMENT does not validate, one line each (empty: it does)."""
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
            for e in list(validator.iter_errors(document))[:limit]]


class Tap:
    """Numbered TAP lines; the plan comes first, so it is given up front."""

    def __init__(self, planned):
        self.n = 0
        self.failed = False
        print("1..%d" % planned)

    def check(self, description, reasons):
        """ok when REASONS is empty, else not ok with each reason."""
        self.n += 1
        if reasons:
            self.failed = True
            print("not ok %d - %s" % (self.n, description))
            for reason in reasons:
                print("# %s" % reason)
        else:
            print("ok %d - %s" % (self.n, description))

    def exit(self):
        sys.exit(1 if self.failed else 0)
