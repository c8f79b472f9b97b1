#include "gui/AppSettings.h"

#include "core/session/KnownHosts.h"

#include <algorithm>

namespace sra::gui {

namespace {
const QString kHistory = QStringLiteral("connect/history");
const QString kKnownHosts = QStringLiteral("connect/knownHostsFile");
const QString kSradRoot = QStringLiteral("license/root");
const QString kSlots = QStringLiteral("relay/allowedSlots");
const QString kApproval = QStringLiteral("relay/approval");
const QString kLanguage = QStringLiteral("ui/language");
const QList<quint8> kValidSlots{0x9A, 0x9C, 0x9D, 0x9E};
} // namespace

AppSettings::AppSettings(QObject* parent)
    : QObject(parent)
    , m_settings(new QSettings(QSettings::IniFormat,
                               QSettings::UserScope,
                               QStringLiteral("secure-remote-access"),
                               QStringLiteral("secure-remote-access"),
                               this))
{}

AppSettings::AppSettings(const QString& iniFile, QObject* parent)
    : QObject(parent)
    , m_settings(new QSettings(iniFile, QSettings::IniFormat, this))
{}

QStringList AppSettings::hostHistory() const
{
    QStringList history = m_settings->value(kHistory).toStringList();
    history.removeAll(QString());
    return history.mid(0, kMaxHistory);
}

void AppSettings::addHostToHistory(const QString& target)
{
    const QString entry = target.trimmed();
    if (entry.isEmpty()) {
        return;
    }
    QStringList history = hostHistory();
    history.removeAll(entry);
    history.prepend(entry);
    m_settings->setValue(kHistory, history.mid(0, kMaxHistory));
}

QString AppSettings::knownHostsFile() const
{
    if (!m_knownHostsOverride.isEmpty()) {
        return m_knownHostsOverride;
    }
    return m_settings->value(kKnownHosts, core::KnownHosts::defaultPath()).toString();
}

void AppSettings::setKnownHostsFile(const QString& file)
{
    m_settings->setValue(kKnownHosts, file);
}

QString AppSettings::sradRoot() const
{
    if (!m_sradRootOverride.isEmpty()) {
        return m_sradRootOverride;
    }
    return m_settings->value(kSradRoot, QStringLiteral("/")).toString();
}

void AppSettings::setSradRoot(const QString& root)
{
    m_settings->setValue(kSradRoot, root);
}

QList<quint8> AppSettings::relayAllowedSlots() const
{
    if (!m_settings->contains(kSlots)) {
        return {0x9A};
    }
    // Stored as hex text ("9a,9c") so the file stays readable; anything unknown is dropped, never widened.
    QList<quint8> slots;
    const QStringList values = m_settings->value(kSlots).toStringList();
    for (const QString& value : values) {
        bool ok = false;
        const uint slot = value.trimmed().toUInt(&ok, 16);
        if (ok && slot <= 0xFF && kValidSlots.contains(static_cast<quint8>(slot))
            && !slots.contains(static_cast<quint8>(slot))) {
            slots.append(static_cast<quint8>(slot));
        }
    }
    std::sort(slots.begin(), slots.end());
    return slots;
}

void AppSettings::setRelayAllowedSlots(const QList<quint8>& slots)
{
    QStringList values;
    for (const quint8 slot : slots) {
        values.append(QString::number(slot, 16));
    }
    // An empty list must stay empty (nothing allowed), so it is stored explicitly.
    m_settings->setValue(kSlots, values.isEmpty() ? QVariant(QStringList()) : QVariant(values));
}

AppSettings::Approval AppSettings::relayApproval() const
{
    return m_settings->value(kApproval).toString() == QLatin1String("session") ? Approval::Session : Approval::Ask;
}

void AppSettings::setRelayApproval(Approval approval)
{
    m_settings->setValue(kApproval, approval == Approval::Session ? QStringLiteral("session") : QStringLiteral("ask"));
}

QString AppSettings::language() const
{
    const QString language = m_settings->value(kLanguage).toString();
    return (language == QLatin1String("en") || language == QLatin1String("de")) ? language : QString();
}

void AppSettings::setLanguage(const QString& language)
{
    m_settings->setValue(kLanguage, language);
}

void AppSettings::sync()
{
    m_settings->sync();
}

} // namespace sra::gui
