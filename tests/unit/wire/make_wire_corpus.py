#!/usr/bin/env python3
"""Writes the seed corpora of the wire fuzz targets into tests/fuzz/corpus/{frame,message}/.

Run once by hand when the seeds need to change (`python3 tests/unit/wire/make_wire_corpus.py`), then commit
the files; the build never runs it. Frames and messages are encoded here with plain byte arithmetic,
independently of core/wire, so the seeds also cross-check the C++ codec.

fuzz_frame input:   control byte (low 3 bits: channel maximum index into
                    {0, 1, 8, 64, 300, 4096, 65536, 262144}; high 5 bits: number of chunk sizes that follow),
                    the chunk sizes (one byte each, used in turn; 0 = an empty feed), then the byte stream.
fuzz_message input: message type byte, then the payload.
"""

import os
import random
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "fuzz", "corpus")
MAX_INDEX = {0: 0, 1: 1, 8: 2, 64: 3, 300: 4, 4096: 5, 65536: 6, 262144: 7}

HELLO, CHALLENGE, AUTH_RESPONSE, AUTH_OK, ERROR, KEEPALIVE, BYE = range(1, 8)
(CLIENT_NONCE, SERVER_NONCE, CERTIFICATE, SIGNATURE, ACCOUNT, SESSION_ID, ERROR_CODE, ERROR_TEXT,
 RETRY_AFTER_MS, CLIENT_NAME, REASON) = range(1, 12)

rng = random.Random(4116)


def rand(n):
    return bytes(rng.randrange(256) for _ in range(n))


def frame(type_, payload, version=1, length=None):
    n = len(payload) if length is None else length
    return b"SR" + bytes([version, type_]) + struct.pack(">I", n) + payload


def field(id_, value):
    return bytes([id_]) + struct.pack(">I", len(value)) + value


def u32(v):
    return struct.pack(">I", v)


def frame_input(stream, max_payload=262144, chunks=()):
    assert len(chunks) < 32
    return bytes([MAX_INDEX[max_payload] | (len(chunks) << 3)]) + bytes(chunks) + stream


# A DER-looking certificate body (SEQUENCE with random content) is enough: the wire layer does not parse it.
CERT = b"\x30\x82\x03\x00" + rand(0x300)
MESSAGES = {
    "hello-full": (HELLO, field(CLIENT_NONCE, rand(32)) + field(CERTIFICATE, CERT)
                   + field(CLIENT_NAME, "Jürgen's laptop ✓".encode())),
    "hello-minimal": (HELLO, field(CLIENT_NONCE, rand(32)) + field(CERTIFICATE, b"\x30")),
    "hello-largest": (HELLO, field(CLIENT_NONCE, rand(32)) + field(CERTIFICATE, rand(16384))
                      + field(CLIENT_NAME, b"n" * 256)),
    "challenge": (CHALLENGE, field(SERVER_NONCE, rand(32))),
    "auth-response": (AUTH_RESPONSE, field(SIGNATURE, b"\x30\x45" + rand(0x45))),
    "auth-response-rsa": (AUTH_RESPONSE, field(SIGNATURE, rand(256))),
    "auth-ok": (AUTH_OK, field(ACCOUNT, b"alice") + field(SESSION_ID, b"3f2a9c1e-7b44")),
    "error-full": (ERROR, field(ERROR_CODE, u32(15)) + field(ERROR_TEXT, b"too many failed attempts")
                   + field(RETRY_AFTER_MS, u32(30000))),
    "error-code-only": (ERROR, field(ERROR_CODE, u32(1))),
    "keepalive": (KEEPALIVE, b""),
    "bye": (BYE, field(REASON, b"user logged out")),
    "bye-empty-reason": (BYE, field(REASON, b"")),
    "bye-no-reason": (BYE, b""),
}

MESSAGE_EDGES = {
    "unknown-type": (0x08, b""),
    "unknown-field": (BYE, field(12, b"x")),
    "foreign-field": (CHALLENGE, field(CLIENT_NONCE, rand(32))),
    "repeated-field": (CHALLENGE, field(SERVER_NONCE, rand(32)) * 2),
    "out-of-order": (AUTH_OK, field(SESSION_ID, b"s") + field(ACCOUNT, b"a")),
    "truncated-field-header": (BYE, field(REASON, b"r")[:3]),
    "length-past-end": (BYE, bytes([REASON]) + u32(0xFFFFFFFF) + b"abc"),
    "missing-required": (HELLO, field(CERTIFICATE, CERT)),
    "nonce-31": (CHALLENGE, field(SERVER_NONCE, rand(31))),
    "nonce-33": (CHALLENGE, field(SERVER_NONCE, rand(33))),
    "certificate-16385": (HELLO, field(CLIENT_NONCE, rand(32)) + field(CERTIFICATE, rand(16385))),
    "u32-3-bytes": (ERROR, field(ERROR_CODE, b"\x00\x00\x0a")),
    "utf8-overlong": (BYE, field(REASON, b"\xc0\xaf")),
    "utf8-surrogate": (BYE, field(REASON, b"\xed\xa0\x80")),
    "utf8-above-10ffff": (BYE, field(REASON, b"\xf4\x90\x80\x80")),
    "utf8-truncated": (AUTH_OK, field(ACCOUNT, b"ab\xe2\x82") + field(SESSION_ID, b"s")),
    "utf8-nul": (BYE, field(REASON, b"a\x00b")),
    "utf8-valid-multibyte": (AUTH_OK, field(ACCOUNT, "管理者 🔑 é".encode()) + field(SESSION_ID, b"\xf4\x8f\xbf\xbf")),
    "trailing-bytes": (KEEPALIVE, b"\x00\x00\x00\x00\x00"),
    # The payload is also used as makeError text: a character across the 1024-byte cut.
    "error-text-cut-in-character": (ERROR, b"a" * 1023 + "é".encode() + b"tail"),
}


def write(directory, files):
    path = os.path.join(CORPUS, directory)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for name, data in sorted(files.items()):
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def main():
    messages = {name: bytes([t]) + p for name, (t, p) in {**MESSAGES, **MESSAGE_EDGES}.items()}
    write("message", messages)

    session = b"".join(frame(t, p) for t, p in MESSAGES.values())
    keepalive = frame(KEEPALIVE, b"")
    hello = frame(*MESSAGES["hello-full"])
    frames = {
        "session-all-at-once": frame_input(session),
        "session-byte-by-byte": frame_input(session, chunks=[1]),
        "session-odd-chunks": frame_input(session, chunks=[3, 5, 200, 1, 17]),
        "session-with-empty-feeds": frame_input(session, chunks=[0, 9, 0, 0, 64]),
        "keepalive": frame_input(keepalive),
        "several-in-one-feed": frame_input(keepalive * 3 + frame(0xFF, b"x") + frame(0x00, rand(40))),
        "partial-trailing-frame": frame_input(hello + hello[:20], chunks=[13]),
        "bad-magic-first-byte": frame_input(b"X"),
        "bad-magic-second-byte": frame_input(b"SX" + keepalive),
        "bad-magic-after-frame": frame_input(keepalive + b"X" + keepalive),
        "http-request": frame_input(b"GET / HTTP/1.1\r\nHost: srad\r\n\r\n", chunks=[4]),
        "tls-client-hello": frame_input(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + rand(32)),
        "version-0": frame_input(frame(KEEPALIVE, b"", version=0)),
        "version-2-after-frame": frame_input(keepalive + frame(KEEPALIVE, b"", version=2), chunks=[1]),
        "too-large-header-only": frame_input(frame(HELLO, b"", length=301), max_payload=300),
        "too-large-with-body": frame_input(frame(HELLO, rand(301)), max_payload=300, chunks=[8, 100]),
        "length-ffffffff": frame_input(frame(HELLO, b"", length=0xFFFFFFFF) + rand(64)),
        "exactly-max-300": frame_input(frame(CHALLENGE, rand(300)) + keepalive, max_payload=300, chunks=[7, 1, 150]),
        "exactly-max-1": frame_input(frame(CHALLENGE, b"z") + frame(CHALLENGE, b"zz"), max_payload=1),
        "max-0-empty-frames": frame_input(keepalive * 4 + frame(BYE, b"r"), max_payload=0, chunks=[2]),
        "exactly-max-4096-then-over": frame_input(frame(HELLO, rand(4096)) + frame(HELLO, rand(4097)),
                                                  max_payload=4096, chunks=[255, 8]),
    }
    write("frame", frames)
    print(f"wrote {len(messages)} message seeds and {len(frames)} frame seeds under {os.path.normpath(CORPUS)}")


if __name__ == "__main__":
    main()
