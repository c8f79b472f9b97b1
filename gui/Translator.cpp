#include "gui/Translator.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace sra::gui {

Translator::Translator(QObject* parent)
    : QObject(parent)
{}

Translator::~Translator()
{
    uninstall();
}

QStringList Translator::availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("de")};
}

QString Translator::install(const QString& language)
{
    uninstall();
    QStringList candidates;
    if (language.isEmpty()) {
        // "de-DE", "de", "en-US", ... in the user's order of preference; the first we ship wins.
        const QStringList uiLanguages = QLocale::system().uiLanguages();
        for (const QString& ui : uiLanguages) {
            candidates.append(QLocale(ui).name().section(QLatin1Char('_'), 0, 0));
        }
    } else {
        candidates.append(language);
    }
    candidates.append(QStringLiteral("en")); // the fallback for anything we do not ship
    for (QString candidate : std::as_const(candidates)) {
        if (candidate == QLatin1String("C")) {
            candidate = QStringLiteral("en");
        }
        if (!availableLanguages().contains(candidate)) {
            continue;
        }
        // English is the source language; its catalogue only spells out plural forms ("1 try left").
        auto* app = new QTranslator(this);
        if (!app->load(QStringLiteral(":/i18n/sra_%1.qm").arg(candidate))) {
            delete app;
            continue;
        }
        QCoreApplication::installTranslator(app);
        m_app = app;
        if (candidate != QLatin1String("en")) {
            // Qt's own strings (standard buttons, file dialog); missing is not an error, they stay English.
            auto* qt = new QTranslator(this);
            if (qt->load(QStringLiteral("qtbase_%1").arg(candidate),
                         QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
                QCoreApplication::installTranslator(qt);
                m_qt = qt;
            } else {
                delete qt;
            }
        }
        m_current = candidate;
        return m_current;
    }
    m_current = QStringLiteral("en");
    return m_current;
}

void Translator::uninstall()
{
    for (QTranslator** translator : {&m_app, &m_qt}) {
        if (*translator) {
            QCoreApplication::removeTranslator(*translator);
            delete *translator;
            *translator = nullptr;
        }
    }
}

} // namespace sra::gui
