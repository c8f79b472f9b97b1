#pragma once

#include "remote-service/ServiceManagerNotifier.h"

#include <QByteArray>

namespace sra::srad {

// systemd's sd_notify protocol (Type=notify units), written out rather than linked from libsystemd: it is one
// datagram of KEY=VALUE lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or '@' for the abstract
// namespace), and srad needs nothing else of libsystemd.
class SystemdNotifier final : public ServiceManagerNotifier
{
public:
    explicit SystemdNotifier(QByteArray socketAddress);

    void ready(const QString& status) override;
    void reloading() override;
    void stopping() override;

    // Sends one notification; false when the socket is missing or the send failed.
    bool send(const QByteArray& state) const;

private:
    QByteArray m_socketAddress;
};

} // namespace sra::srad
