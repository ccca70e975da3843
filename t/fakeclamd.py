#!/usr/bin/env python3
# ISC license.
# t/fakeclamd.py: a clamd that misbehaves, for the scan-stage-clamd tests
# (standard library).
#
#   fakeclamd.py -p PORT -m nonsense|silent|close [-l LOG]
#
# Listens on 127.0.0.1:PORT.  On each connection it reads the command
# ("zINSTREAM\0" and its chunks to the zero-length one, or "zVERSION\0"),
# then, by mode:
#
#   nonsense   answers VERSION as a clamd 1.4.6 would, and INSTREAM with
#              bytes no clamd sends ("stream: ok, probably\0")
#   silent     never answers (the connection stays open until the
#              client gives up)
#   close      hangs up at once, before reading anything
#
# One line per connection on LOG (default: stderr), "fakeclamd: MODE
# CMD BYTES" with the data bytes received.  Stops on SIGTERM.

import argparse
import signal
import socketserver
import struct
import sys
import threading


def options():
    p = argparse.ArgumentParser(description="a misbehaving clamd")
    p.add_argument("-p", "--port", type=int, required=True)
    p.add_argument("-m", "--mode", required=True,
                   choices=("nonsense", "silent", "close"))
    p.add_argument("-l", "--log")
    return p.parse_args()


def readn(f, n):
    b = f.read(n)
    if b is None or len(b) != n:
        raise EOFError
    return b


def command(f):
    """The command word and the INSTREAM bytes received."""
    cmd = b""
    while not cmd.endswith(b"\0"):
        cmd += readn(f, 1)
        if len(cmd) > 32:
            raise EOFError
    n = 0
    if cmd == b"zINSTREAM\0":
        while True:
            (k,) = struct.unpack(">I", readn(f, 4))
            if k == 0:
                break
            readn(f, k)
            n += k
    return cmd.rstrip(b"\0").decode("ascii", "replace"), n


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        a = self.server.args
        if a.mode == "close":
            self.log("close - 0")
            return
        try:
            cmd, n = command(self.rfile)
        except (EOFError, OSError):
            self.log("%s eof 0" % a.mode)
            return
        self.log("%s %s %d" % (a.mode, cmd, n))
        if a.mode == "silent":
            while self.request.recv(4096):
                pass            # until the client hangs up
            return
        if cmd == "zVERSION":
            self.wfile.write(b"ClamAV 1.4.6/27000/Thu Nov 26 08:00:00 2026\0")
        else:
            self.wfile.write(b"stream: ok, probably\0")

    def log(self, line):
        with self.server.lock:
            self.server.logf.write("fakeclamd: %s\n" % line)
            self.server.logf.flush()


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    a = options()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.args = a
    srv.lock = threading.Lock()
    srv.logf = open(a.log, "a") if a.log else sys.stderr

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    srv.serve_forever()
    srv.server_close()


if __name__ == "__main__":
    main()
