#!/usr/bin/env python3
# ISC license.
# t/mkmsg.py: the test messages of the scan pipeline (t/5300-e2e-scan.t,
# t/5400-e2e-chain.t, t/5500-e2e-chain3.t, scripts/demo), built with
# Python's email package.
#
#   mkmsg.py KIND [-f FROM] [-t TO] [--id MESSAGE-ID] > message
#
# KIND is one of
#   clean       a text/plain message
#   eicar       multipart/mixed: a text part and eicar.com (base64)
#   clamzip     multipart/mixed: a text part and clam.zip from Debian's
#               clamav-testfiles (--testfiles DIR), base64
#   eicar-body  a single-part message whose text body is the EICAR test
#               string: it cannot be cleaned, only quarantined
#   both        multipart/mixed: a text part, eicar.com and clam.zip
#   marker      multipart/mixed: a text part and marker.dat (base64), a
#               few bytes around MARKER: no real scanner knows it, so a
#               test catches it with a signature of its own (t/5500)
#   three       multipart/mixed: a text part, eicar.com, clam.zip and
#               marker.dat
# The message goes to standard output with CRLF line ends, ready for
# smtpc.py.  The EICAR string is put together here, so no file of the
# project holds it whole.  MARKER is importable (PYTHONPATH=t):
#   python3 -c 'import mkmsg; print(mkmsg.MARKER)'

import argparse
import os
import sys
from email.message import EmailMessage
from email.utils import formatdate

EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" +
         "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
MARKER = "mailward-test-marker-of-a-third-engine"
KINDS = ("clean", "eicar", "clamzip", "eicar-body", "both", "marker", "three")


def options():
    p = argparse.ArgumentParser(description="scan pipeline test messages")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("-f", "--from", dest="sender", default="demo@example.org")
    p.add_argument("-t", "--to", default="alice@example.org")
    p.add_argument("--id", help="Message-ID without <>")
    p.add_argument("--testfiles", default="/usr/share/clamav-testfiles")
    return p.parse_args()


def build(a):
    m = EmailMessage()
    m["From"] = a.sender
    m["To"] = a.to
    m["Subject"] = "mailward test: %s" % a.kind
    m["Date"] = formatdate()
    m["Message-ID"] = "<%s>" % (a.id or "%s.%d@mkmsg" % (a.kind, os.getpid()))
    if a.kind == "eicar-body":
        m.set_content(EICAR + "\n")
        return m
    m.set_content("This is the '%s' test message of mailward.\n"
                  "Its text part stays as it is.\n" % a.kind)
    if a.kind in ("eicar", "both", "three"):
        m.add_attachment(EICAR.encode(), maintype="application",
                         subtype="octet-stream", filename="eicar.com")
    if a.kind in ("clamzip", "both", "three"):
        with open(os.path.join(a.testfiles, "clam.zip"), "rb") as f:
            m.add_attachment(f.read(), maintype="application",
                             subtype="zip", filename="clam.zip")
    if a.kind in ("marker", "three"):
        m.add_attachment(("data %s data\n" % MARKER).encode(),
                         maintype="application", subtype="octet-stream",
                         filename="marker.dat")
    return m


def main():
    a = options()
    data = build(a).as_bytes().replace(b"\r\n", b"\n")
    sys.stdout.buffer.write(data.replace(b"\n", b"\r\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
