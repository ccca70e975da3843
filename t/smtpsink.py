#!/usr/bin/env python3
# ISC license.
# t/smtpsink.py: a small SMTP server for the relay tests (standard library).
#
#   smtpsink.py -p PORT -d DIR [--reject ADDR]... [--tempfail ADDR]...
#               [--tls CERT KEY] [--no-pipelining] [--size N]
#               [--quit reply|hang|drop]
#
# Listens on 127.0.0.1:PORT and records every accepted message as the file
# DIR/new/N (written to DIR/tmp first, then renamed):
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
    p.add_argument("-p", "--port", type=int, required=True)
    p.add_argument("-d", "--dir", required=True)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--tempfail", action="append", default=[])
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--quit", choices=("reply", "hang", "drop"),
                   default="reply")
    return p.parse_args()


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

    def ehlo(self, verb):
        a = self.server.opts
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
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline(4096)
            if not line:
                break
            verb, _, arg = line.rstrip(b"\r\n").partition(b" ")
            verb = verb.upper()
            if verb in (b"EHLO", b"HELO"):
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
                record(self.server.opts, mail, rcpts, self.tls, helo, d)
                n += 1
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


def main():
    a = options()
    for d in ("tmp", "new"):
        os.makedirs(os.path.join(a.dir, d), exist_ok=True)
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.opts = a
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        srv.serve_forever()
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
