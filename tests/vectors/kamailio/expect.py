#!/usr/bin/env python3
"""expect.py [--seeds DIR] — write expect.txt for the Kamailio transcripts of this directory.

An independent oracle for tests/c/test_msg_kamailio.c, written with plain string handling (no
shared code with the C parser). Each transcript is split as its README.md describes: a "##### C->S ... #####"
or "##### S->C ... #####" line starts a message, which runs to the next line starting with "#";
"(no response within timeout)" is not a message. For each message one row is written:

    file  index  direction  verdict  summary

index counts the messages of the file from 0; verdict is "ok" or "reject" plus the error the C
parser must report; the summary of an accepted message lists the start line, Call-ID, CSeq, the
Expires / Min-Expires headers, the number of WWW-Authenticate headers and every Contact (URI,
expires, q in thousandths, received, +sip.instance, reg-id), or the error of a Contact that does
not parse. With --seeds DIR every S->C message is also written to DIR as a fuzzing seed."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MANDATORY = ["call-id", "cseq", "from", "to", "via"]
COMPACT = {"i": "call-id", "m": "contact", "f": "from", "t": "to", "v": "via",
           "l": "content-length"}


def split(data):
    """[(direction, bytes)] of a transcript."""
    out, cur, direction = [], None, None
    for line in data.splitlines(keepends=True):
        if line.startswith(b"#"):
            if cur is not None and cur != b"(no response within timeout)\r\n":
                out.append((direction, cur))
            cur = None
            m = re.match(rb"##### (C->S|S->C)", line)
            if m:
                direction, cur = m.group(1).decode(), b""
            continue
        if cur is not None:
            cur += line
    if cur is not None and cur != b"(no response within timeout)\r\n":
        out.append((direction, cur))
    return out


def split_list(value):
    """Comma-separated elements, commas in quotes and <...> kept."""
    elems, cur, i = [], "", 0
    while i < len(value):
        c = value[i]
        if c == '"':
            j = i + 1
            while value[j] != '"':
                j += 2 if value[j] == "\\" else 1
            cur += value[i:j + 1]
            i = j + 1
            continue
        if c == "<":
            j = value.index(">", i)
            cur += value[i:j + 1]
            i = j + 1
            continue
        if c == ",":
            elems.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    elems.append(cur.strip())
    return [e for e in elems if e]


def params(text):
    """{lowercase name: value with quotes removed} of ';a=b;c' (parameters split outside quotes)."""
    out, parts, cur, q = {}, [], "", False
    for c in text:
        if c == '"':
            q = not q
        if c == ";" and not q:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    parts.append(cur)
    for p in parts[1:]:
        name, _, value = p.partition("=")
        out[name.strip().lower()] = value.strip().strip('"')
    return out


def contact(elem):
    """Summary of one Contact element."""
    if elem == "*" or (elem[0] == "*" and elem[1:].lstrip().startswith(";")):
        return "*"  # STAR, "*;expires=0" tolerated like Kamailio does
    if "<" in elem:
        uri = elem[elem.index("<") + 1:elem.index(">")].strip()
        rest = elem[elem.index(">") + 1:]
    else:
        uri, _, rest = elem.partition(";")
        rest = ";" + rest if rest else ""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri):
        return "!SIPREG_E_URI_SCHEME"
    p = params(rest)
    if "expires" in p and not p["expires"].isdigit():
        return "!SIPREG_E_HEADER_VALUE"
    q = "-"
    if "q" in p:
        m = re.match(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$", p["q"])
        if not m:
            return "!SIPREG_E_HEADER_VALUE"
        q = str(round(float(p["q"]) * 1000))
    exp = str(min(int(p["expires"]), 2**32 - 1)) if "expires" in p else "-"
    s = f"{uri} e={exp} q={q} rcv={p.get('received', '-')}"
    if "+sip.instance" in p:
        s += f" inst={p['+sip.instance']}"
    if "reg-id" in p:
        s += f" regid={p['reg-id']}"
    return s


def verdict(msg):
    """(verdict, summary) of one message."""
    head, sep, body = msg.partition(b"\r\n\r\n")
    lf = msg.partition(b"\n\n")
    if not sep or (lf[1] and len(lf[0]) < len(head)):
        head, sep, body = lf  # LF-only header section
    lines = re.split(r"\r?\n", head.decode("utf-8"))
    start = lines[0].split(" ")
    if start[0].upper() != "SIP/2.0" and start[-1].upper() != "SIP/2.0":
        return "reject SIPREG_E_VERSION", ""
    hdrs = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            hdrs[-1] = (hdrs[-1][0], hdrs[-1][1] + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        name = name.strip().lower()
        hdrs.append((COMPACT.get(name, name), value.strip()))
    names = [h[0] for h in hdrs]
    if any(m not in names for m in MANDATORY):
        return "reject SIPREG_E_MISSING_HEADER", ""
    get = lambda n: [v for k, v in hdrs if k == n]
    cseq = get("cseq")[0].split()
    if not cseq[0].isdigit() or int(cseq[0]) >= 2**31:
        return "reject SIPREG_E_CSEQ", ""
    if start[0].upper() != "SIP/2.0" and cseq[1] != start[0]:
        return "reject SIPREG_E_CSEQ", ""
    cl = get("content-length")
    if cl and int(cl[0]) > len(body):
        return "reject SIPREG_E_BODY", ""
    first = f"{start[1]}" if start[0].upper() == "SIP/2.0" else f"{start[0]} {start[1]}"
    out = [first, f"call-id={get('call-id')[0]}", f"cseq={cseq[0].lstrip('0') or '0'} {cseq[1]}"]
    for n, key in (("expires", "exp"), ("min-expires", "minexp")):
        if get(n):
            v = get(n)[0]
            out.append(f"{key}={min(int(v), 2**32 - 1)}" if v.isdigit() else f"{key}=!")
    out.append(f"www={len(get('www-authenticate'))}")
    contacts = [contact(e) for v in get("contact") for e in split_list(v)]
    out.append("contacts=[" + " | ".join(contacts) + "]")
    return "ok", " ".join(out)


def main():
    seeds = None
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        seeds = sys.argv[2]
    rows = ["# file\tindex\tdirection\tverdict\tsummary (written by expect.py: see its docstring)"]
    for name in sorted(os.listdir(HERE)):
        if not re.match(r"^\d\d-.*\.txt$", name):
            continue
        with open(os.path.join(HERE, name), "rb") as f:
            msgs = split(f.read())
        for i, (direction, msg) in enumerate(msgs):
            v, s = verdict(msg)
            rows.append(f"{name}\t{i}\t{direction}\t{v}\t{s}")
            if seeds and direction == "S->C":
                with open(os.path.join(seeds, f"kamailio-{name[:2]}-{i:02d}.sip"), "wb") as f:
                    f.write(msg)
    with open(os.path.join(HERE, "expect.txt"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
