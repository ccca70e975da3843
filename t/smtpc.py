#!/usr/bin/env python3
# ISC license.
# t/smtpc.py: a small SMTP client (smtplib) for the integration tests.
#
#   smtpc.py [-s HOST] [--source IP] -p PORT -f FROM -t TO [-t TO...]
#            [FILE | options]
#
# Sends FILE (an RFC 5322 message, "-" for stdin) or a generated message
# (--subject, --body, --message-id) and prints the final reply, e.g.
# "250 2.0.0 ok 1732690200.4411.c3f2a9".  Exit 0 when the message was
# accepted, 1 when the server refused it (4xx/5xx), 2 on any other error.
#
# With --count N it sends N generated messages, each with a unique
# Message-ID, reconnecting after errors until --deadline seconds, and
# appends the Message-ID of every accepted one to --ids FILE (one a line);
# exit 0 if at least one was accepted.
#
# --source IP connects from that local address: on Linux any of 127/8
# is on lo, so 127.0.0.2 stands for another host than 127.0.0.1.

import argparse
import smtplib
import socket
import ssl
import sys
import time
import uuid


def options():
    p = argparse.ArgumentParser(description="small SMTP client for tests")
    p.add_argument("-s", "--host", default="127.0.0.1")
    p.add_argument("--source", help="connect from this local address")
    p.add_argument("-p", "--port", type=int, required=True)
    p.add_argument("-f", "--from", dest="sender", default="sender@example.org")
    p.add_argument("-t", "--to", action="append", required=True)
    p.add_argument("--helo", default="client.example.org")
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--cafile", help="verify the server against this CA")
    p.add_argument("--subject", default="test")
    p.add_argument("--body", default="hello\n")
    p.add_argument("--message-id")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--ids", help="--count: append accepted Message-IDs")
    p.add_argument("--tag", default="m", help="--count: Message-ID prefix")
    p.add_argument("--deadline", type=float, default=60.0)
    p.add_argument("--pause", type=float, default=0.0,
                   help="--count: seconds between messages")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("file", nargs="?")
    return p.parse_args()


def make_message(a, mid):
    lines = [
        "From: <%s>" % a.sender,
        "To: %s" % ", ".join("<%s>" % t for t in a.to),
        "Subject: %s" % a.subject,
        "Message-ID: <%s>" % mid,
        "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                   time.gmtime()),
        "",
    ]
    body = a.body.replace("\r\n", "\n").rstrip("\n").split("\n")
    return ("\r\n".join(lines + body) + "\r\n").encode()


def connect(a):
    c = smtplib.SMTP(a.host, a.port, local_hostname=a.helo,
                     timeout=a.timeout,
                     source_address=(a.source, 0) if a.source else None)
    c.ehlo()
    if a.starttls:
        ctx = ssl.create_default_context(cafile=a.cafile)
        if not a.cafile:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        c.starttls(context=ctx)
        c.ehlo()
    return c


def send(c, a, data):
    """Return (code, text) of the final reply for one message."""
    code, msg = c.mail(a.sender)
    if code != 250:
        c.rset()
        return code, msg
    good = 0
    last = (code, msg)
    for t in a.to:
        code, msg = c.rcpt(t)
        if code in (250, 251):
            good += 1
        else:
            last = (code, msg)
    if good == 0:
        c.rset()
        return last
    return c.data(data)


def one(a):
    if a.file:
        fh = sys.stdin.buffer if a.file == "-" else open(a.file, "rb")
        data = fh.read()
    else:
        data = make_message(a, a.message_id or "%s@smtpc" % uuid.uuid4())
    try:
        c = connect(a)
        code, msg = send(c, a, data)
        try:
            c.quit()
        except smtplib.SMTPException:
            pass
    except (OSError, smtplib.SMTPException) as e:
        print("error: %s" % e)
        return 2
    print("%d %s" % (code, msg.decode("utf-8", "replace")))
    return 0 if 200 <= code < 300 else 1


def many(a):
    end = time.monotonic() + a.deadline
    ids = open(a.ids, "a") if a.ids else None
    accepted = i = 0
    c = None
    while i < a.count and time.monotonic() < end:
        if c is None:
            try:
                c = connect(a)
            except (OSError, smtplib.SMTPException):
                # nothing was sent: the server is restarting
                c = None
                time.sleep(0.05)
                continue
        mid = "%s.%d.%s@smtpc" % (a.tag, i, uuid.uuid4().hex[:8])
        i += 1
        try:
            code, _ = send(c, a, make_message(a, mid))
        except (OSError, smtplib.SMTPException):
            # the reply (if any) was lost: the message may or may not
            # have been queued; it is not counted as accepted
            c = None
            continue
        if a.pause:
            time.sleep(a.pause)
        if code == 250:
            accepted += 1
            if ids:
                ids.write(mid + "\n")
                ids.flush()
    if c is not None:
        try:
            c.quit()
        except (OSError, smtplib.SMTPException):
            pass
    print("sent %d accepted %d" % (i, accepted))
    return 0 if accepted > 0 else 1


def main():
    a = options()
    socket.setdefaulttimeout(a.timeout)
    sys.exit(many(a) if a.count else one(a))


main()
