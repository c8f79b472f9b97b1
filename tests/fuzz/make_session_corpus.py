#!/usr/bin/env python3
"""Writes the seed corpora of the core/session fuzz targets: corpus/known_hosts/ and corpus/host_port/.

Run once by hand when the seeds need to change (`python3 tests/fuzz/make_session_corpus.py`), then commit the
files; the build never runs it. The known_hosts lines are written here from the file format (host:port, IPv6
in brackets, a SHA-256 fingerprint as colon-separated hex), independently of KnownHosts::save().
"""

import hashlib
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def fp(label, colons=True, upper=True):
    digest = hashlib.sha256(label.encode()).digest()
    text = digest.hex().upper() if upper else digest.hex()
    if colons:
        text = ":".join(text[i:i + 2] for i in range(0, len(text), 2))
    return text


def write(target, seeds):
    directory = os.path.join(HERE, "corpus", target)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())


def known_hosts_seeds():
    header = "# Secure Remote Access: accepted srad identities (host:port SHA-256 fingerprint)\n"
    return {
        "01-empty": b"",
        "02-saved-file": header + f"srv.example:4116 {fp('a')}\n192.0.2.7:4116 {fp('b')}\n[2001:db8::5]:4116 {fp('c')}\n",
        "03-several-ports": f"srv:4116 {fp('a')}\nsrv:4117 {fp('b')}\nsrv:65535 {fp('c')}\nsrv:1 {fp('d')}\n",
        "04-v6-zone": f"[fe80::1%eth0]:22 {fp('z')}\n[::ffff:192.0.2.1]:5 {fp('m')}\n",
        "05-case-and-duplicates": f"SRV.Example:4116 {fp('a')}\nsrv.example:4116 {fp('b')}\n[2001:DB8::AB]:1 {fp('c')}\n",
        "06-plain-hex-crlf": f"host:4116 {fp('p', colons=False, upper=False)}\r\nother:9 {fp('q', colons=False)}\r\n",
        "07-comments-blanks": f"# comment\n\n   \n\t# indented\n  a:1   {fp('a')}  \n#b:2 {fp('b')}\nc:3 {fp('c')}",
        "08-bad-fingerprints": f"a:1 {fp('a')[:-3]}\nb:2 {fp('b')}:00\nc:3 {'zz' * 32}\nd:4 {hashlib.sha1(b'x').hexdigest()}\n",
        "09-bad-hosts-ports": f"a b:1 {fp('a')}\nhost:0 {fp('b')}\nhost:65536 {fp('c')}\nhost: {fp('d')}\n[::1:4 {fp('e')}\n"
                               f"[notv6]:4 {fp('f')}\nhost:+80 {fp('g')}\n\u0130stanbul:4 {fp('h')}\n",
        "10-missing-extra-fields": f"a:1\n{fp('a')}\nb:2 {fp('b')} extra\nc:3\t{fp('c')}\n",
        "11-control-and-nul": b"a\x00b:1 " + fp("a").encode() + b"\n\x1b[31mred:2 " + fp("b").encode() + b"\nok:3 "
                              + fp("c").encode() + b"\n",
        "12-invalid-utf8": b"\xff\xfe:1 " + fp("a").encode() + b"\nh\xc3\xa9te:2 " + fp("b").encode() + b"\n",
        "13-long-host": f"{'a' * 253}:1 {fp('a')}\n{'b' * 254}:2 {fp('b')}\n",
        "14-sha256-prefix": f"a:1 SHA256 Fingerprint={fp('a')}\nb:2 sha256:{fp('b')}\n",
    }


def host_port_seeds():
    return {
        "01-name": "srv.example",
        "02-name-port": "srv.example:2222",
        "03-ipv4": "192.0.2.7",
        "04-ipv4-port": "192.0.2.7:443",
        "05-v6-brackets": "[::1]",
        "06-v6-brackets-port": "[::1]:4116",
        "07-v6-bare": "2001:db8::1",
        "08-v6-zone": "fe80::1%eth0",
        "09-v6-zone-port": "[fe80::1%eth0]:22",
        "10-upper-case": "SRV.Example.ORG:65535",
        "11-empty-port": "host:",
        "12-port-zero": "host:0",
        "13-port-too-large": "host:65536",
        "14-port-leading-zeros": "host:0000080",
        "15-unclosed": "[::1",
        "16-after-bracket": "[::1]x",
        "17-not-v6": "[notv6]:1",
        "18-two-ports": "host:80:80",
        "19-control": "ho\x01st:1",
        "20-long-name": "a" * 254,
        "21-dotted-i": "\u0130stanbul",
        "22-signed-port": "host:+80",
        "23-v4-mapped": "[::FFFF:192.0.2.1]:5",
        "24-blanks": "  srv:7 \t",
    }


def main():
    write("known_hosts", known_hosts_seeds())
    write("host_port", host_port_seeds())


if __name__ == "__main__":
    main()
