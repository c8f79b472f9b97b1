#include "core/tls/PinnedTls.h"

namespace sra::core {

QSslConfiguration pinnedClientConfiguration()
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_3OrLater);
    tls.setPeerVerifyMode(QSslSocket::QueryPeer);
    return tls;
}

} // namespace sra::core
