#!/usr/bin/env python3
# ISC license.
# t/scancorpus.py: inputs and expected outputs for t/7000, written
# independently of lib/mime*.c: Python's email package finds a corpus
# message's top-level boundary, and the EICAR part and its notice are
# placed by plain byte offsets.
#
#   scancorpus.py prepare DIR CORPUS TESTFILES
#       DIR/NAME.in (spool files) and DIR/manifest ("NAME KIND SOURCE"):
#       clean    every corpus message, wrapped in an envelope
#       eicar    every multipart one with an EICAR part added last
#       b64, qp  every test file attached, base64 or quoted-printable,
#                inside two levels of message/rfc822
#   scancorpus.py verify DIR
#       reads DIR/NAME.out and DIR/NAME.rc (the scanner's output and
#       exit code) and prints one line per kind:
#       KIND TOTAL BAD [NAME:REASON ...]
import base64
import email
import os
import re
import sys

EICAR = (b'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-'
         b'TEST-FILE!$H+H*')
SCANNED = re.compile(rb'^clamav/[0-9]+\.[0-9]+\.[0-9]+/0\.0\.7$')


def envelope(qid):
    return (b'mailward 1\nid %s\ntime 1767225600\nremote -\nhelo -\n'
            b'tls 0\nfrom <a@example.org>\nrcpt <b@example.net>\n'
            % qid.encode())


def qid_of(name):
    return '1767225600.7000.' + name


def split_spool(data):
    """(envelope lines without the empty line, message)"""
    i = data.find(b'\n\n')
    if not data.startswith(b'mailward 1\n') or i < 0:
        return None, data
    return data[:i + 1], data[i + 2:]


def env_get(env, key):
    for line in env.split(b'\n'):
        if line.startswith(key + b' '):
            return line[len(key) + 1:]
    return None


def eicar_site(raw):
    """(ins, eol, boundary, partno) to add a last part to the top-level
    multipart, or a reason string"""
    m = email.message_from_bytes(raw)
    if m.get_content_maintype() != 'multipart':
        return 'not multipart'
    b = m.get_boundary()
    if not b:
        return 'no boundary'
    b = b.encode('latin-1')
    hdr = re.search(rb'\r?\n\r?\n', raw)
    start = hdr.end() if hdr else len(raw)
    close = re.compile(rb'^--' + re.escape(b) + rb'--[ \t\r]*$', re.M)
    c = close.search(raw, start)
    if c is None:
        return 'no close delimiter'
    ins = c.start() - 1
    if ins > 0 and raw[ins - 1:ins] == b'\r':
        ins -= 1
    eol = raw[ins:c.start()]
    delim = re.compile(rb'^--' + re.escape(b) + rb'[ \t\r]*$', re.M)
    parts = len(delim.findall(raw, start, c.start()))
    return ins, eol, b, parts + 1


def eicar_part(eol):
    lines = [b'Content-Type: application/octet-stream; name="eicar.com"',
             b'Content-Transfer-Encoding: base64',
             b'Content-Disposition: attachment; filename="eicar.com"', b'',
             base64.b64encode(EICAR)]
    return eol.join(lines)


def notice(eol, partno, virus, qid):
    lines = [b'Content-Type: text/plain; charset=us-ascii',
             b'Content-Transfer-Encoding: 7bit',
             b'Content-Disposition: inline', b'',
             b'mailward removed this part of the message.', b'',
             b'Part: %d (application/octet-stream)' % partno,
             b'File: eicar.com', b'Size: 68 bytes', b'Virus: ' + virus,
             b'Reason: infected', b'', b'Queue id: ' + qid.encode()]
    return eol.join(lines)


def with_part(raw, site, part):
    ins, eol, b, _ = site
    return raw[:ins] + eol + b'--' + b + eol + part + raw[ins:]


def qp(data):
    out, col = [], 0
    for c in data:
        if col >= 72:
            out.append(b'=\n')
            col = 0
        if 33 <= c <= 126 and c != 61:
            out.append(bytes([c]))
            col += 1
        else:
            out.append(b'=%02X' % c)
            col += 3
    return b''.join(out) + b'=\n'


def nested(name, data, cte):
    enc = base64.encodebytes(data) if cte == 'b64' else qp(data)
    cten = b'base64' if cte == 'b64' else b'quoted-printable'
    n = name.encode()
    m = (b'From: <inner@example.org>\nSubject: level 2\nMIME-Version: 1.0\n'
         b'Content-Type: multipart/mixed; boundary="L2"\n\n--L2\n'
         b'Content-Type: text/plain\n\nthe file\n\n--L2\n'
         b'Content-Type: application/octet-stream; name="' + n + b'"\n'
         b'Content-Transfer-Encoding: ' + cten + b'\n'
         b'Content-Disposition: attachment; filename="' + n + b'"\n\n' +
         enc + b'\n--L2--\n')
    for lvl in (1, 0):
        m = (b'From: <l%d@example.org>\nSubject: level %d\n'
             b'MIME-Version: 1.0\n'
             b'Content-Type: multipart/mixed; boundary="L%d"\n\n--L%d\n'
             b'Content-Type: text/plain\n\nforwarded\n\n--L%d\n'
             b'Content-Type: message/rfc822\n\n' % (lvl, lvl, lvl, lvl, lvl)
             + m + b'\n--L%d--\n' % lvl)
    return m, enc.split(b'\n')[0]


def prepare(d, corpus, testfiles):
    man = []
    for f in sorted(os.listdir(corpus)):
        if not (f.startswith('msg_') and f.endswith('.txt')):
            continue
        raw = open(os.path.join(corpus, f), 'rb').read()
        name = f[:-4]
        put(d, name, envelope(qid_of(name)) + b'\n' + raw)
        man.append((name, 'clean', f))
        site = eicar_site(raw)
        if isinstance(site, str):
            continue
        name = f[:-4] + '.eicar'
        put(d, name, envelope(qid_of(name)) + b'\n' +
            with_part(raw, site, eicar_part(site[1])))
        man.append((name, 'eicar', f))
    for f in sorted(os.listdir(testfiles)):
        data = open(os.path.join(testfiles, f), 'rb').read()
        for cte in ('b64', 'qp'):
            name = 'tf.%s.%s' % (f, cte)
            m, _ = nested(f, data, cte)
            put(d, name, envelope(qid_of(name)) + b'\n' + m)
            man.append((name, cte, f))
    with open(os.path.join(d, 'manifest'), 'w') as mf:
        for row in man:
            mf.write('%s %s %s\n' % row)


def put(d, name, data):
    with open(os.path.join(d, name + '.in'), 'wb') as f:
        f.write(data)


def check_clean(d, name, src, inp, out, rc):
    if rc != 0:
        return 'exit %d' % rc
    env, msg = split_spool(out)
    ienv, imsg = split_spool(inp)
    if env is None:
        return 'no envelope'
    s = env_get(env, b'scanned')
    if s is None or not SCANNED.match(s):
        return 'scanned %r' % s
    if env != ienv + b'verdict clean\nscanned ' + s + b'\n':
        return 'envelope %r' % env[len(ienv):]
    return None if msg == imsg else 'message changed'


def check_eicar(d, name, src, inp, out, rc, corpus):
    if rc != 0:
        return 'exit %d' % rc
    env, msg = split_spool(out)
    ienv, _ = split_spool(inp)
    if env is None:
        return 'no envelope'
    v, s = env_get(env, b'viruses'), env_get(env, b'scanned')
    if v is None or b'Mailward.Test.EICAR.UNOFFICIAL' not in v.split(b',') \
            or any(not x.startswith(b'Mailward.Test.EICAR')
                   for x in v.split(b',')):
        return 'viruses %r' % v
    if s is None or not SCANNED.match(s):
        return 'scanned %r' % s
    if env != (ienv + b'verdict cleaned\nviruses ' + v + b'\nfound clamav:' +
               v + b'\nscanned ' + s + b'\n'):
        return 'envelope %r' % env[len(ienv):]
    raw = open(os.path.join(corpus, src), 'rb').read()
    site = eicar_site(raw)
    want = with_part(raw, site, notice(site[1], site[3], v, qid_of(name)))
    if msg == want:
        return None
    i = next((k for k in range(min(len(msg), len(want)))
              if msg[k] != want[k]), min(len(msg), len(want)))
    return 'differs at %d: got %r want %r' % (i, msg[i:i + 30],
                                               want[i:i + 30])


def check_caught(d, name, src, inp, out, rc, cte):
    data = open(os.path.join(TESTFILES, src), 'rb').read()
    _, first = nested(src, data, cte)
    if rc == 100:
        return None if out == b'' else 'exit 100 with output'
    if rc != 0:
        return 'exit %d' % rc
    env, msg = split_spool(out)
    if env is None or env_get(env, b'verdict') != b'cleaned':
        return 'verdict %r' % (env and env_get(env, b'verdict'))
    if first in msg or b'mailward removed this part' not in msg:
        return 'not removed'
    return None


def verify(d):
    res = {}
    corpus = os.environ.get('MW_CORPUS')
    for line in open(os.path.join(d, 'manifest')):
        name, kind, src = line.split()
        inp = open(os.path.join(d, name + '.in'), 'rb').read()
        out = open(os.path.join(d, name + '.out'), 'rb').read()
        rc = int(open(os.path.join(d, name + '.rc')).read())
        if kind == 'clean':
            why = check_clean(d, name, src, inp, out, rc)
        elif kind == 'eicar':
            why = check_eicar(d, name, src, inp, out, rc, corpus)
        else:
            why = check_caught(d, name, src, inp, out, rc, kind)
        r = res.setdefault(kind, [0, []])
        r[0] += 1
        if why is not None:
            r[1].append('%s:%s' % (name, why))
    for kind in ('clean', 'eicar', 'b64', 'qp'):
        total, bad = res.get(kind, [0, []])
        print(kind, total, len(bad), *bad)


if __name__ == '__main__':
    TESTFILES = os.environ.get('MW_TESTFILES', '/usr/share/clamav-testfiles')
    if sys.argv[1] == 'prepare':
        prepare(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == 'verify':
        verify(sys.argv[2])
    else:
        sys.exit('usage: scancorpus.py prepare DIR CORPUS TESTFILES | '
                 'verify DIR')
