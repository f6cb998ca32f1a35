#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every --json output of mdevtool against its schema in schemas/, printing
TAP: the commands run one after another on a simulated host
(tests/mdevsim), their standard output is validated against the command's
schema and every line of their standard error against
message.schema.json; a failing command must end with exactly one error
object and the exit status it has without --json. Each schema must also
refuse documents that break it.

Environment (from tests/Makefile.am.inc): MDEVTOOL, MDEVSIM, G_TEST_SRCDIR.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # the source tree may be read-only (distcheck)
sys.path.insert(0, os.environ.get("G_TEST_SRCDIR") or os.path.dirname(os.path.abspath(__file__)))
import schemacheck  # noqa: E402

schemacheck.skip_unless_jsonschema()
mdevtool = os.environ.get("MDEVTOOL")
mdevsim = os.environ.get("MDEVSIM")
if not mdevtool or not mdevsim or not os.access(mdevsim, os.X_OK):
    print("1..0 # SKIP the simulated kernel (tests/mdevsim) is not built")
    sys.exit(0)

HOST = os.path.join(schemacheck.here, "data", "lifecycle", "host.json")
U1 = "11111111-1111-4111-8111-111111111111"
U2 = "22222222-2222-4222-8222-222222222222"
U3 = "33333333-3333-4333-8333-333333333333"

# (arguments after "mdevtool --json", schema of stdout or None, exit status,
#  a check of the document: a list of what is wrong with it)
def result(action, parent, type_id, placement=None, autostart=None):
    def check(doc):
        want = {"action": action, "parent": parent, "type": type_id, "placement": placement,
                "autostart": autostart}
        return ["%s is %r, not %r" % (k, doc.get(k), v) for k, v in want.items()
                if doc.get(k) != v]
    return check


def started(counts):
    def check(doc):
        got = {p["parent"]: p["started"] for p in doc}
        return [] if got == counts else ["started %r, not %r" % (got, counts)]
    return check


def same_parent_and_name(doc):
    return ["parent %r but name %r" % (p["parent"], p["name"]) for p in doc
            if p["parent"] != p["name"]]


def note_names(word):
    def check(stderr_lines):
        notes = [line["note"]["message"] for line in stderr_lines if "note" in line]
        return [] if any(word in n for n in notes) else ["no note names %r: %r" % (word, notes)]
    return check


def gc_actions(actions):
    def check(doc):
        got = {d["action"] for d in doc}
        return [] if got == actions else ["actions %r, not %r" % (got, actions)]
    return check


def no_notes(stderr_lines):
    return ["a note with --quiet: %r" % line for line in stderr_lines if "note" in line]


steps = [
    (["parents"], "parents", 0, same_parent_and_name),
    (["parents", "-p", "0000:00:02.0"], "parents", 0, same_parent_and_name),
    (["types"], "types", 0, None),
    (["types", "-p", "mtty"], "types", 0, None),
    (["list", "--all"], "list", 0, lambda d: [] if len(d) == 1 else ["%d mdevs" % len(d)]),
    (["create", "-t", "mbochs-small"], "result", 0,
     result("create", "mbochs", "mbochs-small", "pack")),
    (["create", "-t", "mtty-1", "-p", "mtty", "-u", U1], "result", 0,
     result("create", "mtty", "mtty-1")),
    (["define", "-u", U1, "--auto"], "result", 0, result("define", "mtty", "mtty-1", None, True)),
    (["list", "--all", "--verbose"], "list", 0,
     lambda d: [] if len(d) == 3 and all("driver" in m for m in d) else ["%r" % d]),
    (["stop", U1], "result", 0, result("stop", "mtty", "mtty-1")),
    (["start", U1], "result", 0, result("start", "mtty", "mtty-1")),
    (["modify", "--manual", U1], "result", 0, result("modify", "mtty", "mtty-1", None, False)),
    (["autostart", U1], "result", 0, result("autostart", "mtty", "mtty-1", None, True)),
    (["start-parent", "mtty"], "start-parent", 0, started({"mtty": 0})),
    (["stop", U1], "result", 0, result("stop", "mtty", "mtty-1")),
    (["start-parent", "--all"], "start-parent", 0, started({"mtty": 1})),
    (["dumpxml", U1], "xml", 0, None),
    (["dumpxml", "mtty"], "xml", 0, None),
    (["dumpxml", "--inactive", U1], "xml", 0, None),
    (["hostdev", U1], "xml", 0, None),
    (["undefine", U1], "result", 0, result("undefine", "mtty", "mtty-1")),
    (["define", "-t", "mtty-2", "-u", U3], "result", 0,
     result("define", "mtty", "mtty-2", "pack", False)),
    (["undefine", U3], "result", 0, result("undefine", "mtty", "mtty-2")),
    (["doctor"], "doctor", None, None),
    (["gc", "--no-libvirt", "--dry-run"], "gc", 0, gc_actions({"would-remove"})),
    (["--quiet", "create", "-t", "mtty-1"], "result", 0, result("create", "mtty", "mtty-1", "pack")),
    # failures: one error object on stderr, nothing on stdout
    (["stop", U2], None, 1, None),
    (["start", U2], None, 1, None),
    (["start"], None, 2, None),
    (["--bogus"], None, 2, None),
    (["list", "--bogus"], None, 2, None),
    (["create", "-t", "no-such-type"], None, 1, None),
    (["create", "-t", "mtty-2", "-p", "no-such-parent"], None, 1, None),
    (["define", "--xml", "/nonexistent/mdev.xml"], None, 1, None),
    (["types", "-p", "no-such-parent"], None, 1, None),
    (["dumpxml", "mdev_" + U2.replace("-", "_")], None, 1, None),
    (["hostdev", U2], None, 1, None),
    (["modify", "--auto", U2], None, 1, None),
    (["attach", "-c", "qemu:///session?socket=/nonexistent/libvirt-sock", "vm", "--uuid", U1],
     None, 1, None),
    (["gc", "-c", "qemu:///session?socket=/nonexistent/libvirt-sock"], None, 1, None),
]
# what stderr must hold besides valid lines (by index into steps)
stderr_checks = {5: note_names("mbochs"), 23: no_notes}

broken = [
    ("result", "a result without uuid",
     {"action": "stop", "parent": "mtty", "type": None, "placement": None, "autostart": None}),
    ("result", "a result with a UUID in upper case",
     {"action": "stop", "uuid": "AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA", "parent": "mtty", "type": None, "placement": None,
      "autostart": None}),
    ("result", "a result with an unknown placement",
     {"action": "create", "uuid": U1, "parent": "mtty", "type": "mtty-1", "placement": "random",
      "autostart": None}),
    ("message", "an error without message", {"error": {}}),
    ("message", "two messages in one line", {"error": {"message": "a"}, "note": {"message": "b"}}),
    ("message", "an unknown kind of message", {"debug": {"message": "a"}}),
    ("list", "an mdev without parent", [{"uuid": U1, "type": None, "active": True,
                                          "defined": False, "autostart": None,
                                          "iommu_group": None, "attrs": None, "path": None}]),
    ("parents", "a parent whose name holds a slash",
     [{"parent": "a/b", "name": "a/b", "kind": "pci", "path": "/sys/x", "subsystem": None,
       "driver": None, "vendor": None, "device": None, "physfn": None, "dev_busid": None,
       "numa_node": None, "iommu_group": None, "registered": False, "types_total": None,
       "types_available": None}]),
    ("types", "a type without id", [{"parent": "mtty", "kind": "generic", "path": "/sys/x",
                                      "registered": True, "types": [{"name": "x"}]}]),
    ("start-parent", "a negative count", [{"parent": "mtty", "started": -1}]),
    ("attach", "a result without domain", {"uuid": U1, "parent": "mtty", "type": "mtty-1"}),
    ("gc", "an unknown reason", [{"uuid": U1, "parent": "mtty", "type": "mtty-1",
                                  "action": "kept", "reason": "liked", "claimant": None}]),
    ("xml", "both name and uuid", {"name": "mtty", "uuid": U1, "xml": "<device/>\n"}),
    ("xml", "both uuid and address", {"uuid": U1, "address": "0000:3d:00.4", "xml": "<hostdev/>\n"}),
    ("xml", "an address that is no PCI address", {"address": "3d:00.4/..", "xml": "<hostdev/>\n"}),
    ("monitor", "an unknown event", {"event": "mdev-moved", "parent": "mtty", "uuid": U1,
                                     "type": "mtty-1", "path": None}),
]

names = ["result", "message", "list", "parents", "types", "start-parent", "xml", "monitor",
         "doctor", "gc", "attach"]
validators = {name: schemacheck.validator(name + ".schema.json") for name in names}
tap = schemacheck.Tap(len(steps) + len(broken) + 1)

with tempfile.TemporaryDirectory(prefix="mdev-cli-schema-") as w:
    script = ["set -u"]
    for i, (args, _, _, _) in enumerate(steps):
        script.append('"$T" --json %s > "$W/out.%d" 2> "$W/err.%d"; echo $? > "$W/rc.%d"'
                      % (" ".join(shlex.quote(a) for a in args), i, i, i))
    # the monitor sees one mdev come and go
    script.append('"$T" --json monitor > "$W/monitor" 2> "$W/monitor.err" & pid=$!')
    script.append('sleep 1; "$T" create -t mtty-2 -p mtty -u %s > /dev/null; sleep 1' % U2)
    script.append('"$T" stop %s; sleep 1; kill $pid; wait $pid' % U2)
    with open(os.path.join(w, "scenario.sh"), "w") as f:
        f.write("\n".join(script) + "\n")
    os.makedirs(os.path.join(w, "conf"))
    env = dict(os.environ, T=mdevtool, W=w)
    run = subprocess.run([mdevsim, "--host", HOST, "--conf-dir", os.path.join(w, "conf"), "--",
                          "sh", os.path.join(w, "scenario.sh")],
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        print("# mdevsim exited with %d: %s" % (run.returncode, run.stderr.strip()[:500]))

    def read(name):
        try:
            with open(os.path.join(w, name)) as f:
                return f.read()
        except OSError:
            return ""

    for i, (args, schema, want_rc, check) in enumerate(steps):
        reasons = []
        out, err = read("out.%d" % i), read("err.%d" % i)
        rc = int(read("rc.%d" % i) or -1)
        if want_rc is not None and rc != want_rc:
            reasons.append("exit status %d, not %d" % (rc, want_rc))
        lines = []
        for line in err.splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                reasons.append("stderr line is not JSON: %r" % line)
                continue
            reasons += schemacheck.problems(validators["message"], lines[-1])
        errors = [line for line in lines if isinstance(line, dict) and "error" in line]
        if rc not in (0, -1) and schema is None:
            if len(errors) != 1 or lines[-1] is not errors[0]:
                reasons.append("%d error objects, the last line %r" % (len(errors), lines[-1:]))
            if out:
                reasons.append("a failure printed on stdout: %r" % out[:200])
        elif rc == 0 and errors:
            reasons.append("errors from a success: %r" % errors)
        if schema:
            try:
                document = json.loads(out)
                reasons += schemacheck.problems(validators[schema], document)
                if check and not reasons:
                    reasons += check(document)
            except ValueError as e:
                reasons.append("stdout is not JSON (%s): %r" % (e, out[:200]))
        if i in stderr_checks and not reasons:
            reasons += stderr_checks[i](lines)
        tap.check("--json %s: %s" % (" ".join(args), schema or "one error object"), reasons)

    reasons = []
    events = []
    for line in read("monitor").splitlines():
        try:
            events.append(json.loads(line))
            reasons += schemacheck.problems(validators["monitor"], events[-1])
        except ValueError:
            reasons.append("monitor line is not JSON: %r" % line)
    kinds = [e.get("event") for e in events if e.get("uuid") == U2]
    if kinds != ["mdev-added", "mdev-removed"]:
        reasons.append("events of %s: %r (stderr %r)" % (U2, kinds, read("monitor.err")[:200]))
    tap.check("--json monitor: monitor, one object per line", reasons)

for schema, what, document in broken:
    tap.check("%s.schema.json refuses %s" % (schema, what),
              [] if schemacheck.problems(validators[schema], document) else ["accepted"])
tap.exit()
