#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host descriptions against schemas/host.schema.json, printing TAP.

Every examples/hosts/*.json and tests/data/doctor/*.json must validate; every tests/data/hosts/*-invalid.json
must not (test-mock-host checks that the loader refuses the same files).
"""
import glob
import json
import os
import sys

sys.dont_write_bytecode = True  # the source tree may be read-only (distcheck)
sys.path.insert(0, os.environ.get("G_TEST_SRCDIR") or os.path.dirname(os.path.abspath(__file__)))
import schemacheck  # noqa: E402

here, top = schemacheck.here, schemacheck.top
schemacheck.skip_unless_jsonschema()
validator = schemacheck.validator("host.schema.json")

valid = sorted(glob.glob(os.path.join(top, "examples", "hosts", "*.json")) +
               glob.glob(os.path.join(here, "data", "doctor", "*.json")))
invalid = sorted(glob.glob(os.path.join(here, "data", "hosts", "*-invalid.json")))
print("1..%d" % (len(valid) + len(invalid) + 1))
n = 0
failed = False

n += 1
if len(valid) >= 4 and len(invalid) >= 5:
    print("ok %d - found %d example hosts and %d invalid ones" % (n, len(valid), len(invalid)))
else:
    print("not ok %d - too few host files (%d valid, %d invalid)" % (n, len(valid), len(invalid)))
    failed = True

for path in valid:
    n += 1
    name = os.path.relpath(path, top)
    with open(path) as f:
        errors = list(validator.iter_errors(json.load(f)))
    if errors:
        failed = True
        print("not ok %d - %s" % (n, name))
        for error in errors[:5]:
            print("# %s: %s" % ("/".join(str(p) for p in error.absolute_path), error.message))
    else:
        print("ok %d - %s matches the schema" % (n, name))

for path in invalid:
    n += 1
    name = os.path.relpath(path, top)
    with open(path) as f:
        errors = list(validator.iter_errors(json.load(f)))
    if errors:
        print("ok %d - %s is rejected (%s)" % (n, name, errors[0].message[:60]))
    else:
        failed = True
        print("not ok %d - %s passes the schema" % (n, name))

sys.exit(1 if failed else 0)
