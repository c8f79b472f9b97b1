// The translations: the German catalogue is embedded and loads, the window then speaks German, and the
// committed catalogue is complete and current for the sources it covers (lupdate finds nothing untranslated).
#include "core/license/License.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "gui/Translator.h"
#include "support/Process.h"

#include <QFile>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void germanLoads();
    void englishIsTheSource();
    void windowSpeaksGerman();
    void catalogueIsCompleteAndCurrent_data();
    void catalogueIsCompleteAndCurrent();
};

void TestTranslations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // No pcscd here: the window's card monitor simply reports the service as missing.
    qputenv("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm");
}

void TestTranslations::germanLoads()
{
    QVERIFY(QFile::exists(QStringLiteral(":/i18n/sra_de.qm")));
    sra::gui::Translator translator;
    QCOMPARE(translator.install(QStringLiteral("de")), QStringLiteral("de"));
    QCOMPARE(QCoreApplication::translate("sra::gui::RemoteTab", "&Connect"), QStringLiteral("&Verbinden"));
    QCOMPARE(
        QCoreApplication::translate("sra::gui::PinDialog", "%n tries left before the card is blocked.", nullptr, 2),
        QStringLiteral("Noch 2 Versuche, bevor die Karte gesperrt wird."));
    QCOMPARE(
        QCoreApplication::translate("sra::gui::PinDialog", "%n tries left before the card is blocked.", nullptr, 1),
        QStringLiteral("Noch 1 Versuch, bevor die Karte gesperrt wird."));
    // Core messages the window shows are in the catalogue too.
    QVERIFY(sra::core::licenseStatusMessage(sra::core::LicenseStatus{})
                .startsWith(QStringLiteral("Dieser Rechner hat keine Lizenz.")));
}

void TestTranslations::englishIsTheSource()
{
    sra::gui::Translator translator;
    QCOMPARE(translator.install(QStringLiteral("de")), QStringLiteral("de"));
    QCOMPARE(translator.install(QStringLiteral("en")), QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("sra::gui::RemoteTab", "&Connect"), QStringLiteral("&Connect"));
    // The English catalogue spells out the plural forms.
    QCOMPARE(QCoreApplication::translate("sra::gui::CardPanel", "%n tries left", nullptr, 1),
             QStringLiteral("1 try left"));
    QCOMPARE(QCoreApplication::translate("sra::gui::CardPanel", "%n tries left", nullptr, 3),
             QStringLiteral("3 tries left"));
    // An unknown language falls back to English rather than failing.
    QCOMPARE(translator.install(QStringLiteral("xx")), QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("sra::gui::CardPanel", "%n tries left", nullptr, 1),
             QStringLiteral("1 try left"));
}

void TestTranslations::windowSpeaksGerman()
{
    QTemporaryDir dir;
    sra::gui::AppSettings settings(dir.filePath(QStringLiteral("settings.ini")));
    settings.setLanguage(QStringLiteral("de"));
    sra::gui::Translator translator;
    QCOMPARE(translator.install(settings.language()), QStringLiteral("de"));
    sra::gui::MainWindow window(&settings);
    auto* connect = window.findChild<QPushButton*>(QStringLiteral("connectButton"));
    QVERIFY(connect);
    QCOMPARE(connect->text(), QStringLiteral("&Verbinden"));
    QCOMPARE(window.windowTitle(), QStringLiteral("Neuer Fernrechner – Secure Remote Access"));
    QCOMPARE(window.statusText(), QStringLiteral("Nicht verbunden."));
}

void TestTranslations::catalogueIsCompleteAndCurrent_data()
{
    QTest::addColumn<QString>("language");
    QTest::addRow("de") << QStringLiteral("de");
    QTest::addRow("en") << QStringLiteral("en");
}

void TestTranslations::catalogueIsCompleteAndCurrent()
{
    QFETCH(QString, language);
    // lupdate over the same sources as the build (SRA_LUPDATE_SOURCES lists them), into a copy of the committed
    // catalogue: a string added or changed in the code without a translation shows up as unfinished.
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("sra_%1.ts").arg(language));
    QVERIFY(QFile::copy(sra::test::sourceDir() + QStringLiteral("/translations/sra_%1.ts").arg(language), copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    const sra::test::ProcessResult r =
        sra::test::runProcess(QStringLiteral(SRA_LUPDATE),
                              {QStringLiteral("@") + QString::fromLocal8Bit(qgetenv("SRA_LUPDATE_SOURCES")),
                               QStringLiteral("-I"),
                               sra::test::sourceDir(),
                               QStringLiteral("-no-obsolete"),
                               QStringLiteral("-locations"),
                               QStringLiteral("none"),
                               QStringLiteral("-ts"),
                               copy});
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QFile ts(copy);
    QVERIFY(ts.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(ts.readAll());
    QVERIFY(text.count(QStringLiteral("<message")) > 100);
    if (language == QLatin1String("de")) {
        // Every message has a translation (unfinished ones are new or changed in the code).
        const auto unfinished =
            QRegularExpression(QStringLiteral("<source>([^<]*)</source>\\s*(<comment>[^<]*</comment>\\s*)?"
                                              "<translation type=\"unfinished\""))
                .globalMatch(text);
        QStringList missing;
        auto it = unfinished;
        while (it.hasNext()) {
            missing.append(it.next().captured(1));
        }
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("untranslated: ") + missing.join(QStringLiteral(" | "))));
        QVERIFY(!text.contains(QStringLiteral("type=\"unfinished\"")));
    }
    QVERIFY2(text.contains(QStringLiteral("language=\"%1\"").arg(language)), qPrintable(text.left(200)));
    // Current: lupdate had nothing to add or drop (run `ninja update_translations` after changing strings).
    QFile committed(sra::test::sourceDir() + QStringLiteral("/translations/sra_%1.ts").arg(language));
    QVERIFY(committed.open(QIODevice::ReadOnly));
    QVERIFY2(QString::fromUtf8(committed.readAll()) == text,
             "translations/sra_*.ts is not what lupdate makes of the sources: run `ninja update_translations`");
}

QTEST_MAIN(TestTranslations)
#include "TestTranslations.moc"
