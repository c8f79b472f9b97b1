#include "core/session/SessionErrors.h"

#include "core/license/License.h"

#include <QCoreApplication>

namespace sra::core {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("sra::core::SessionErrors", text);
}
} // namespace

QString serverErrorMessage(wire::ErrorCode code, quint32 retryAfterMs)
{
    using wire::ErrorCode;
    switch (code) {
    case ErrorCode::LicenseMissing:
    case ErrorCode::LicenseExpired:
    case ErrorCode::LicenseBadSignature:
    case ErrorCode::LicenseWrongProduct:
    case ErrorCode::LicenseInvalid:
        return remoteLicenseErrorMessage(code); // one wording for license problems, kept with the license code
    case ErrorCode::ProtocolViolation:
    case ErrorCode::FrameTooLarge:
        return tr("The remote machine refused a message from this program. Make sure both sides run the same "
                  "Secure Remote Access version.");
    case ErrorCode::UnsupportedVersion:
        return tr("The remote machine runs an incompatible Secure Remote Access version. Update one side.");
    case ErrorCode::Timeout:
        return tr("The remote machine closed the connection because authentication took too long. Connect again "
                  "and enter the PIN promptly.");
    case ErrorCode::TooManyConnections:
        return tr("The remote machine is busy with other connection attempts. Try again in a moment.");
    case ErrorCode::RateLimited:
        return QCoreApplication::translate("sra::core::SessionErrors",
                                           "Too many failed sign-ins from this address. Try again in %n second(s).",
                                           nullptr,
                                           static_cast<int>((retryAfterMs + 999) / 1000));
    case ErrorCode::ResumeRefused:
        return tr("The remote machine no longer holds this session: the connection was away longer than it waits "
                  "(its [network] resume_grace_ms), or srad restarted. The card was removed there; connect again.");
    case ErrorCode::CertificateInvalid:
        return tr("The remote machine does not accept your card's certificate (unsupported or invalid).");
    case ErrorCode::CertificateExpired:
        return tr("Your card's certificate is expired or not yet valid. Have the card renewed.");
    case ErrorCode::CertificateUntrusted:
        return tr("Your card's certificate was not issued by a certificate authority the remote machine trusts.");
    case ErrorCode::NotPaired:
        return tr("Your card is not paired with an account on the remote machine. Ask its administrator to run "
                  "\"sra-setup pair --user NAME --cert FILE\" with your certificate.");
    case ErrorCode::BadSignature:
        return tr("The remote machine could not verify the card's signature. Connect again; if it persists, the "
                  "connection may be intercepted.");
    case ErrorCode::ScreenNotSetUp:
        return tr("Screen sharing is not set up on the remote machine. Its administrator can enable it with "
                  "\"sra-setup -s\".");
    case ErrorCode::ScreenFailed:
        return tr("The remote machine could not start screen sharing (the VNC server failed). See its log "
                  "(journalctl -u srad).");
    case ErrorCode::ScreenBusy:
        return tr("Screen sharing is already running in this session. Close the open screen first.");
    case ErrorCode::ScreenNoSession:
        return tr("Nobody is logged in on the remote machine's screen: no desktop session agent is connected. Someone "
                  "must log in on its console (the agent starts with the session), or run sra-screen-agent there.");
    case ErrorCode::CardInvalid:
        return tr("The remote machine refused the card: the objects read from it are malformed or not a PIV "
                  "card's. The card is not inserted there; the session goes on. Check the card with \"sra-card "
                  "list\".");
    case ErrorCode::TicketUnknown:
    case ErrorCode::TicketExpired:
    case ErrorCode::TicketUsed:
        return tr("The remote machine refused the screen stream: its one-time ticket is unknown, expired or "
                  "already used. Request the screen again.");
    case ErrorCode::InternalError:
        break;
    }
    return tr("The remote machine reported an internal error. See its log (journalctl -u srad).");
}

} // namespace sra::core
