#pragma once

#include <QString>

#include <memory>

namespace sra::srad {

// What srad tells the platform's service manager about its life: ready to serve, reloading its
// configuration, stopping. systemd's notify protocol on Linux (SystemdNotifier); launchd on macOS has no
// readiness protocol, so its adapter will be a no-op. Calls never fail the service: a manager that is not
// listening is not srad's problem.
class ServiceManagerNotifier
{
public:
    virtual ~ServiceManagerNotifier() = default;

    virtual void ready(const QString& status) = 0;
    virtual void reloading() = 0;
    virtual void stopping() = 0;

    // The notifier for the manager that started this process ($NOTIFY_SOCKET set: systemd), else a no-op.
    static std::unique_ptr<ServiceManagerNotifier> forThisProcess();
};

} // namespace sra::srad
