#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The output of 'mdevtool --json doctor' against schemas/doctor.schema.json,
printing TAP: run on every simulated host of tests/data/doctor/ and
examples/hosts/ (tests/mdevsim), and the schema must refuse documents that
break it.

Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
"""
import glob
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # the source tree may be read-only (distcheck)
sys.path.insert(0, os.environ.get("G_TEST_SRCDIR") or os.path.dirname(os.path.abspath(__file__)))
import schemacheck  # noqa: E402

here, top = schemacheck.here, schemacheck.top
mdevtool = os.environ.get("MDEVTOOL")
mdevsim = os.environ.get("MDEVSIM")

schemacheck.skip_unless_jsonschema()
if not mdevtool or not mdevsim or not os.access(mdevsim, os.X_OK):
    print("1..0 # SKIP the simulated kernel (tests/mdevsim) is not built")
    sys.exit(0)

validator = schemacheck.validator("doctor.schema.json")

hosts = [(path, []) for path in
         sorted(glob.glob(os.path.join(here, "data", "doctor", "*.json")) +
                glob.glob(os.path.join(top, "examples", "hosts", "*.json")))]
# findings without a fix come with a subject
hosts.append((os.path.join(here, "data", "doctor", "gvt-off.json"), ["0000:00:1f.6"]))
broken = [
    ("a finding without fix", [{"severity": "error", "subject": "x", "problem": "p"}]),
    ("an unknown severity", [{"severity": "fatal", "subject": "x", "problem": "p", "fix": None}]),
    ("an empty subject", [{"severity": "info", "subject": "", "problem": "p", "fix": None}]),
    ("an object instead of an array", {"severity": "info"}),
]
print("1..%d" % (len(hosts) + len(broken) + 2))
n = 0
failed = False
severities = set()
fixless = False

for path, args in hosts:
    n += 1
    name = " ".join([os.path.relpath(path, top)] + args)
    run = subprocess.run([mdevsim, "--host", path, "--", mdevtool, "--json", "doctor"] + args,
                         capture_output=True, text=True)
    problems = []
    try:
        document = json.loads(run.stdout)
        problems = [e.message for e in validator.iter_errors(document)]
        errors = any(f.get("severity") == "error" for f in document if isinstance(f, dict))
        severities.update(f.get("severity") for f in document if isinstance(f, dict))
        fixless = fixless or any(isinstance(f, dict) and f.get("fix") is None for f in document)
        if run.returncode != (1 if errors else 0):
            problems.append("exit status %d with%s an error finding" %
                            (run.returncode, "" if errors else "out"))
    except ValueError as e:
        problems = ["not JSON (%s), exit %d: %s" % (e, run.returncode, run.stderr.strip())]
    if problems:
        failed = True
        print("not ok %d - %s" % (n, name))
        for p in problems[:5]:
            print("# %s" % p)
    else:
        print("ok %d - doctor on %s matches the schema" % (n, name))

for what, document in broken:
    n += 1
    if list(validator.iter_errors(document)):
        print("ok %d - the schema refuses %s" % (n, what))
    else:
        failed = True
        print("not ok %d - the schema accepts %s" % (n, what))

n += 1
if severities >= {"error", "warning", "info"}:
    print("ok %d - the hosts gave findings of every severity" % n)
else:
    failed = True
    print("not ok %d - only the severities %s were seen" % (n, sorted(severities)))
n += 1
if fixless:
    print("ok %d - a finding without a fix was seen" % n)
else:
    failed = True
    print("not ok %d - no finding without a fix was seen" % n)
sys.exit(1 if failed else 0)
