#!/usr/bin/env python3
# ISC license.
# t/noticecheck.py: check the notices notify(8) spooled, from
# mailward-spool(5) and notify(8) alone, with Python's email package.
#
#   noticecheck.py SPOOL QID FROM REMOTE
#
# Every file in SPOOL/new must be a spool file whose envelope is
# id (the file's name), time, remote REMOTE (the message's own, so an
# origin route takes the notice back the same way), helo -, tls 0,
# from <>, one
# rcpt, notice KIND and notice-for QID, nothing else; whose message is
# printable ASCII in lines of at most 998 bytes, with exactly the
# notice's header fields (From FROM, To the rcpt, Date, Message-ID,
# Auto-Submitted: auto-generated, X-Mailward-Notice: KIND, MIME-Version
# 1.0, text/plain us-ascii 7bit), no defect in Python's reading, and a
# body that names QID.  Prints "KIND RCPT SUBJECT" for each file, sorted,
# and exits 0; on the first fault, "FILE: fault" on stderr and exit 1.
import email.policy
import os
import re
import sys
from email.parser import BytesParser

FIELDS = ["from", "to", "subject", "date", "message-id", "auto-submitted",
          "x-mailward-notice", "mime-version", "content-type",
          "content-transfer-encoding"]
KINDS = ("recipient", "admin", "sender")


class Fault(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Fault(what)


def envelope(name, data, remote):
    """the envelope's keys and the message after it"""
    head, sep, msg = data.partition(b"\n\n")
    need(sep, "no empty line ends the envelope")
    lines = head.decode("ascii").split("\n")
    need(lines[0] == "mailward 1", "version line %r" % lines[0])
    env = {}
    for ln in lines[1:]:
        k, sp, v = ln.partition(" ")
        need(sp and k not in env, "envelope line %r" % ln)
        env[k] = v
    need(sorted(env) == sorted(["id", "time", "remote", "helo", "tls",
                                "from", "rcpt", "notice", "notice-for"]),
         "envelope keys %s" % sorted(env))
    need(env["id"] == name, "id %r in file %r" % (env["id"], name))
    need(env["time"].isdigit(), "time %r" % env["time"])
    need((env["remote"], env["helo"], env["tls"], env["from"]) ==
         (remote, "-", "0", "<>"), "remote, helo, tls, from: %r" % env)
    need(re.fullmatch(r"<[^<>]+>", env["rcpt"]), "rcpt %r" % env["rcpt"])
    need(env["notice"] in KINDS, "notice %r" % env["notice"])
    return env, msg


def message(env, msg, qid, sender):
    kind, rcpt = env["notice"], env["rcpt"][1:-1]
    for ln in msg.split(b"\n")[:-1]:
        need(len(ln) <= 998, "a line of %d bytes" % len(ln))
        need(all(0x20 <= b < 0x7f for b in ln), "a byte outside ASCII "
             "or a control byte in %r" % ln)
    need(msg.endswith(b"\n"), "no final line end")
    m = BytesParser(policy=email.policy.default).parsebytes(msg)
    need([k.lower() for k in m.keys()] == FIELDS, "fields %s" % m.keys())
    need(not m.defects, "defects %s" % m.defects)
    for k in m.keys():
        need(not m[k].defects, "%s: defects %s" % (k, m[k].defects))
    need(m["From"].addresses[0].addr_spec == sender, "From %s" % m["From"])
    need(len(m["To"].addresses) == 1 and
         m["To"].addresses[0].addr_spec == rcpt, "To %s" % m["To"])
    need(m["Date"].datetime is not None, "Date %s" % m["Date"])
    need(re.fullmatch(r"<%s\.notice\.%s@[^<>@]+>" % (re.escape(env["id"]),
         kind), str(m["Message-ID"])), "Message-ID %s" % m["Message-ID"])
    need(m["Auto-Submitted"] == "auto-generated", "Auto-Submitted")
    need(m["X-Mailward-Notice"] == kind, "X-Mailward-Notice")
    need(m["MIME-Version"] == "1.0", "MIME-Version")
    need(m.get_content_type() == "text/plain" and
         m.get_param("charset") == "us-ascii", "Content-Type %s" %
         m["Content-Type"])
    need(m["Content-Transfer-Encoding"] == "7bit", "7bit")
    need(not m.is_multipart(), "multipart")
    need(("\n  Queue id:  %s\n" % qid) in m.get_content(), "no queue id")
    return "%s %s %s" % (kind, rcpt, m["Subject"])


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: noticecheck.py SPOOL QID FROM REMOTE")
    spool, qid, sender, remote = sys.argv[1:]
    new = os.path.join(spool, "new")
    out = []
    for name in sorted(os.listdir(new)):
        try:
            with open(os.path.join(new, name), "rb") as f:
                env, msg = envelope(name, f.read(), remote)
            need(env["notice-for"] == qid, "notice-for %r" %
                 env["notice-for"])
            out.append(message(env, msg, qid, sender))
        except (Fault, UnicodeError, ValueError, IndexError,
                KeyError) as e:
            print("%s: %s" % (name, e), file=sys.stderr)
            sys.exit(1)
    for ln in sorted(out):
        print(ln)


main()
