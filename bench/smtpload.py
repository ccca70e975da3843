#!/usr/bin/env python3
# ISC license.
# bench/smtpload.py: SMTP load for the transport benchmark.
#
#   smtpload.py -p PORT -t RCPT -n MESSAGES [-c CONNECTIONS] [-s BYTES]
#               [-m MAILDIR]
#
# Opens CONNECTIONS client processes that together send MESSAGES messages
# of about BYTES bytes each (several transactions per connection, as a
# busy MTA does), then, with -m, waits until every message is in MAILDIR
# and reports accept and end-to-end rates and the submit-to-mailbox
# latency (from each Maildir file's mtime).  Prints one "key=value" line.

import argparse
import multiprocessing
import os
import smtplib
import statistics
import time


def opts():
    p = argparse.ArgumentParser()
    p.add_argument("-p", "--port", type=int, required=True)
    p.add_argument("-t", "--to", required=True)
    p.add_argument("-n", "--messages", type=int, default=500)
    p.add_argument("-c", "--connections", type=int, default=4)
    p.add_argument("-s", "--size", type=int, default=4096)
    p.add_argument("-m", "--maildir")
    p.add_argument("--deadline", type=float, default=300.0)
    return p.parse_args()


def message(i, size):
    head = ("From: <bench@example.org>\r\nTo: <rcpt@example.org>\r\n"
            "Subject: bench %d\r\nMessage-ID: <bench.%d@example.org>\r\n"
            "\r\n" % (i, i))
    line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return (head + body).encode()


def worker(args):
    port, to, ids, size = args
    sent = {}
    s = smtplib.SMTP("127.0.0.1", port, timeout=60)
    s.ehlo("bench.example.org")
    for i in ids:
        t = time.time()
        s.sendmail("bench@example.org", [to], message(i, size))
        sent[i] = t
    s.quit()
    return sent


def mailbox_times(maildir):
    out = {}
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        for name in os.listdir(d):
            fn = os.path.join(d, name)
            with open(fn, "rb") as f:
                head = f.read(2048)
            k = head.find(b"Message-ID: <bench.")
            if k >= 0:
                i = int(head[k + 19:head.index(b"@", k)])
                out[i] = os.stat(fn).st_mtime
    return out


def main():
    a = opts()
    n, c = a.messages, a.connections
    jobs = [(a.port, a.to, list(range(k, n, c)), a.size) for k in range(c)]
    t0 = time.time()
    with multiprocessing.Pool(c) as pool:
        parts = pool.map(worker, jobs)
    t1 = time.time()
    sent = {}
    for p in parts:
        sent.update(p)
    res = "messages=%d connections=%d size=%d accept_s=%.2f accept_rate=%.1f" % (
        n, c, a.size, t1 - t0, n / (t1 - t0))
    if a.maildir:
        while True:
            got = mailbox_times(a.maildir)
            if len(got) >= n or time.time() - t0 > a.deadline:
                break
            time.sleep(0.2)
        if len(got) < n:
            print(res + " delivered=%d (deadline)" % len(got))
            return 1
        t2 = max(got.values())
        lat = sorted(got[i] - sent[i] for i in sent)
        res += " e2e_s=%.2f e2e_rate=%.1f lat_p50_ms=%.0f lat_p95_ms=%.0f" % (
            t2 - t0, n / (t2 - t0), 1000 * statistics.median(lat),
            1000 * lat[int(0.95 * (len(lat) - 1))])
    print(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
