#!/usr/bin/env python3
"""extract.py RFC4475.TXT OUTDIR — write the RFC 4475 §3 torture messages as OUTDIR/<name>.sip.

The bytes come from the bit-exact archive of RFC 4475 Appendix A (base64 of a gzip'd tar, one
<name>.dat per message; RFC 4475 §1: "To resolve any remaining ambiguity, a bit-accurate version
of each message is encapsulated in an appendix"). Only the 49 messages that §3 shows are written
(the archive also holds an unrelated "test.dat").

As a cross-check every message is also rebuilt from its §3 rendering, undoing the markup of §2:
<allOneLine> joins its lines with nothing between them (§2.1), <hex> stands for its octets (§2.2),
<repeat count=N> repeats its content N times (§2.3); lines end in CRLF and a message without a
body gets the empty line that ends its header section. Differences from the archive are printed
(see README.md for the known ones)."""
import base64
import io
import os
import re
import sys
import tarfile


def archive(text):
    """The Appendix A files: {name: bytes}."""
    # the markers also appear inside the Perl script of Appendix A: take the ones on lines alone
    m = re.search(r"^\s*-- BEGIN MESSAGE ARCHIVE --\s*$(.*?)^\s*-- END MESSAGE ARCHIVE --", text,
                  re.S | re.M)
    b64 = "".join(l.strip() for l in m.group(1).split("\n") if re.match(r"^\s*[^\s]+\s*$", l)
                  and not l.startswith("RFC 4475") and not l.startswith("Sparks"))
    tar = tarfile.open(fileobj=io.BytesIO(base64.b64decode(b64)), mode="r:gz")
    return {os.path.splitext(m.name)[0]: tar.extractfile(m).read() for m in tar.getmembers()}


def rendered_messages(lines):
    """Yield (name, [lines]) for every 'Message Details : name' block of §3, page breaks removed."""
    i = 0
    while i < len(lines):
        m = re.match(r"^\s+Message Details : (\S+)\s*$", lines[i])
        if not m:
            i += 1
            continue
        name, i, body = m.group(1), i + 1, []
        while i < len(lines) and lines[i].strip() == "":
            i += 1
        while i < len(lines):
            line = lines[i]
            if line.startswith("Sparks, et al."):  # page footer, form feed, page header
                while body and body[-1].strip() == "":
                    body.pop()
                i += 1
                while i < len(lines) and (lines[i].startswith(("\f", "RFC 4475"))
                                          or lines[i].strip() == ""):
                    i += 1
                continue
            if line.strip() != "" and not line.startswith("      "):
                break  # the next section heading
            body.append(line)
            i += 1
        while body and body[-1].strip() == "":
            body.pop()
        yield name, [l[6:] for l in body]


def rebuild(lines):
    """Undo the §2 markup of one rendered message."""
    out, i, has_blank = [], 0, False
    while i < len(lines):
        if lines[i].strip() == "<allOneLine>":
            j = i + 1
            while lines[j].strip() != "</allOneLine>":
                j += 1
            out.append("".join(lines[i + 1:j]))
            i = j + 1
            continue
        has_blank = has_blank or lines[i] == ""
        out.append(lines[i])
        i += 1
    text = "\r\n".join(out).encode("utf-8") + b"\r\n"
    text = re.sub(rb"<hex>\r\n", b"<hex>", text)  # a <hex> block may span lines (mpart01)
    text = re.sub(rb"\r\n</hex>", b"</hex>", text)
    while True:
        m = re.search(rb"<repeat count=(\d+)>((?:(?!<repeat).)*?)</repeat>", text, re.S)
        if not m:
            break
        text = text[:m.start()] + m.group(2) * int(m.group(1)) + text[m.end():]
    unhex = lambda m: bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode())
    text = re.sub(rb"<hex>(.*?)</hex>", unhex, text, flags=re.S)
    return text if has_blank else text + b"\r\n"


def main():
    src, outdir = sys.argv[1:3]
    with open(src, encoding="utf-8") as f:
        text = f.read()
    files = archive(text)
    for name, lines in rendered_messages(text.split("\n")):
        data = files[name]
        with open(os.path.join(outdir, name + ".sip"), "wb") as f:
            f.write(data)
        mine = rebuild(lines)
        if mine != data:
            k = next((k for k in range(min(len(mine), len(data))) if mine[k] != data[k]),
                     min(len(mine), len(data)))
            print(f"{name}: §3 rendering differs from Appendix A at byte {k} "
                  f"({len(mine)} vs {len(data)} bytes)")


if __name__ == "__main__":
    main()
