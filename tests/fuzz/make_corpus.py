#!/usr/bin/env python3
"""Writes the seed corpora of the PIV fuzz targets into corpus/<target>/.

Run once by hand when the seeds need to change (`python3 tests/fuzz/make_corpus.py`), then commit the
files; the build never runs it. The seeds are encoded here independently of the C++ encoders (plain byte
arithmetic and Python's zlib), so they also cross-check the C++ side. Needs the `openssl` command for one
real X.509 certificate.
"""

import base64
import os
import shutil
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
PIV_AID = bytes.fromhex("A000000308000010000100")


def length(n):
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return bytes([0x81, n])
    if n <= 0xFFFF:
        return bytes([0x82]) + struct.pack(">H", n)
    return bytes([0x83]) + struct.pack(">I", n)[1:]


def tag(t):
    return t.to_bytes((t.bit_length() + 7) // 8 or 1, "big")


def tlv(t, value=b""):
    return tag(t) + length(len(value)) + value


def gzip(data):
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
    return c.compress(data) + c.flush()


def short_apdu(cla, ins, p1, p2, data=b"", le=None):
    out = bytes([cla, ins, p1, p2])
    if data:
        out += bytes([len(data)]) + data
    if le is not None:
        out += bytes([le & 0xFF])
    return out


def extended_apdu(cla, ins, p1, p2, data=b"", le=None):
    out = bytes([cla, ins, p1, p2])
    if data:
        out += b"\x00" + struct.pack(">H", len(data)) + data
    if le is not None:
        out += (b"" if data else b"\x00") + struct.pack(">H", le & 0xFFFF)
    return out


def certificate_der():
    cmd = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", "/dev/null", "-subj", "/CN=SRA fuzz seed", "-days", "1", "-outform", "DER"]
    return subprocess.run(cmd, check=True, capture_output=True).stdout


def cert_object(cert, compressed=False, wrapper=0x53):
    inner = tlv(0x70, gzip(cert) if compressed else cert) + tlv(0x71, b"\x01" if compressed else b"\x00") + tlv(0xFE)
    return tlv(wrapper, inner)


def write(target, seeds):
    directory = os.path.join(HERE, "corpus", target)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


def tlv_seeds():
    return {
        "valid-short": tlv(0x53, b"\x01\x02\x03"),
        "valid-two-byte-tag": tlv(0x5F2F, b"\x40\x00"),
        "valid-three-byte-tag-81": tlv(0x5FC105, bytes(range(128))),
        "valid-82-length": tlv(0x70, bytes(256)),
        "valid-83-length": b"\x70\x83\x00\x00\x05" + b"hello",
        "valid-nested-7c": tlv(0x7C, tlv(0x82) + tlv(0x81, bytes(32))),
        "valid-discovery": tlv(0x7E, tlv(0x4F, PIV_AID) + tlv(0x5F2F, b"\x40\x00")),
        "valid-sequence": tlv(0xF0, bytes(21)) + tlv(0xF1, b"\x21") + tlv(0xF3) + tlv(0xFE),
        "empty": b"",
        "truncated-tag": b"\x5F",
        "four-byte-tag": b"\x5F\xFF\xFF\x01\x00",
        "missing-length": b"\x5F\xC1\x05",
        "indefinite-length": b"\x30\x80\x04\x00\x00\x00",
        "length-84": b"\x53\x84\x00\x00\x00\x01\x00",
        "truncated-long-length": b"\x53\x82\x01",
        "value-past-end": b"\x53\x05\x01",
        "trailing-garbage": tlv(0x53, b"\x00") + b"\xFF",
    }


def apdu_seeds():
    return {
        "case1": bytes.fromhex("00A40400"),
        "case2s": bytes.fromhex("00CB3FFF10"),
        "case2s-le256": bytes.fromhex("00C0000000"),
        "case3s": short_apdu(0x00, 0x20, 0x00, 0x80, b"123456\xFF\xFF"),
        "case4s": short_apdu(0x00, 0xA4, 0x04, 0x00, PIV_AID[:9], 0),
        "case2e": extended_apdu(0x00, 0xCB, 0x3F, 0xFF, le=0x1000),
        "case3e": extended_apdu(0x00, 0xDB, 0x3F, 0xFF, bytes(300)),
        "case4e": extended_apdu(0x00, 0x87, 0x07, 0x9A, bytes(266), 0),
        "case4e-small": extended_apdu(0x00, 0xCB, 0x3F, 0xFF, tlv(0x5C, b"\x5F\xC1\x02"), 0x100),
        "chained": short_apdu(0x10, 0x87, 0x07, 0x9A, bytes(255)),
        "too-short": bytes.fromhex("00A404"),
        "lc-mismatch": bytes.fromhex("00A4040005A000"),
        "extended-lc-zero": bytes.fromhex("00DB3FFF000000"),
        "extended-truncated": bytes.fromhex("00CB3FFF0001"),
        "extended-lc-mismatch": bytes.fromhex("00DB3FFF000005A0000003"),
    }


def certificate_seeds(cert):
    bomb = gzip(bytes(8 * 1024 * 1024))
    just_over = gzip(bytes(16385))
    limit = gzip(b"\x30" * 16384)
    zlib_header = zlib.compress(cert)
    return {
        "plain": cert_object(cert),
        "gzip": cert_object(cert, compressed=True),
        "wrapper-7f61": cert_object(cert, wrapper=0x7F61),
        "no-certinfo": tlv(0x53, tlv(0x70, cert) + tlv(0xFE)),
        "certinfo-two-bytes": tlv(0x53, tlv(0x70, cert) + tlv(0x71, b"\x00\x00") + tlv(0xFE)),
        "no-certificate": tlv(0x53, tlv(0x71, b"\x00") + tlv(0xFE)),
        "empty-certificate": tlv(0x53, tlv(0x70) + tlv(0x71, b"\x00") + tlv(0xFE)),
        "corrupt-gzip": tlv(0x53, tlv(0x70, gzip(cert)[:40] + b"\x00" * 8) + tlv(0x71, b"\x01") + tlv(0xFE)),
        "gzip-bomb": tlv(0x53, tlv(0x70, bomb) + tlv(0x71, b"\x01") + tlv(0xFE)),
        "gzip-just-over-limit": tlv(0x53, tlv(0x70, just_over) + tlv(0x71, b"\x01") + tlv(0xFE)),
        "gzip-at-limit": tlv(0x53, tlv(0x70, limit) + tlv(0x71, b"\x01") + tlv(0xFE)),
        "gzip-empty": tlv(0x53, tlv(0x70, gzip(b"")) + tlv(0x71, b"\x01") + tlv(0xFE)),
        "zlib-header": tlv(0x53, tlv(0x70, zlib_header) + tlv(0x71, b"\x01") + tlv(0xFE)),
        "oversize-plain": tlv(0x53, tlv(0x70, b"\x30" * 16385) + tlv(0x71, b"\x00") + tlv(0xFE)),
        "wrong-wrapper": tlv(0x54, tlv(0x70, cert)),
        "truncated": cert_object(cert)[:-20],
    }


def frames(*apdus):
    return b"".join(struct.pack(">H", len(a)) + a for a in apdus)


def emulator_seeds():
    select = short_apdu(0x00, 0xA4, 0x04, 0x00, PIV_AID[:9], 0)
    get_data = lambda t: short_apdu(0x00, 0xCB, 0x3F, 0xFF, tlv(0x5C, tag(t)), 0)
    verify = lambda pin: short_apdu(0x00, 0x20, 0x00, 0x80, pin.ljust(8, b"\xFF"))
    verify_status = short_apdu(0x00, 0x20, 0x00, 0x80)
    get_response = lambda le=0: short_apdu(0x00, 0xC0, 0x00, 0x00, le=le)

    def general_authenticate(algorithm, slot, size, chained):
        data = tlv(0x7C, tlv(0x82) + tlv(0x81, b"\x01" + bytes(size - 1)))
        if not chained or len(data) <= 255:
            return [short_apdu(0x00, 0x87, algorithm, slot, data, 0)]
        return [short_apdu(0x10, 0x87, algorithm, slot, data[:255]), short_apdu(0x00, 0x87, algorithm, slot, data[255:], 0)]

    return {
        "select-get-chuid": frames(select, get_data(0x5FC102)),
        "select-truncated-aid": frames(short_apdu(0x00, 0xA4, 0x04, 0x00, PIV_AID[:5], 0), get_data(0x7E)),
        "select-wrong-aid": frames(short_apdu(0x00, 0xA4, 0x04, 0x00, bytes.fromhex("A000000527"), 0)),
        "cert-get-response": frames(select, get_data(0x5FC105), get_response(), get_response()),
        "cert-small-le": frames(select, short_apdu(0x00, 0xCB, 0x3F, 0xFF, tlv(0x5C, tag(0x5FC105)), 100),
                                get_response(100), get_response(100), get_response(100)),
        "pin-tries": frames(select, verify_status, verify(b"000000"), verify_status, verify(b"123456"), verify_status),
        "pin-blocked": frames(verify(b"000000"), verify(b"111111"), verify(b"222222"), verify(b"123456"), verify_status),
        "pin-reset": frames(verify(b"123456"), short_apdu(0x00, 0x20, 0xFF, 0x80), verify_status),
        "pin-malformed": frames(verify(b"12345"), short_apdu(0x00, 0x20, 0x00, 0x80, b"1234"), verify_status),
        "pin-protected-object": frames(get_data(0x5FC109), verify(b"123456"), get_data(0x5FC109)),
        "sign-9a-rsa-chained": frames(select, verify(b"123456"), *general_authenticate(0x07, 0x9A, 256, True),
                                      get_response()),
        "sign-9a-rsa-extended": frames(verify(b"123456"),
                                       extended_apdu(0x00, 0x87, 0x07, 0x9A,
                                                     tlv(0x7C, tlv(0x82) + tlv(0x81, bytes(256))), 0)),
        "sign-9c-after-verify": frames(verify(b"123456"), *general_authenticate(0x11, 0x9C, 32, False),
                                       *general_authenticate(0x11, 0x9C, 32, False)),
        "sign-9d-p384": frames(verify(b"123456"), *general_authenticate(0x14, 0x9D, 48, False)),
        "sign-9e-no-pin": frames(*general_authenticate(0x11, 0x9E, 32, False)),
        "sign-refused": frames(*general_authenticate(0x07, 0x9E, 256, True),
                               short_apdu(0x00, 0x87, 0x11, 0x9E, tlv(0x7C, tlv(0x82) + tlv(0x85, bytes(65))), 0),
                               short_apdu(0x00, 0x87, 0x11, 0x9E, tlv(0x7C, tlv(0x80) + tlv(0x81, bytes(32))), 0),
                               short_apdu(0x00, 0x87, 0x03, 0x9B, tlv(0x7C, tlv(0x80)), 0)),
        "chain-interrupted": frames(short_apdu(0x10, 0x87, 0x07, 0x9A, bytes(255)), get_data(0x5FC102),
                                    short_apdu(0x10, 0x87, 0x07, 0x9A, bytes(255)),
                                    short_apdu(0x10, 0x87, 0x07, 0x9C, bytes(255))),
        "odd-classes": frames(short_apdu(0x80, 0xA4, 0x04, 0x00, PIV_AID, 0), short_apdu(0x01, 0xCB, 0x3F, 0xFF),
                              short_apdu(0x0C, 0xCB, 0x3F, 0xFF), short_apdu(0x00, 0xFD, 0x00, 0x00, le=0),
                              short_apdu(0x00, 0x00, 0x00, 0x00), bytes.fromhex("00A404"), get_response()),
        # Found by libFuzzer: a chained VERIFY link stays open across commands refused for their class, and an
        # empty VERIFY then completes it (the harness had assumed such commands close the chain).
        "crash-chain-across-refused-class": base64.b64decode(
            "AA8ApAQACaAAAANAAAAQAAAABAAgAIAADRAgAIAIMDAwMDAw8f8ABJkAAIAADS0gAIAIMDAwMDAw8f8ABAAgAIAADQAgAIAAAAMIAAAACQ=="),
    }


def responses(*items):
    out = b""
    for item in items:
        if isinstance(item, tuple):  # (count, fill, sw)
            count, fill, sw = item
            out += b"\xFF\xFF" + count.to_bytes(3, "big") + bytes([fill]) + struct.pack(">H", sw)
        else:
            out += struct.pack(">H", len(item)) + item
    return out


def exchange_seeds(cert):
    sw = lambda value, data=b"": data + struct.pack(">H", value)
    obj = cert_object(cert)
    chunks = [obj[i:i + 256] for i in range(0, len(obj), 256)]
    cert_answers = [sw(0x6100 if i + 1 < len(chunks) else 0x9000, c) for i, c in enumerate(chunks)]
    return {
        "chain-ok": bytes([0, 0]) + responses(sw(0x9000), sw(0x9000), sw(0x9000, b"\x7C\x02\x82\x00")),
        "chain-error-mid": bytes([0, 0]) + responses(sw(0x9000), sw(0x6A80)),
        "chain-6c-retry": bytes([0, 0]) + responses(sw(0x9000), sw(0x9000), sw(0x6C10), sw(0x9000, bytes(16))),
        "extended-single": bytes([0, 1]) + responses(sw(0x9000, bytes(300))),
        "get-response-6100": bytes([1, 0]) + responses(sw(0x6100, bytes(256)), sw(0x6100, bytes(256)), sw(0x6120, bytes(256)),
                                                     sw(0x9000, bytes(32))),
        "get-response-no-data": bytes([1, 0]) + responses(sw(0x6110), sw(0x6110), sw(0x6110)),
        "huge-response": bytes([1, 0]) + responses((70000, 0x41, 0x9000)),
        "huge-61xx-loop": bytes([3, 0]) + responses(*[(30000, 0x42, 0x6100)] * 3),
        "select-not-piv": bytes([2, 0]) + responses(sw(0x6A82)),
        "select-ok": bytes([2, 0]) + responses(sw(0x9000, tlv(0x61, tlv(0x4F, PIV_AID[5:])))),
        "read-object-6c": bytes([3, 0]) + responses(sw(0x6C05), sw(0x9000, tlv(0x53, b"abc"))),
        "read-certificate": bytes([4, 0]) + responses(*cert_answers),
        "read-certificate-gzip": bytes([4, 1]) + responses(sw(0x9000, cert_object(cert, compressed=True))),
        "tries-63c2": bytes([5, 0]) + responses(sw(0x63C2)),
        "tries-blocked": bytes([5, 0]) + responses(sw(0x6983)),
        "verify-63c1": bytes([6, 0]) + responses(sw(0x63C1)),
        "verify-63c0": bytes([6, 0]) + responses(sw(0x63C0)),
        "sign-rsa": bytes([7, 0]) + responses(sw(0x9000), sw(0x6108, tlv(0x7C, tlv(0x82, bytes(256)))[:256]),
                                              sw(0x9000, tlv(0x7C, tlv(0x82, bytes(256)))[256:])),
        "sign-ecc": bytes([15, 0]) + responses(sw(0x9000, tlv(0x7C, tlv(0x82, bytes.fromhex("3006020101020101"))))),
        "sign-no-template": bytes([15, 0]) + responses(sw(0x9000, b"\x30\x00")),
        # Found by libFuzzer: a chain link answered 61xx used to reach the caller as the final status word.
        "crash-chain-link-answered-61xx": base64.b64decode("AAABAP+Kz70AAAAAAAAAAAAAAAAAAAAAEGEA"),
    }


def main():
    cert = certificate_der()
    write("tlv", tlv_seeds())
    write("command_apdu", apdu_seeds())
    write("certificate_object", certificate_seeds(cert))
    write("card_emulator", emulator_seeds())
    write("exchange", exchange_seeds(cert))
    return 0


if __name__ == "__main__":
    sys.exit(main())
