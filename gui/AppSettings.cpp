#include "gui/AppSettings.h"

#include "core/session/KnownHosts.h"

#include <algorithm>

namespace sra::gui {

namespace {
const QString kHistory = QStringLiteral("connect/history");
const QString kHistoryImported = QStringLiteral("connect/historyImported");
const QString kAddressBook = QStringLiteral("addressBook");
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

QList<SavedRemote> AppSettings::addressBook() const
{
    QList<SavedRemote> remotes;
    const int size = m_settings->beginReadArray(kAddressBook);
    for (int i = 0; i < size; ++i) {
        m_settings->setArrayIndex(i);
        SavedRemote remote;
        remote.name = m_settings->value(QStringLiteral("name")).toString().trimmed();
        remote.note = m_settings->value(QStringLiteral("note")).toString().trimmed();
        bool portOk = false;
        const uint port = m_settings->value(QStringLiteral("port"), core::kDefaultSradPort).toUInt(&portOk);
        QString host;
        quint16 parsedPort = 0;
        // The host is checked as the connect bar would check it: a hand-edited file cannot smuggle in a host the
        // session would refuse, or a port outside 1..65535.
        const QString rawHost = m_settings->value(QStringLiteral("host")).toString();
        if (!portOk || port == 0 || port > 65535 || rawHost.startsWith(QLatin1Char('['))
            || !core::parseHostPort(rawHost, host, parsedPort, static_cast<quint16>(port)) || parsedPort != port) {
            continue;
        }
        remote.host = host;
        remote.port = static_cast<quint16>(port);
        remote.lastUsed =
            QDateTime::fromString(m_settings->value(QStringLiteral("lastUsed")).toString(), Qt::ISODateWithMs);
        remotes.append(remote);
    }
    m_settings->endArray();
    return remotes;
}

void AppSettings::setAddressBook(const QList<SavedRemote>& remotes)
{
    // Rewritten as a whole: QSettings would keep the entries past a shorter array's end otherwise.
    m_settings->remove(kAddressBook);
    m_settings->beginWriteArray(kAddressBook, static_cast<int>(remotes.size()));
    for (int i = 0; i < remotes.size(); ++i) {
        const SavedRemote& remote = remotes.at(i);
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("name"), remote.name);
        m_settings->setValue(QStringLiteral("host"), remote.host);
        m_settings->setValue(QStringLiteral("port"), remote.port);
        m_settings->setValue(QStringLiteral("lastUsed"),
                             remote.lastUsed.isValid() ? remote.lastUsed.toUTC().toString(Qt::ISODateWithMs)
                                                       : QString());
        m_settings->setValue(QStringLiteral("note"), remote.note);
    }
    m_settings->endArray();
}

bool AppSettings::hostHistoryImported() const
{
    return m_settings->value(kHistoryImported, false).toBool();
}

void AppSettings::setHostHistoryImported()
{
    m_settings->setValue(kHistoryImported, true);
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
