// Frame codec (core/wire/Frame.h): encode/decode round trips up to the channel maximum, incremental decoding
// byte by byte and in random splits, header errors on the first offending byte, the size check before any
// payload is buffered, sticky failure, and bytesWanted() at every stage.

#include "WireTestSupport.h"
#include "core/wire/Frame.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <vector>

using namespace sra::wire;
using sra::wire::test::be32;
using sra::wire::test::frameBytes;
using sra::wire::test::headerBytes;
using sra::wire::test::randomBytes;
using sra::wire::test::toBytes;
using sra::wire::test::toQByteArray;

namespace {

std::vector<Frame> drain(FrameDecoder& decoder)
{
    std::vector<Frame> frames;
    while (auto frame = decoder.next()) {
        frames.push_back(std::move(*frame));
    }
    return frames;
}

void feedBytes(FrameDecoder& decoder, const QByteArray& data)
{
    decoder.feed(toBytes(data));
}

// A stream of frames of the given (type, size) pairs with pseudo-random payloads, and the frames themselves.
struct Stream
{
    QByteArray bytes;
    std::vector<Frame> frames;
};

Stream makeStream(const std::vector<std::pair<std::uint8_t, int>>& shapes, quint32 seed)
{
    Stream s;
    for (const auto& [type, size] : shapes) {
        const QByteArray payload = randomBytes(size, seed++);
        s.bytes.append(frameBytes(type, payload));
        s.frames.push_back(Frame{type, toBytes(payload)});
    }
    return s;
}

bool sameFrames(const std::vector<Frame>& a, const std::vector<Frame>& b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].type != b[i].type || a[i].payload != b[i].payload) {
            return false;
        }
    }
    return true;
}

const std::vector<std::pair<std::uint8_t, int>> kMixedShapes = {
    {0x01, 0   },
    {0x02, 1   },
    {0x05, 300 },
    {0x00, 7   },
    {0xFF, 0   },
    {0x06, 4096},
    {0x7F, 1   },
    {0x03, 65  },
};

} // namespace

class TestFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void byteByByte();
    void randomChunks_data();
    void randomChunks();
    void severalFramesInOneFeed();
    void headerError_data();
    void headerError();
    void tooLargeBuffersNothing_data();
    void tooLargeBuffersNothing();
    void maxBoundary_data();
    void maxBoundary();
    void errorIsSticky_data();
    void errorIsSticky();
    void bytesWantedStages();
    void errorNames();
};

void TestFrame::roundTrip_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("size");
    QTest::addColumn<uint>("maxPayload");

    const int types[] = {0x00, 0x01, 0x05, 0x7F, 0x80, 0xFF};
    for (int type : types) {
        QTest::addRow("type %02x, empty", type) << type << 0 << uint(kDefaultMaxPayload);
        QTest::addRow("type %02x, 1 byte", type) << type << 1 << uint(kDefaultMaxPayload);
        QTest::addRow("type %02x, 255 bytes", type) << type << 255 << uint(kDefaultMaxPayload);
        QTest::addRow("type %02x, 256 bytes", type) << type << 256 << uint(kDefaultMaxPayload);
        QTest::addRow("type %02x, 65536 bytes", type) << type << 65536 << uint(kDefaultMaxPayload);
    }
    QTest::addRow("default maximum") << 0x01 << int(kDefaultMaxPayload) << uint(kDefaultMaxPayload);
    QTest::addRow("maximum 0, empty") << 0x06 << 0 << 0u;
    QTest::addRow("maximum 1, 1 byte") << 0x06 << 1 << 1u;
    QTest::addRow("maximum 1000, 1000 bytes") << 0x02 << 1000 << 1000u;
    QTest::addRow("maximum 2^24+1, 2^24+1 bytes") << 0x02 << (1 << 24) + 1 << uint((1 << 24) + 1);
}

void TestFrame::roundTrip()
{
    QFETCH(int, type);
    QFETCH(int, size);
    QFETCH(uint, maxPayload);
    const QByteArray payload = randomBytes(size, static_cast<quint32>(type * 7919 + size));

    const Bytes encoded = encodeFrame(static_cast<std::uint8_t>(type), toBytes(payload));
    QCOMPARE(encoded.size(), kHeaderSize + static_cast<std::size_t>(size));
    // The layout, byte by byte, against the hand-built frame.
    QCOMPARE(toQByteArray(encoded), frameBytes(static_cast<std::uint8_t>(type), payload));
    QCOMPARE(encoded[0], kMagic0);
    QCOMPARE(encoded[1], kMagic1);
    QCOMPARE(encoded[2], kProtocolVersion);
    QCOMPARE(encoded[3], static_cast<std::uint8_t>(type));
    QCOMPARE(toQByteArray(ByteView(encoded).subspan(4, 4)), be32(static_cast<std::uint32_t>(size)));

    FrameDecoder decoder(maxPayload);
    decoder.feed(encoded);
    QCOMPARE(decoder.bytesWanted(), std::size_t{0}); // complete: a frame is ready
    auto frame = decoder.next();
    QVERIFY(frame.has_value());
    QCOMPARE(frame->type, static_cast<std::uint8_t>(type));
    QCOMPARE(toQByteArray(frame->payload), payload);
    QCOMPARE(decoder.error(), FrameError::None);
    QCOMPARE(decoder.buffered(), std::size_t{0});
    QCOMPARE(decoder.bytesWanted(), kHeaderSize);
    QVERIFY(!decoder.next().has_value());

    // Re-encoding the decoded frame gives the same bytes.
    QCOMPARE(encodeFrame(frame->type, frame->payload), encoded);
}

void TestFrame::byteByByte()
{
    const Stream s = makeStream(kMixedShapes, 11);
    FrameDecoder decoder;
    std::vector<Frame> frames;
    std::size_t wanted = decoder.bytesWanted();
    for (qsizetype i = 0; i < s.bytes.size(); ++i) {
        QVERIFY(wanted >= 1);
        const std::size_t before = decoder.buffered();
        feedBytes(decoder, s.bytes.mid(i, 1));
        QCOMPARE(decoder.error(), FrameError::None);
        QCOMPARE(decoder.buffered(), before + 1);
        const std::size_t now = decoder.bytesWanted();
        if (decoder.buffered() == kHeaderSize) {
            // The header just completed: now the payload is wanted (0 for an empty one).
            QCOMPARE(wanted, std::size_t{1});
        } else {
            QCOMPARE(now, wanted - 1);
        }
        if (now == 0) {
            auto frame = decoder.next();
            QVERIFY2(frame.has_value(), qPrintable(QStringLiteral("no frame after byte %1").arg(i)));
            frames.push_back(std::move(*frame));
            QVERIFY(!decoder.next().has_value());
            QCOMPARE(decoder.buffered(), std::size_t{0});
        } else {
            QVERIFY(!decoder.next().has_value());
        }
        wanted = decoder.bytesWanted();
    }
    QVERIFY(sameFrames(frames, s.frames));
    QCOMPARE(decoder.buffered(), std::size_t{0});
}

void TestFrame::randomChunks_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("maxChunk");
    for (quint32 seed = 1; seed <= 12; ++seed) {
        const int maxChunk = seed % 3 == 0 ? 3 : (seed % 3 == 1 ? 17 : 5000);
        QTest::addRow("seed %u, chunks up to %d", seed, maxChunk) << seed << maxChunk;
    }
}

void TestFrame::randomChunks()
{
    QFETCH(quint32, seed);
    QFETCH(int, maxChunk);
    const Stream s = makeStream(kMixedShapes, seed * 100);
    QRandomGenerator rng(seed);

    FrameDecoder decoder;
    std::vector<Frame> frames;
    qsizetype pos = 0;
    std::size_t fed = 0;
    std::size_t taken = 0;
    while (pos < s.bytes.size()) {
        // Sometimes an empty feed, which must change nothing.
        const auto chunk = static_cast<qsizetype>(rng.bounded(maxChunk + 1));
        feedBytes(decoder, s.bytes.mid(pos, chunk));
        pos += qMin(chunk, s.bytes.size() - pos);
        fed = static_cast<std::size_t>(pos);
        for (auto& f : drain(decoder)) {
            taken += kHeaderSize + f.payload.size();
            frames.push_back(std::move(f));
        }
        QCOMPARE(decoder.error(), FrameError::None);
        QCOMPARE(decoder.buffered(), fed - taken);
        QVERIFY(decoder.bytesWanted() >= 1);
    }
    QVERIFY(sameFrames(frames, s.frames));
}

void TestFrame::severalFramesInOneFeed()
{
    const Stream s = makeStream(kMixedShapes, 500);
    // All frames plus the first 5 bytes of one more.
    const QByteArray extra = frameBytes(0x07, QByteArrayLiteral("bye"));
    FrameDecoder decoder;
    feedBytes(decoder, s.bytes + extra.left(5));
    QCOMPARE(decoder.buffered(), static_cast<std::size_t>(s.bytes.size() + 5));
    QCOMPARE(decoder.bytesWanted(), std::size_t{0});

    std::size_t remaining = static_cast<std::size_t>(s.bytes.size() + 5);
    for (const Frame& expected : s.frames) {
        auto frame = decoder.next();
        QVERIFY(frame.has_value());
        QCOMPARE(frame->type, expected.type);
        QVERIFY(frame->payload == expected.payload);
        remaining -= kHeaderSize + expected.payload.size();
        QCOMPARE(decoder.buffered(), remaining);
    }
    QVERIFY(!decoder.next().has_value());
    QCOMPARE(decoder.buffered(), std::size_t{5});
    QCOMPARE(decoder.bytesWanted(), std::size_t{3});

    feedBytes(decoder, extra.mid(5));
    auto last = decoder.next();
    QVERIFY(last.has_value());
    QCOMPARE(last->type, std::uint8_t{0x07});
    QCOMPARE(toQByteArray(last->payload), QByteArrayLiteral("bye"));
    QVERIFY(!decoder.next().has_value());
    QCOMPARE(decoder.error(), FrameError::None);
}

void TestFrame::headerError_data()
{
    // `valid` holds complete frames fed first; then `bad` is fed byte by byte and the error must appear on
    // its last byte, not before.
    QTest::addColumn<QByteArray>("valid");
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<uint>("maxPayload");
    QTest::addColumn<FrameError>("expected");

    const uint def = kDefaultMaxPayload;
    const QByteArray keepalive = frameBytes(0x06, {});
    const QByteArray hello = frameBytes(0x01, randomBytes(40, 3));

    QTest::addRow("first byte X") << QByteArray() << QByteArray("X") << def << FrameError::BadMagic;
    QTest::addRow("first byte R") << QByteArray() << QByteArray("R") << def << FrameError::BadMagic;
    QTest::addRow("first byte s (lower case)") << QByteArray() << QByteArray("s") << def << FrameError::BadMagic;
    QTest::addRow("first byte 0x00") << QByteArray() << QByteArray(1, '\0') << def << FrameError::BadMagic;
    QTest::addRow("first byte 0xFF") << QByteArray() << QByteArray(1, '\xFF') << def << FrameError::BadMagic;
    QTest::addRow("HTTP request") << QByteArray() << QByteArray("G") << def << FrameError::BadMagic;
    QTest::addRow("TLS record") << QByteArray() << QByteArray(1, '\x16') << def << FrameError::BadMagic;
    QTest::addRow("second byte X") << QByteArray() << QByteArray("SX") << def << FrameError::BadMagic;
    QTest::addRow("second byte S") << QByteArray() << QByteArray("SS") << def << FrameError::BadMagic;
    QTest::addRow("second byte r (lower case)") << QByteArray() << QByteArray("Sr") << def << FrameError::BadMagic;
    QTest::addRow("second byte 0x00") << QByteArray() << QByteArray("S\0", 2) << def << FrameError::BadMagic;
    QTest::addRow("version 0") << QByteArray() << QByteArray("SR\x00", 3) << def << FrameError::UnsupportedVersion;
    QTest::addRow("version 2") << QByteArray() << QByteArray("SR\x02") << def << FrameError::UnsupportedVersion;
    QTest::addRow("version 0x7F") << QByteArray() << QByteArray("SR\x7F") << def << FrameError::UnsupportedVersion;
    QTest::addRow("version 0xFF") << QByteArray() << QByteArray("SR\xFF") << def << FrameError::UnsupportedVersion;
    QTest::addRow("length max+1") << QByteArray() << headerBytes(0x01, def + 1) << def << FrameError::TooLarge;
    QTest::addRow("length 2^24") << QByteArray() << headerBytes(0x01, 1u << 24) << def << FrameError::TooLarge;
    QTest::addRow("length 2^31") << QByteArray() << headerBytes(0x01, 1u << 31) << def << FrameError::TooLarge;
    QTest::addRow("length 0xFFFFFFFF") << QByteArray() << headerBytes(0x01, 0xFFFFFFFFu) << def << FrameError::TooLarge;
    QTest::addRow("length 1, maximum 0") << QByteArray() << headerBytes(0x06, 1) << 0u << FrameError::TooLarge;
    QTest::addRow("length 101, maximum 100") << QByteArray() << headerBytes(0x02, 101) << 100u << FrameError::TooLarge;
    // The same errors in the header of a frame that follows complete ones.
    QTest::addRow("X after a frame") << keepalive << QByteArray("X") << def << FrameError::BadMagic;
    QTest::addRow("X after two frames") << keepalive + hello << QByteArray("X") << def << FrameError::BadMagic;
    QTest::addRow("second byte after a frame") << hello << QByteArray("SX") << def << FrameError::BadMagic;
    QTest::addRow("version after a frame") << hello << QByteArray("SR\x02") << def << FrameError::UnsupportedVersion;
    QTest::addRow("too large after a frame") << keepalive << headerBytes(0x01, def + 1) << def << FrameError::TooLarge;
}

void TestFrame::headerError()
{
    QFETCH(QByteArray, valid);
    QFETCH(QByteArray, bad);
    QFETCH(uint, maxPayload);
    QFETCH(FrameError, expected);
    QVERIFY(expected != FrameError::None);

    // Byte by byte: the frames before come out, the decoder is fine until the offending byte.
    {
        FrameDecoder decoder(maxPayload);
        const QByteArray all = valid + bad;
        std::size_t frames = 0;
        for (qsizetype i = 0; i < all.size(); ++i) {
            QCOMPARE(decoder.error(), FrameError::None);
            feedBytes(decoder, all.mid(i, 1));
            frames += drain(decoder).size();
            if (i + 1 < all.size()) {
                QVERIFY2(decoder.error() == FrameError::None,
                         qPrintable(QStringLiteral("error after byte %1 of %2").arg(i + 1).arg(all.size())));
            }
        }
        QCOMPARE(decoder.error(), expected);
        QVERIFY(frames >= (valid.isEmpty() ? 0u : 1u));
        QCOMPARE(decoder.buffered(), std::size_t{0});
        QCOMPARE(decoder.bytesWanted(), std::size_t{0});
        QVERIFY(!decoder.next().has_value());
    }
    // Valid frames fed and taken first, then the offending bytes one at a time: the error comes on the last.
    {
        FrameDecoder decoder(maxPayload);
        feedBytes(decoder, valid);
        const auto before = drain(decoder);
        QCOMPARE(decoder.error(), FrameError::None);
        QCOMPARE(decoder.buffered(), std::size_t{0});
        for (qsizetype i = 0; i + 1 < bad.size(); ++i) {
            feedBytes(decoder, bad.mid(i, 1));
            QVERIFY(!decoder.next().has_value());
            QCOMPARE(decoder.error(), FrameError::None);
            QCOMPARE(decoder.buffered(), static_cast<std::size_t>(i + 1));
            QCOMPARE(decoder.bytesWanted(), kHeaderSize - static_cast<std::size_t>(i + 1));
        }
        feedBytes(decoder, bad.right(1));
        QCOMPARE(decoder.error(), expected); // detected by feed() itself, before any next()
        QCOMPARE(decoder.buffered(), std::size_t{0});
        QCOMPARE(decoder.bytesWanted(), std::size_t{0});
        QVERIFY(!decoder.next().has_value());
    }
    // Everything in one feed, frames taken afterwards: the valid frames come out, then the error, and the
    // decoder must not ask for more bytes in between (it already holds the offending header bytes).
    {
        FrameDecoder decoder(maxPayload);
        feedBytes(decoder, valid + bad);
        std::size_t frames = 0;
        while (auto frame = decoder.next()) {
            ++frames;
            if (decoder.error() == FrameError::None) {
                QVERIFY(decoder.bytesWanted() == 0 || decoder.buffered() == 0);
            }
        }
        QCOMPARE(decoder.error(), expected);
        QCOMPARE(decoder.buffered(), std::size_t{0});
        QCOMPARE(decoder.bytesWanted(), std::size_t{0});
    }
}

void TestFrame::tooLargeBuffersNothing_data()
{
    QTest::addColumn<uint>("maxPayload");
    QTest::addColumn<uint>("announced");
    QTest::addColumn<int>("payloadInSameFeed");

    QTest::addRow("max+1, header only") << uint(kDefaultMaxPayload) << uint(kDefaultMaxPayload + 1) << 0;
    QTest::addRow("max+1, with 1 payload byte") << uint(kDefaultMaxPayload) << uint(kDefaultMaxPayload + 1) << 1;
    QTest::addRow("max+1, with 64 KiB payload") << uint(kDefaultMaxPayload) << uint(kDefaultMaxPayload + 1) << 65536;
    QTest::addRow("4 GiB-1, header only") << uint(kDefaultMaxPayload) << 0xFFFFFFFFu << 0;
    QTest::addRow("maximum 0, length 1") << 0u << 1u << 0;
    QTest::addRow("maximum 16, length 17, with payload") << 16u << 17u << 17;
}

void TestFrame::tooLargeBuffersNothing()
{
    QFETCH(uint, maxPayload);
    QFETCH(uint, announced);
    QFETCH(int, payloadInSameFeed);
    const QByteArray header = headerBytes(0x01, announced);

    // The first seven header bytes are held (they may still become a valid frame) ...
    FrameDecoder decoder(maxPayload);
    feedBytes(decoder, header.left(7));
    QCOMPARE(decoder.error(), FrameError::None);
    QCOMPARE(decoder.buffered(), std::size_t{7});
    QCOMPARE(decoder.bytesWanted(), std::size_t{1});
    // ... the eighth completes the header: refused at once, with no payload byte fed, nothing kept.
    feedBytes(decoder, header.mid(7) + randomBytes(payloadInSameFeed, 9));
    QCOMPARE(decoder.error(), FrameError::TooLarge);
    QVERIFY(decoder.buffered() <= kHeaderSize);
    QCOMPARE(decoder.buffered(), std::size_t{0});
    QCOMPARE(decoder.bytesWanted(), std::size_t{0});

    // The peer keeps sending the body it announced: none of it is buffered.
    for (int i = 0; i < 16; ++i) {
        feedBytes(decoder, randomBytes(4096, static_cast<quint32>(i)));
        QCOMPARE(decoder.buffered(), std::size_t{0});
        QVERIFY(!decoder.next().has_value());
    }
    QCOMPARE(decoder.error(), FrameError::TooLarge);

    // The whole header in one feed fails the same way.
    FrameDecoder whole(maxPayload);
    feedBytes(whole, header);
    QCOMPARE(whole.error(), FrameError::TooLarge);
    QCOMPARE(whole.buffered(), std::size_t{0});
}

void TestFrame::maxBoundary_data()
{
    QTest::addColumn<uint>("maxPayload");
    QTest::addRow("maximum 0") << 0u;
    QTest::addRow("maximum 1") << 1u;
    QTest::addRow("maximum 255") << 255u;
    QTest::addRow("maximum 4096") << 4096u;
    QTest::addRow("default maximum") << uint(kDefaultMaxPayload);
}

void TestFrame::maxBoundary()
{
    QFETCH(uint, maxPayload);
    const QByteArray payload = randomBytes(static_cast<qsizetype>(maxPayload), maxPayload);

    // Exactly the maximum: the header is accepted and buffered alone, then the payload completes the frame.
    FrameDecoder decoder(maxPayload);
    const QByteArray frame = frameBytes(0x03, payload);
    feedBytes(decoder, frame.left(kHeaderSize));
    QCOMPARE(decoder.error(), FrameError::None);
    QCOMPARE(decoder.buffered(), kHeaderSize);
    QCOMPARE(decoder.bytesWanted(), static_cast<std::size_t>(maxPayload));
    feedBytes(decoder, frame.mid(kHeaderSize));
    auto decoded = decoder.next();
    QVERIFY(decoded.has_value());
    QCOMPARE(toQByteArray(decoded->payload), payload);
    QCOMPARE(decoder.error(), FrameError::None);

    // One more byte announced: refused on the header.
    FrameDecoder over(maxPayload);
    feedBytes(over, headerBytes(0x03, maxPayload + 1));
    QCOMPARE(over.error(), FrameError::TooLarge);
    QCOMPARE(over.buffered(), std::size_t{0});
}

void TestFrame::errorIsSticky_data()
{
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<FrameError>("expected");
    QTest::addRow("bad magic") << QByteArray("X") << FrameError::BadMagic;
    QTest::addRow("bad second magic byte") << QByteArray("SQ") << FrameError::BadMagic;
    QTest::addRow("unsupported version") << QByteArray("SR\x09") << FrameError::UnsupportedVersion;
    QTest::addRow("too large") << headerBytes(0x01, kDefaultMaxPayload + 1) << FrameError::TooLarge;
}

void TestFrame::errorIsSticky()
{
    QFETCH(QByteArray, bad);
    QFETCH(FrameError, expected);
    FrameDecoder decoder;
    feedBytes(decoder, bad);
    QCOMPARE(decoder.error(), expected);

    // Valid frames afterwards change nothing: the connection must be closed.
    const QByteArray good = frameBytes(0x06, {}) + frameBytes(0x02, randomBytes(32, 1));
    for (int round = 0; round < 3; ++round) {
        feedBytes(decoder, good);
        QVERIFY(!decoder.next().has_value());
        QCOMPARE(decoder.error(), expected);
        QCOMPARE(decoder.buffered(), std::size_t{0});
        QCOMPARE(decoder.bytesWanted(), std::size_t{0});
    }
    // A different header error later does not replace the first one.
    feedBytes(decoder, QByteArray("SR\x05"));
    QCOMPARE(decoder.error(), expected);
}

void TestFrame::bytesWantedStages()
{
    const QByteArray payload = randomBytes(10, 77);
    const QByteArray first = frameBytes(0x04, payload);
    const QByteArray empty = frameBytes(0x06, {});
    FrameDecoder decoder;

    QCOMPARE(decoder.bytesWanted(), kHeaderSize); // nothing yet: a header
    for (std::size_t k = 1; k < kHeaderSize; ++k) {
        feedBytes(decoder, first.mid(static_cast<qsizetype>(k - 1), 1));
        QCOMPARE(decoder.bytesWanted(), kHeaderSize - k);
    }
    feedBytes(decoder, first.mid(kHeaderSize - 1, 1));
    QCOMPARE(decoder.bytesWanted(), static_cast<std::size_t>(payload.size())); // header done: the payload
    for (qsizetype j = 1; j < payload.size(); ++j) {
        feedBytes(decoder, first.mid(kHeaderSize - 1 + j, 1));
        QCOMPARE(decoder.bytesWanted(), static_cast<std::size_t>(payload.size() - j));
        QVERIFY(!decoder.next().has_value());
    }
    feedBytes(decoder, first.right(1));
    QCOMPARE(decoder.bytesWanted(), std::size_t{0}); // ready
    QCOMPARE(decoder.bytesWanted(), std::size_t{0}); // asking does not consume
    QVERIFY(decoder.next().has_value());
    QCOMPARE(decoder.bytesWanted(), kHeaderSize); // the next header

    // A header announcing an empty payload is a frame by itself.
    feedBytes(decoder, empty);
    QCOMPARE(decoder.bytesWanted(), std::size_t{0});
    QVERIFY(decoder.next().has_value());
    QCOMPARE(decoder.bytesWanted(), kHeaderSize);

    // Partly taken buffer: a complete frame and half a header of the next.
    feedBytes(decoder, first + empty.left(4));
    QCOMPARE(decoder.bytesWanted(), std::size_t{0});
    QVERIFY(decoder.next().has_value());
    QCOMPARE(decoder.bytesWanted(), std::size_t{4});

    feedBytes(decoder, empty.mid(4));
    QVERIFY(decoder.next().has_value());

    // Failed: nothing wanted.
    feedBytes(decoder, QByteArray("SR\x02"));
    QCOMPARE(decoder.error(), FrameError::UnsupportedVersion);
    QCOMPARE(decoder.bytesWanted(), std::size_t{0});
}

void TestFrame::errorNames()
{
    const FrameError all[] = {
        FrameError::None, FrameError::BadMagic, FrameError::UnsupportedVersion, FrameError::TooLarge};
    QSet<QByteArray> seen;
    for (FrameError e : all) {
        const QByteArray name(frameErrorName(e));
        QVERIFY(!name.isEmpty());
        QVERIFY2(!seen.contains(name), name.constData());
        seen.insert(name);
    }
}

QTEST_GUILESS_MAIN(TestFrame)
#include "TestFrame.moc"
