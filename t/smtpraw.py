#!/usr/bin/env python3
# ISC license.
# t/smtpraw.py: a scripted raw SMTP dialogue for the integration tests.
#
#   smtpraw.py [-t SECONDS] PORT STEP...
#
# Steps, in order:
#   >BYTES     send BYTES (Python escapes: \r \n \x00 ...), in one write
#   <TEXT      read one reply (all its lines); its last line starts with TEXT
#   ~TEXT      read one reply; some line of it contains TEXT
#   =TEXT      read one reply; it is exactly TEXT (lines joined by "|")
#   <<         the server closes the connection (EOF, nothing more read)
#   !tls       start TLS (no certificate check)
#   !shut      shut down our sending side
#
# Prints the transcript ("S: ..." for the server, "C: ..." for us) and
# exits 0 when every expectation held, 1 on the first that did not, 2 on
# a network error.

import socket
import ssl
import sys


class Conn:
    def __init__(self, port, timeout):
        self.s = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d
        i = self.buf.index(b"\n") + 1
        ln, self.buf = self.buf[:i], self.buf[i:]
        return ln.rstrip(b"\r\n").decode("utf-8", "replace")

    def reply(self):
        lines = []
        while True:
            ln = self.line()
            if ln is None:
                return lines or None
            print("S: " + ln)
            lines.append(ln)
            if len(ln) < 4 or ln[3] != "-":
                return lines

    def eof(self):
        try:
            while True:
                d = self.s.recv(65536)
                if not d:
                    return self.buf == b""
                self.buf += d
        except (ConnectionResetError, ssl.SSLError):
            return True

    def tls(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.s = ctx.wrap_socket(self.s, server_hostname="localhost")


def step(c, st):
    kind, arg = st[0], st[1:]
    if kind == ">":
        data = arg.encode("latin-1").decode("unicode_escape").encode(
            "latin-1")
        print("C: %r" % data[:200])
        c.s.sendall(data)
        return True
    if st == "<<":
        return c.eof()
    if st == "!tls":
        c.tls()
        return True
    if st == "!shut":
        c.s.shutdown(socket.SHUT_WR)
        return True
    lines = c.reply()
    if lines is None:
        print("S: (connection closed)")
        return False
    if kind == "<":
        return lines[-1].startswith(arg)
    if kind == "~":
        return any(arg in ln for ln in lines)
    if kind == "=":
        return "|".join(lines) == arg
    raise SystemExit("smtpraw: bad step " + st)


def main(argv):
    timeout = 20.0
    if len(argv) > 2 and argv[0] == "-t":
        timeout = float(argv[1])
        argv = argv[2:]
    try:
        c = Conn(int(argv[0]), timeout)
        for st in argv[1:]:
            if not step(c, st):
                print("smtpraw: failed at step %r" % st)
                return 1
    except (OSError, ssl.SSLError) as e:
        print("smtpraw: %s" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
