#!/usr/bin/env python3
# ISC license.
# t/mailc.py: IMAP, POP3 and LMTP clients for the integration tests
# (imaplib, poplib and a socket), to read Maildirs back through a real
# server (start_dovecot in t/lib.sh) and to hand it mail.
#
#   mailc.py imap -p PORT -u USER -w PASS [-o DIR]
#       LOGIN, SELECT INBOX, SEARCH ALL, UNSEEN and NEW, then for each
#       message FETCH (FLAGS RFC822.SIZE) and BODY.PEEK[] (so nothing
#       is marked seen); prints
#           exists N
#           all SEQ...
#           unseen SEQ...
#           new SEQ...
#           msg SEQ size=RFC822.SIZE flags=FLAG,FLAG...
#       and writes each message, as fetched, to DIR/SEQ.
#   mailc.py pop3 -p PORT -u USER -w PASS [-o DIR] [--dele]
#       USER, PASS, STAT, then RETR each message (to DIR/N, lines ending
#       in CRLF, dot-stuffing undone) and with --dele DELE it; QUIT.
#       Prints "stat N OCTETS", then "msg N octets=OCTETS" for each.
#   mailc.py lmtp (-S SOCKET | -p PORT) -f FROM -t TO [-t TO...] FILE
#       LHLO, MAIL, RCPT each TO, DATA (FILE, CRLF line ends, dot-
#       stuffed), QUIT; prints each reply as "STEP CODE TEXT", the
#       replies after the data as "data TO CODE TEXT", one per accepted
#       recipient (RFC 2033).
#
# Exit 0 when all went well, 1 when the server said no (a failed login,
# a refused recipient or message), 2 on any other error.

import argparse
import imaplib
import os
import poplib
import re
import socket
import sys


class Refused(Exception):
    pass


def options():
    p = argparse.ArgumentParser(description="IMAP/POP3/LMTP for tests")
    p.add_argument("proto", choices=("imap", "pop3", "lmtp"))
    p.add_argument("-s", "--host", default="127.0.0.1")
    p.add_argument("-p", "--port", type=int)
    p.add_argument("-S", "--socket", help="lmtp: a unix socket")
    p.add_argument("-u", "--user")
    p.add_argument("-w", "--password")
    p.add_argument("-o", "--outdir", help="write the messages here")
    p.add_argument("--dele", action="store_true", help="pop3: DELE each")
    p.add_argument("-f", "--from", dest="sender", default="")
    p.add_argument("-t", "--to", action="append", default=[])
    p.add_argument("--timeout", type=float, default=10.0)
    p.add_argument("file", nargs="?")
    a = p.parse_intermixed_args()
    if a.proto != "lmtp" and (a.port is None or a.user is None or
                              a.password is None):
        p.error("%s wants -p, -u and -w" % a.proto)
    if a.proto == "lmtp" and ((a.port is None) == (a.socket is None) or
                              not a.to or a.file is None):
        p.error("lmtp wants -S or -p, -t and FILE")
    return a


def save(a, name, data):
    if a.outdir:
        with open(os.path.join(a.outdir, str(name)), "wb") as f:
            f.write(data)


def imap_ok(r):
    typ, data = r
    if typ != "OK":
        raise Refused("%s %s" % (typ, data))
    return data


def imap_search(m, what):
    seqs = imap_ok(m.search(None, what))[0].split()
    print(" ".join([what.lower()] + [s.decode() for s in seqs]))
    return seqs


def imap(a):
    m = imaplib.IMAP4(a.host, a.port, timeout=a.timeout)
    try:
        m.login(a.user, a.password)
    except imaplib.IMAP4.error as e:
        raise Refused("LOGIN: %s" % e)
    n = int(imap_ok(m.select("INBOX"))[0])
    print("exists %d" % n)
    seqs = imap_search(m, "ALL")
    imap_search(m, "UNSEEN")
    imap_search(m, "NEW")
    for s in seqs:
        meta = imap_ok(m.fetch(s, "(FLAGS RFC822.SIZE)"))[0].decode()
        flags = re.search(r"FLAGS \(([^)]*)\)", meta).group(1).split()
        size = re.search(r"RFC822\.SIZE (\d+)", meta).group(1)
        body = imap_ok(m.fetch(s, "(BODY.PEEK[])"))[0][1]
        print("msg %s size=%s flags=%s" % (s.decode(), size,
                                          ",".join(flags)))
        save(a, s.decode(), body)
    m.close()
    m.logout()


def pop3(a):
    p = poplib.POP3(a.host, a.port, timeout=a.timeout)
    try:
        p.user(a.user)
        p.pass_(a.password)
    except poplib.error_proto as e:
        raise Refused("USER/PASS: %s" % e)
    n, octets = p.stat()
    print("stat %d %d" % (n, octets))
    for i in range(1, n + 1):
        _, lines, _ = p.retr(i)
        data = b"".join(l + b"\r\n" for l in lines)
        print("msg %d octets=%d" % (i, len(data)))
        save(a, i, data)
        if a.dele:
            p.dele(i)
    p.quit()


class Lmtp:
    def __init__(self, a):
        if a.socket:
            self.s = socket.socket(socket.AF_UNIX)
            self.s.settimeout(a.timeout)
            self.s.connect(a.socket)
        else:
            self.s = socket.create_connection((a.host, a.port), a.timeout)
        self.f = self.s.makefile("rb")

    def reply(self, step):
        """Read one (multi-line) reply; print and return its code."""
        text = []
        while True:
            line = self.f.readline(4096)
            if not line.endswith(b"\r\n") or len(line) < 5:
                raise OSError("%s: bad reply %r" % (step, line))
            text.append(line[4:-2].decode("utf-8", "replace"))
            if line[3:4] == b" ":
                break
        print("%s %s %s" % (step, line[:3].decode(), text[-1]))
        return int(line[:3])

    def cmd(self, step, line):
        self.s.sendall(line.encode() + b"\r\n")
        return self.reply(step)


def lmtp(a):
    with open(a.file, "rb") as f:
        data = f.read()
    data = re.sub(rb"\r?\n", b"\r\n", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    data = re.sub(rb"(?m)^\.", b"..", data)
    c = Lmtp(a)
    good = c.reply("greeting") == 220
    good = c.cmd("lhlo", "LHLO client.example.org") == 250 and good
    if c.cmd("mail", "MAIL FROM:<%s>" % a.sender) != 250:
        c.cmd("quit", "QUIT")
        return 1
    took = [t for t in a.to
            if c.cmd("rcpt %s" % t, "RCPT TO:<%s>" % t) == 250]
    good = good and len(took) == len(a.to)
    if took:
        if c.cmd("data", "DATA") != 354:
            return 1
        c.s.sendall(data + b".\r\n")
        for t in took:
            good = c.reply("data %s" % t) == 250 and good
    c.cmd("quit", "QUIT")
    return 0 if good else 1


def main():
    a = options()
    socket.setdefaulttimeout(a.timeout)
    try:
        if a.proto == "lmtp":
            sys.exit(lmtp(a))
        imap(a) if a.proto == "imap" else pop3(a)
    except Refused as e:
        print("refused: %s" % e)
        sys.exit(1)
    except (OSError, EOFError, imaplib.IMAP4.error, poplib.error_proto,
            AttributeError, ValueError) as e:
        print("error: %s" % e)
        sys.exit(2)
    sys.exit(0)


main()
