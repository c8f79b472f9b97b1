// The relay allow-list, row by row: what a remote machine may ask the admin's card to do.
#include "core/piv/Pkcs1.h"
#include "core/relay/RelayPolicy.h"

#include <QCryptographicHash>
#include <QTest>

using sra::core::RelayPolicy;
namespace base = sra::base;
namespace piv = sra::piv;
using Verdict = RelayPolicy::Verdict;

Q_DECLARE_METATYPE(RelayPolicy::Verdict)

namespace {
QByteArray signatureBlock(std::size_t modulus = 256, std::size_t padding = 0)
{
    const QByteArray digest = QCryptographicHash::hash("m", QCryptographicHash::Sha256);
    auto info = piv::buildDigestInfo(piv::HashAlgorithm::Sha256,
                                     base::ByteView(reinterpret_cast<const std::uint8_t*>(digest.constData()), 32));
    auto block = piv::pkcs1v15SignatureBlock(info.value(), modulus);
    QByteArray b(reinterpret_cast<const char*>(block->data()), static_cast<qsizetype>(block->size()));
    if (padding) {
        // Move the separator left so only `padding` FF bytes remain: too little padding for PKCS#1.
        b = QByteArray("\x00\x01", 2) + QByteArray(static_cast<qsizetype>(padding), '\xFF') + QByteArray(1, '\0')
            + b.right(b.size() - 3 - static_cast<qsizetype>(padding));
    }
    return b;
}
} // namespace

class TestRelayPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sign_data();
    void sign();
    void verifyPin_data();
    void verifyPin();
};

void TestRelayPolicy::sign_data()
{
    QTest::addColumn<int>("slot");
    QTest::addColumn<int>("algorithm");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("allowed"); // comma-separated hex slots; empty: the default (9A)
    QTest::addColumn<Verdict>("expected");

    const QByteArray block = signatureBlock();
    QByteArray decryption = block;
    decryption[1] = 2; // type 02: an encryption block — the relay must never decrypt
    QByteArray noSeparator = block;
    noSeparator.replace(noSeparator.indexOf('\0', 2), 1, QByteArray(1, '\xFF'));

    QTest::addRow("RSA signature block, 9A") << 0x9A << 0x07 << block << QString() << Verdict::Allowed;
    QTest::addRow("RSA decryption block") << 0x9A << 0x07 << decryption << QString() << Verdict::NotASignatureBlock;
    QTest::addRow("RSA block with 7 FF") << 0x9A << 0x07 << signatureBlock(256, 7) << QString()
                                         << Verdict::NotASignatureBlock;
    QTest::addRow("RSA block with 8 FF") << 0x9A << 0x07 << signatureBlock(256, 8) << QString() << Verdict::Allowed;
    QTest::addRow("RSA block without separator")
        << 0x9A << 0x07 << noSeparator << QString() << Verdict::NotASignatureBlock;
    QTest::addRow("RSA all zero") << 0x9A << 0x07 << QByteArray(256, '\0') << QString() << Verdict::NotASignatureBlock;
    QTest::addRow("RSA 255 bytes") << 0x9A << 0x07 << block.left(255) << QString() << Verdict::WrongInputSize;
    QTest::addRow("RSA 257 bytes") << 0x9A << 0x07 << block + 'x' << QString() << Verdict::WrongInputSize;
    QTest::addRow("slot 9C not allowed by default") << 0x9C << 0x07 << block << QString() << Verdict::SlotNotAllowed;
    QTest::addRow("slot 9D (key agreement slot)")
        << 0x9D << 0x11 << QByteArray(32, 'x') << QString() << Verdict::SlotNotAllowed;
    QTest::addRow("slot 9C when allowed") << 0x9C << 0x07 << block << QStringLiteral("9a,9c") << Verdict::Allowed;
    QTest::addRow("management key 9B") << 0x9B << 0x07 << block << QStringLiteral("9b") << Verdict::SlotNotAllowed;
    QTest::addRow("slot above a byte") << 0x19A << 0x07 << block << QString() << Verdict::SlotNotAllowed;
    QTest::addRow("unknown algorithm") << 0x9A << 0x06 << block << QString() << Verdict::UnknownAlgorithm;
    QTest::addRow("algorithm above a byte") << 0x9A << 0x107 << block << QString() << Verdict::UnknownAlgorithm;
    QTest::addRow("P-256, 32 bytes") << 0x9A << 0x11 << QByteArray(32, 'h') << QString() << Verdict::Allowed;
    QTest::addRow("P-256, 20 bytes (short hash)")
        << 0x9A << 0x11 << QByteArray(20, 'h') << QString() << Verdict::Allowed;
    QTest::addRow("P-256, 33 bytes") << 0x9A << 0x11 << QByteArray(33, 'h') << QString() << Verdict::WrongInputSize;
    QTest::addRow("P-256, empty") << 0x9A << 0x11 << QByteArray() << QString() << Verdict::WrongInputSize;
    QTest::addRow("P-384, 48 bytes") << 0x9A << 0x14 << QByteArray(48, 'h') << QString() << Verdict::Allowed;
    QTest::addRow("P-384, 49 bytes") << 0x9A << 0x14 << QByteArray(49, 'h') << QString() << Verdict::WrongInputSize;
}

void TestRelayPolicy::sign()
{
    QFETCH(int, slot);
    QFETCH(int, algorithm);
    QFETCH(QByteArray, input);
    QFETCH(QString, allowed);
    QFETCH(Verdict, expected);
    RelayPolicy policy;
    if (!allowed.isEmpty()) {
        policy.allowedSlots.clear();
        for (const QString& s : allowed.split(QLatin1Char(','))) {
            policy.allowedSlots.insert(static_cast<std::uint8_t>(s.toUInt(nullptr, 16)));
        }
    }
    const auto verdict = slot > 0xFF
                             ? Verdict::SlotNotAllowed
                             : policy.checkSign(static_cast<std::uint8_t>(slot),
                                                static_cast<std::uint32_t>(algorithm),
                                                base::ByteView(reinterpret_cast<const std::uint8_t*>(input.constData()),
                                                               static_cast<std::size_t>(input.size())));
    QCOMPARE(verdict, expected);
    QVERIFY(RelayPolicy::verdictText(verdict) != nullptr);
}

void TestRelayPolicy::verifyPin_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("triesLeft");
    QTest::addColumn<bool>("confirmed");
    QTest::addColumn<Verdict>("expected");
    QTest::addRow("5 characters") << 5 << 3 << false << Verdict::PinFormat;
    QTest::addRow("6 characters") << 6 << 3 << false << Verdict::Allowed;
    QTest::addRow("8 characters") << 8 << 3 << false << Verdict::Allowed;
    QTest::addRow("9 characters") << 9 << 3 << false << Verdict::PinFormat;
    QTest::addRow("two tries left") << 6 << 2 << false << Verdict::Allowed;
    QTest::addRow("one try left, unconfirmed") << 6 << 1 << false << Verdict::NeedsConfirmation;
    QTest::addRow("one try left, confirmed") << 6 << 1 << true << Verdict::Allowed;
    QTest::addRow("count unknown (card unlocked)") << 6 << -1 << false << Verdict::Allowed;
}

void TestRelayPolicy::verifyPin()
{
    QFETCH(int, length);
    QFETCH(int, triesLeft);
    QFETCH(bool, confirmed);
    QFETCH(Verdict, expected);
    QCOMPARE(RelayPolicy().checkVerifyPin(static_cast<std::size_t>(length), triesLeft, confirmed), expected);
}

QTEST_GUILESS_MAIN(TestRelayPolicy)
#include "TestRelayPolicy.moc"
