# SPDX-License-Identifier: GPL-2.0
"""What the Python harness tests share: commands in namespaces, TAP lines."""
import subprocess


def sh(*cmd, ns=None, check=True, inp=None):
    """Run cmd (in namespace ns); raise on failure unless check is off."""
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    res = subprocess.run(full, input=inp, capture_output=True, text=True)
    if check and res.returncode:
        raise RuntimeError("%s: %s" % (" ".join(full), res.stderr.strip()))
    return res


class Checks:
    """ok / not ok lines, with the detail of a failure as comments."""

    def __init__(self):
        self.failures = 0

    def check(self, what, cond, detail=""):
        print("%s - %s" % ("ok" if cond else "not ok", what), flush=True)
        if not cond:
            self.failures += 1
            for line in str(detail).splitlines():
                print("#   " + line)
        return cond
