# ISC license.
# t/stampcheck.py: a second, independent verifier of the X-Mailward-Status
# header, written from mailward-stamp(5) alone (Python's standard library
# and the openssl command for Ed25519), so the tests check the page as
# well as the C code.
#
#   stampcheck.py PUBKEY.pem NOW MAXAGE [FILE...] < spool-file-or-message
#
# prints "valid" or "invalid REASON" (the reason words of stamp-status(8))
# for standard input, or "FILE valid" ... for each FILE, and exits 0 if
# all are valid, else 1; 2 on a usage or tool error.
#
#   stampcheck.py --sign PRIVKEY.pem PUBKEY.pem T VERDICT E < message
#
# writes the message with a status field of its own making on top (one
# line, unfolded; E is the e= token as it stands), for stamps that
# stamp-status would not write: old, future, or made elsewhere.
import base64
import hashlib
import os
import re
import subprocess
import sys
import tempfile

NAMES = [b"from", b"to", b"cc", b"subject", b"date", b"message-id",
         b"mime-version", b"content-type", b"content-transfer-encoding"]
MIME = NAMES[6:]
TAGS = ["v", "verdict", "t", "k", "e", "bh", "hh", "s"]
FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
LONGNAME = re.compile(rb"[\x21-\x39\x3b-\x7e]{1025}")


class Invalid(Exception):
    pass


def lines(b):
    """(start, end-with-line-end) of each line"""
    pos = 0
    while pos < len(b):
        lf = b.find(b"\n", pos)
        end = len(b) if lf < 0 else lf + 1
        yield pos, end
        pos = end


def section(msg):
    """[(name, raw value)], offset of the body"""
    fields, cur, body, total = [], None, len(msg), 0
    for start, end in lines(msg):
        line = msg[start:end]
        if line in (b"\n", b"\r\n"):
            body = end
            total = end
            break
        if line[:1] in (b" ", b"\t") and cur is not None:
            cur[1] = end
            continue
        if LONGNAME.match(line):
            raise Invalid("malformed")
        m = FIELD.match(line)
        if not m:
            body = start
            break
        cur = [start, end, m.group(1), start + m.end()]
        fields.append(cur)
        total = end
    out = []
    for start, end, name, vstart in fields:
        if end - start > 65536:
            raise Invalid("malformed")
        v = msg[vstart:end]
        v = v[:-2] if v.endswith(b"\r\n") else v[:-1] if v.endswith(b"\n") else v
        out.append((name, v))
    if len(out) > 5000 or total > 1048576:
        raise Invalid("malformed")
    return out, body


def canon_body(b):
    ls = [b[s:e] for s, e in lines(b)]
    ls = [l[:-2] if l.endswith(b"\r\n") else l[:-1] if l.endswith(b"\n") else l
          for l in ls]
    while ls and ls[-1] == b"":
        ls.pop()
    return b"".join(l + b"\r\n" for l in ls)


def canon_value(v):
    """from, to, cc, subject, date, message-id"""
    v = re.sub(rb"\r?\n", b"", v)
    return re.sub(rb"[ \t]+", b" ", v).strip(b" ")


def canon_mime(v):
    """mime-version, content-type, content-transfer-encoding"""
    return re.sub(rb"\r?\n(?=[ \t])", b"", v).strip(b" \t")


def canon_headers(fields):
    out = b""
    for n in NAMES:
        canon = canon_mime if n in MIME else canon_value
        vals = [canon(v) for name, v in fields if name.lower() == n]
        for v in vals or [b""]:
            out += n + b":" + v + b"\r\n"
    return out


def b64(s, n):
    try:
        raw = base64.b64decode(s, validate=True)
    except ValueError:
        raise Invalid("malformed")
    if len(raw) != n or base64.b64encode(raw).decode() != s:
        raise Invalid("malformed")
    return raw


def parse(value):
    v = re.sub(rb"[ \t\r\n]", b"", value)
    if len(v) > 2048 or re.search(rb"[^\x21-\x7e]", v):
        raise Invalid("malformed")
    parts = v.decode().split(";")
    if len(parts) != 8:
        raise Invalid("malformed")
    tags = {}
    for want, p in zip(TAGS, parts):
        name, eq, val = p.partition("=")
        if name != want or not eq:
            raise Invalid("malformed")
        tags[name] = val
    ok = (tags["v"] == "1" and
          tags["verdict"] in ("clean", "cleaned", "quarantined",
                              "released") and
          re.fullmatch(r"0|[1-9][0-9]{0,19}", tags["t"]) and
          int(tags["t"]) < 2 ** 64 and
          re.fullmatch(r"[0-9a-f]{16}", tags["k"]) and
          re.fullmatch(r"[A-Za-z0-9._/:+,%-]{1,512}", tags["e"]))
    if not ok:
        raise Invalid("malformed")
    tags["bh"], tags["hh"] = b64(tags["bh"], 32), b64(tags["hh"], 32)
    tags["s"] = b64(tags["s"], 64)
    return tags, "; ".join(parts[:7]).encode()


KEYIDS = {}


def keyid(pub):
    if pub in KEYIDS:
        return KEYIDS[pub]
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub,
                          "-outform", "DER"], capture_output=True, check=True)
    KEYIDS[pub] = hashlib.sha256(der.stdout[-32:]).hexdigest()[:16]
    return KEYIDS[pub]


def sigok(pub, tbs, sig):
    with tempfile.TemporaryDirectory() as d:
        m, s = os.path.join(d, "m"), os.path.join(d, "s")
        open(m, "wb").write(tbs)
        open(s, "wb").write(sig)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin",
                            "-inkey", pub, "-rawin", "-in", m,
                            "-sigfile", s], capture_output=True)
    return r.returncode == 0


def check(data, pub, now, maxage):
    if data.startswith(b"mailward 1\n"):
        data = data[data.index(b"\n\n") + 2:]
    fields, body = section(data)
    stamps = [v for n, v in fields if n.lower() == b"x-mailward-status"]
    if not stamps:
        raise Invalid("no-stamp")
    if len(stamps) > 1:
        raise Invalid("multiple-stamps")
    tags, tbs = parse(stamps[0])
    if tags["k"] != keyid(pub):
        raise Invalid("unknown-key")
    if not sigok(pub, tbs, tags["s"]):
        raise Invalid("bad-signature")
    t = int(tags["t"])
    if t > now + 300:
        raise Invalid("future")
    if now - t > maxage:
        raise Invalid("expired")
    if hashlib.sha256(canon_body(data[body:])).digest() != tags["bh"]:
        raise Invalid("body-changed")
    if hashlib.sha256(canon_headers(fields)).digest() != tags["hh"]:
        raise Invalid("headers-changed")


def sign(priv, pub, t, verdict, e):
    data = sys.stdin.buffer.read()
    fields, body = section(data)
    bh = base64.b64encode(hashlib.sha256(canon_body(data[body:])).digest())
    hh = base64.b64encode(hashlib.sha256(canon_headers(fields)).digest())
    tbs = "v=1; verdict=%s; t=%s; k=%s; e=%s; bh=%s; hh=%s" % (
        verdict, t, keyid(pub), e, bh.decode(), hh.decode())
    with tempfile.TemporaryDirectory() as d:
        m = os.path.join(d, "m")
        open(m, "wb").write(tbs.encode())
        r = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", priv,
                            "-rawin", "-in", m], capture_output=True,
                           check=True)
    s = base64.b64encode(r.stdout).decode()
    sys.stdout.buffer.write(("X-Mailward-Status: %s; s=%s\n" % (tbs, s))
                            .encode() + data)
    return 0


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "--sign":
        return sign(*sys.argv[2:])
    if len(sys.argv) < 4:
        print("usage: stampcheck.py PUBKEY NOW MAXAGE [FILE...] < message",
              file=sys.stderr)
        return 2
    pub, now, maxage = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    bad = 0
    for f in sys.argv[4:] or ["-"]:
        data = sys.stdin.buffer.read() if f == "-" else open(f, "rb").read()
        who = "" if f == "-" else f + " "
        try:
            check(data, pub, now, maxage)
            print(who + "valid")
        except Invalid as e:
            print(who + "invalid", e)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
