#!/usr/bin/env python3
# ISC license.
# t/smtpsink.py: a small SMTP server for the relay tests (standard library).
#
#   smtpsink.py (-p PORT | -u SOCKET) -d DIR [--reject ADDR]...
#               [--tempfail ADDR]... [--tls CERT KEY] [--no-pipelining]
#               [--size N] [--quit reply|hang|drop]
#               [--lmtp [--replies FILE] [--drop-after N]]
#
# Listens on 127.0.0.1:PORT, or on the unix socket SOCKET (mode 0666),
# and records every accepted message as the file DIR/new/N (written to
# DIR/tmp first, then renamed):
#
#   mail <FROM>
#   rcpt <TO>            one line per accepted recipient
#   tls 0|1
#   helo NAME
#   (empty line)
#   the data, dot-unstuffed, with its CRLF line ends
#
# RCPT to a --reject address gets "550 5.1.1 no such user", to a
# --tempfail address "451 4.2.0 try again later".  --quit hang leaves
# QUIT unanswered until the client closes, --quit drop closes at once;
# either logs "sink: quit seen" first.  Each connection is logged as one
# line on stderr.  Stops on SIGTERM.
#
# --lmtp speaks LMTP (RFC 2033): LHLO (EHLO and HELO get 500), and after
# the data one reply for each accepted recipient, in RCPT order.  FILE,
# read again at the end of each message, has lines "ADDR CODE TEXT":
# the reply for ADDR; any other recipient gets "250 2.0.0 <ADDR>
# delivered".  The file records the recipients answered 2xx (none: no
# file).  --drop-after N closes the connection after N of those replies,
# logging "sink: dropped after N".

import argparse
import os
import signal
import socketserver
import ssl
import sys
import threading

counter = [0]
lock = threading.Lock()


def options():
    p = argparse.ArgumentParser(description="SMTP sink for tests")
    w = p.add_mutually_exclusive_group(required=True)
    w.add_argument("-p", "--port", type=int)
    w.add_argument("-u", "--unix")
    p.add_argument("-d", "--dir", required=True)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--tempfail", action="append", default=[])
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--quit", choices=("reply", "hang", "drop"),
                   default="reply")
    p.add_argument("--lmtp", action="store_true")
    p.add_argument("--replies")
    p.add_argument("--drop-after", type=int, default=-1)
    return p.parse_args()


def lmtp_replies(a):
    """ADDR -> "CODE TEXT" from the --replies file, read now."""
    rs = {}
    if not a.replies or not os.path.exists(a.replies):
        return rs
    with open(a.replies, "rb") as f:
        for line in f:
            w = line.split(None, 1)
            if len(w) == 2:
                rs[w[0]] = w[1].strip().decode()
    return rs


def record(a, mail, rcpts, tls, helo, data):
    with lock:
        counter[0] += 1
        n = counter[0]
    tmp = os.path.join(a.dir, "tmp", "%d.%d" % (os.getpid(), n))
    with open(tmp, "wb") as f:
        f.write(b"mail <" + mail + b">\n")
        for r in rcpts:
            f.write(b"rcpt <" + r + b">\n")
        f.write(b"tls %d\nhelo %s\n\n" % (tls, helo))
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, os.path.join(a.dir, "new", "%d.%d" % (os.getpid(), n)))


def path(arg):
    s = arg.strip()
    if b":" in s:
        s = s.split(b":", 1)[1].strip()
    if s.startswith(b"<"):
        s = s[1:s.index(b">")]
    return s


class Handler(socketserver.StreamRequestHandler):
    def reply(self, s):
        self.wfile.write(s.encode() + b"\r\n")
        self.wfile.flush()

    def starttls(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*self.server.opts.tls)
        self.reply("220 2.0.0 go ahead")
        self.connection = ctx.wrap_socket(self.request, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")
        self.tls = 1

    def data(self):
        self.reply("354 go ahead")
        buf = b""
        while True:
            line = self.rfile.readline(100000)
            if not line:
                return None
            if line == b".\r\n":
                return buf
            if line.startswith(b"."):
                line = line[1:]
            buf += line

    def lmtp_data(self, mail, rcpts, helo, d):
        """The replies after the data: False if the connection dropped."""
        a = self.server.opts
        rs = lmtp_replies(a)
        done = []
        for i, r in enumerate(rcpts):
            if i == a.drop_after:
                if done:
                    record(a, mail, done, self.tls, helo, d)
                sys.stderr.write("sink: dropped after %d\n" % i)
                return False
            rep = rs.get(r, "250 2.0.0 <%s> delivered" % r.decode())
            self.reply(rep)
            if rep.startswith("2"):
                done.append(r)
        if done:
            record(a, mail, done, self.tls, helo, d)
        return True

    def ehlo(self, verb):
        a = self.server.opts
        if (verb == b"LHLO") != a.lmtp:
            self.reply("500 5.5.1 %s" % ("LHLO, this is LMTP" if a.lmtp
                                         else "unknown command"))
            return
        if verb == b"HELO":
            self.reply("250 sink")
            return
        ext = ["sink"]
        if not a.no_pipelining:
            ext.append("PIPELINING")
        if a.size:
            ext.append("SIZE %d" % a.size)
        if a.tls and not self.tls:
            ext.append("STARTTLS")
        ext.append("8BITMIME")
        for i, e in enumerate(ext):
            self.reply("250%s%s" % (" " if i == len(ext) - 1 else "-", e))

    def quit(self):
        how = self.server.opts.quit
        if how != "reply":
            sys.stderr.write("sink: quit seen\n")
            sys.stderr.flush()
        if how == "reply":
            self.reply("221 2.0.0 bye")
        elif how == "hang":
            while self.rfile.read(4096):
                pass

    def rcpt(self, arg, rcpts):
        a = self.server.opts
        r = path(arg)
        if r.decode(errors="replace") in a.reject:
            self.reply("550 5.1.1 no such user")
        elif r.decode(errors="replace") in a.tempfail:
            self.reply("451 4.2.0 try again later")
        else:
            rcpts.append(r)
            self.reply("250 2.1.5 ok")

    def handle(self):
        self.tls = 0
        helo, mail, rcpts, n = b"-", None, [], 0
        self.reply("220 sink " + ("LMTP" if self.server.opts.lmtp
                                  else "ESMTP"))
        while True:
            line = self.rfile.readline(4096)
            if not line:
                break
            verb, _, arg = line.rstrip(b"\r\n").partition(b" ")
            verb = verb.upper()
            if verb in (b"EHLO", b"HELO", b"LHLO"):
                helo, mail, rcpts = arg, None, []
                self.ehlo(verb)
            elif verb == b"STARTTLS" and self.server.opts.tls:
                self.starttls()
            elif verb == b"MAIL":
                mail, rcpts = path(arg), []
                self.reply("250 2.1.0 ok")
            elif verb == b"RCPT":
                self.rcpt(arg, rcpts)
            elif verb == b"DATA":
                if mail is None or not rcpts:
                    self.reply("554 5.5.1 no valid recipients")
                    continue
                d = self.data()
                if d is None:
                    break
                n += 1
                if self.server.opts.lmtp:
                    if not self.lmtp_data(mail, rcpts, helo, d):
                        break
                else:
                    record(self.server.opts, mail, rcpts, self.tls, helo, d)
                    self.reply("250 2.0.0 ok %d" % n)
                mail, rcpts = None, []
            elif verb == b"RSET":
                mail, rcpts = None, []
                self.reply("250 2.0.0 ok")
            elif verb == b"QUIT":
                self.quit()
                break
            else:
                self.reply("502 5.5.2 unknown command")
        sys.stderr.write("sink: connection done messages=%d tls=%d\n"
                         % (n, self.tls))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class UnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def main():
    a = options()
    for d in ("tmp", "new"):
        os.makedirs(os.path.join(a.dir, d), exist_ok=True)
    if a.unix:
        mask = os.umask(0o111)  # the socket is 0666 from the start
        srv = UnixServer(a.unix, Handler)
        os.umask(mask)
    else:
        srv = Server(("127.0.0.1", a.port), Handler)
    srv.opts = a
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        srv.serve_forever()
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
