#pragma once

#include <QSslConfiguration>

namespace sra::core {

// The client side of every SRA TLS connection (session and screen stream): TLS 1.3 only, and the peer's
// certificate is queried, not verified against a CA. Trust is decided afterwards by the caller, by comparing
// the certificate's SHA-256 fingerprint with a pinned one (known_hosts, or the session's server), before
// anything is sent; so the handshake must complete for self-signed identities, which are the normal case.
QSslConfiguration pinnedClientConfiguration();

} // namespace sra::core
