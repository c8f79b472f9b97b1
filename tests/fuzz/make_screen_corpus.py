#!/usr/bin/env python3
"""Adds the screen-sharing and screen-agent seeds to corpus/message/ (the other seeds there stay as they are).

Run by hand when these seeds need to change (`python3 tests/fuzz/make_screen_corpus.py`), then commit the
files; the build never runs it. A seed is the message type byte followed by the payload, each field written
from the format in docs/PROTOCOL.md (`id (1) | length (4, big endian) | value`), not by our encoder.
"""

import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

SCREEN_REQUEST, SCREEN_GRANT, SCREEN_ENDED, STREAM_OPEN, STREAM_READY = 0x30, 0x31, 0x32, 0x33, 0x34
ERROR_CODE, REASON, VNC_PASSWORD, TICKET, EXPIRES_IN_MS = 7, 11, 26, 27, 28
AGENT_HELLO, AGENT_START, AGENT_STARTED, AGENT_STOP, AGENT_ENDED = 0x40, 0x41, 0x42, 0x43, 0x44
CLIENT_NAME, REQUEST_ID, DISPLAY, PROCESS_ID = 10, 15, 29, 30


def field(fid, value):
    return bytes([fid]) + struct.pack(">I", len(value)) + value


def u32(v):
    return struct.pack(">I", v)


def ticket(label, size=32):
    return (hashlib.sha256(label.encode()).digest() * 2)[:size]


def seeds():
    t = ticket("t")
    return {
        "screen-request": bytes([SCREEN_REQUEST]),
        "screen-grant": bytes([SCREEN_GRANT]) + field(VNC_PASSWORD, b"x7Kp2mQa") + field(TICKET, t)
        + field(EXPIRES_IN_MS, u32(30000)),
        "screen-grant-password-7": bytes([SCREEN_GRANT]) + field(VNC_PASSWORD, b"x7Kp2mQ") + field(TICKET, t)
        + field(EXPIRES_IN_MS, u32(30000)),
        "screen-grant-password-nul": bytes([SCREEN_GRANT]) + field(VNC_PASSWORD, b"x7Kp\x00mQa") + field(TICKET, t)
        + field(EXPIRES_IN_MS, u32(30000)),
        "screen-ended-refused": bytes([SCREEN_ENDED]) + field(ERROR_CODE, u32(30))
        + field(REASON, b"screen sharing is not set up on this machine: run sra-setup -s"),
        "screen-ended-plain": bytes([SCREEN_ENDED]) + field(REASON, b"the VNC server stopped"),
        "stream-open": bytes([STREAM_OPEN]) + field(TICKET, t),
        "stream-open-ticket-31": bytes([STREAM_OPEN]) + field(TICKET, ticket("s", 31)),
        "stream-open-ticket-33": bytes([STREAM_OPEN]) + field(TICKET, ticket("s", 33)),
        "stream-open-empty": bytes([STREAM_OPEN]),
        "stream-open-length-past-end": bytes([STREAM_OPEN, TICKET]) + u32(0xFFFFFFF0) + t,
        "stream-ready": bytes([STREAM_READY]),
        "stream-ready-with-ticket": bytes([STREAM_READY]) + field(TICKET, t),
        # srad <-> sra-screen-agent
        "agent-hello": bytes([AGENT_HELLO]) + field(CLIENT_NAME, b"sra-screen-agent 0.1.0") + field(DISPLAY, b":0"),
        "agent-hello-no-display": bytes([AGENT_HELLO]) + field(CLIENT_NAME, b"sra-screen-agent"),
        "agent-hello-display-65": bytes([AGENT_HELLO]) + field(DISPLAY, b":" + b"1" * 64),
        "agent-start": bytes([AGENT_START]) + field(REQUEST_ID, u32(1)) + field(VNC_PASSWORD, b"x7Kp2mQa"),
        "agent-start-password-9": bytes([AGENT_START]) + field(REQUEST_ID, u32(1)) + field(VNC_PASSWORD, b"x7Kp2mQab"),
        "agent-started": bytes([AGENT_STARTED]) + field(REQUEST_ID, u32(1)) + field(PROCESS_ID, u32(4242)),
        "agent-started-pid-3": bytes([AGENT_STARTED]) + field(REQUEST_ID, u32(1)) + field(PROCESS_ID, b"\x01\x02\x03"),
        "agent-stop": bytes([AGENT_STOP]) + field(REQUEST_ID, u32(1)),
        "agent-ended": bytes([AGENT_ENDED]) + field(REASON, b"x11vnc exited") + field(REQUEST_ID, u32(1)),
        "agent-ended-out-of-order": bytes([AGENT_ENDED]) + field(REQUEST_ID, u32(1)) + field(REASON, b"x"),
    }


def main():
    directory = os.path.join(HERE, "corpus", "message")
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
