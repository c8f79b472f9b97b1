// The embedded resources (resources/sra.qrc) reach a program that links only sra_gui: the icon is at the path the
// code uses, is the committed file byte for byte, and renders (the SVG icon engine sra-admin depends on).
#include "support/Process.h"

#include <QFile>
#include <QIcon>
#include <QImage>
#include <QPixmap>
#include <QTest>

class TestResources : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void iconIsEmbedded();
    void iconRenders();
};

void TestResources::iconIsEmbedded()
{
    QFile embedded(QStringLiteral(":/icons/secure-remote-access.svg"));
    QVERIFY2(embedded.open(QIODevice::ReadOnly), "the icon resource was not linked into the program");
    QFile committed(sra::test::sourceDir() + QStringLiteral("/resources/secure-remote-access.svg"));
    QVERIFY(committed.open(QIODevice::ReadOnly));
    QCOMPARE(embedded.readAll(), committed.readAll());
}

void TestResources::iconRenders()
{
    const QIcon icon(QStringLiteral(":/icons/secure-remote-access.svg"));
    QVERIFY(!icon.isNull());
    const QImage image = icon.pixmap(QSize(64, 64)).toImage();
    QVERIFY(!image.isNull());
    // Not a blank square: some pixel is opaque.
    bool painted = false;
    for (int y = 0; y < image.height() && !painted; ++y) {
        for (int x = 0; x < image.width() && !painted; ++x) {
            painted = qAlpha(image.pixel(x, y)) > 0;
        }
    }
    QVERIFY(painted);
}

QTEST_MAIN(TestResources)
#include "TestResources.moc"
