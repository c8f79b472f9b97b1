#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QTranslator;

namespace sra::gui {

// Loads the application's catalogue (:/i18n/sra_<lang>.qm, compiled from translations/ and embedded) and Qt's
// own (qtbase_<lang> from Qt's translations directory) for one language, and installs both. English is the
// source language and the fallback; its catalogue only spells out plural forms.
class Translator : public QObject
{
    Q_OBJECT

public:
    explicit Translator(QObject* parent = nullptr);
    ~Translator() override;

    // The languages the application ships catalogues for.
    static QStringList availableLanguages();

    // `language` "" follows the system (the first of QLocale::uiLanguages() we have), else "en" or "de".
    // Removes what an earlier call installed. Returns the language now in effect ("en" when nothing matched).
    QString install(const QString& language);

    QString current() const
    {
        return m_current;
    }

private:
    void uninstall();

    QTranslator* m_app = nullptr;
    QTranslator* m_qt = nullptr;
    QString m_current = QStringLiteral("en");
};

} // namespace sra::gui
