#include "gui/CardPanel.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sra::gui {

CardPanel::CardPanel(QWidget* parent)
    : QGroupBox(parent)
    , m_service(new QLabel(this))
    , m_readers(new QListWidget(this))
    , m_cardStatus(new QLabel(this))
    , m_cardholder(new QLabel(this))
    , m_pinTries(new QLabel(this))
    , m_certificates(new QTreeWidget(this))
    , m_certificateDetails(new QLabel(this))
{
    setObjectName(QStringLiteral("cardPanel"));
    setTitle(tr("Smart card"));

    m_service->setObjectName(QStringLiteral("serviceLabel"));
    m_service->setWordWrap(true);
    m_readers->setObjectName(QStringLiteral("readerListWidget"));
    m_readers->setMaximumHeight(90);
    m_cardStatus->setObjectName(QStringLiteral("cardStatusLabel"));
    m_cardStatus->setWordWrap(true);
    m_cardholder->setObjectName(QStringLiteral("cardholderLabel"));
    m_cardholder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pinTries->setObjectName(QStringLiteral("pinTriesLabel"));

    m_certificates->setObjectName(QStringLiteral("certificateTreeWidget"));
    m_certificates->setHeaderLabels({tr("Slot"), tr("Subject"), tr("Key"), tr("SHA-256 fingerprint")});
    m_certificates->setRootIsDecorated(false);
    m_certificates->setSelectionMode(QAbstractItemView::SingleSelection);
    m_certificates->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // A SHA-256 fingerprint is 95 characters: too wide for a column of a side panel. The selected certificate's
    // fingerprint is shown below the list, in two lines of 16 bytes that are easy to compare.
    m_certificates->setColumnHidden(3, true);
    m_certificateDetails->setObjectName(QStringLiteral("certificateDetailsLabel"));
    m_certificateDetails->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_certificateDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_certificateDetails->setWordWrap(true);
    connect(m_certificates, &QTreeWidget::currentItemChanged, this, &CardPanel::showSelectedCertificate);

    auto* form = new QFormLayout;
    form->addRow(tr("Cardholder:"), m_cardholder);
    form->addRow(tr("PIN:"), m_pinTries);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Readers:"), this));
    layout->addWidget(m_readers);
    layout->addWidget(m_service);
    layout->addWidget(m_cardStatus);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Certificates:"), this));
    layout->addWidget(m_certificates, 1);
    layout->addWidget(m_certificateDetails);

    setServiceAvailable(false);
    showNoCard();
}

QString CardPanel::slotName(quint8 slot)
{
    switch (slot) {
    case 0x9A:
        return tr("9A PIV Authentication");
    case 0x9C:
        return tr("9C Digital Signature");
    case 0x9D:
        return tr("9D Key Management");
    case 0x9E:
        return tr("9E Card Authentication");
    default:
        break;
    }
    return QString::number(slot, 16).toUpper();
}

void CardPanel::setServiceAvailable(bool available)
{
    m_serviceAvailable = available;
    m_service->setText(available
                           ? QString()
                           : tr("The smart card service (pcscd) is not reachable. Start it (for example "
                                "\"systemctl start pcscd.socket\" as root); this window notices when it is back."));
    m_service->setVisible(!available);
    if (!available) {
        m_readers->clear();
    }
}

void CardPanel::setReaders(const QList<core::ReaderState>& readers)
{
    m_readers->clear();
    for (const core::ReaderState& reader : readers) {
        QString state;
        if (reader.mute) {
            state = tr("card does not answer — is it inserted the right way round?");
        } else if (reader.exclusive) {
            state = tr("card in exclusive use by another program");
        } else if (reader.cardPresent) {
            state = tr("card present");
        } else {
            state = tr("empty");
        }
        auto* item = new QListWidgetItem(tr("%1 — %2").arg(reader.name, state), m_readers);
        item->setData(Qt::UserRole, reader.name);
        item->setData(Qt::UserRole + 1, reader.cardPresent);
    }
    if (readers.isEmpty() && m_serviceAvailable) {
        auto* item = new QListWidgetItem(tr("No reader connected. Plug in a smart-card reader."), m_readers);
        item->setFlags(Qt::NoItemFlags);
    }
}

void CardPanel::showCard(const QString& reader, const core::CardInfo& info)
{
    clearCard();
    m_cardStatus->setText(tr("PIV card in %1.").arg(reader));
    m_cardholder->setText(info.cardholder.isEmpty() ? tr("(not named in the certificate)") : info.cardholder);
    if (info.pinTriesLeft < 0) {
        m_pinTries->setText(tr("verified"));
    } else if (info.pinTriesLeft == 0) {
        m_pinTries->setText(tr("blocked — unblock the card with its PUK or ask your card administrator"));
    } else {
        m_pinTries->setText(tr("%n tries left", nullptr, info.pinTriesLeft));
    }
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const core::SlotCertificate& certificate : info.certificates) {
        auto* item = new QTreeWidgetItem(m_certificates);
        item->setText(0, slotName(certificate.slot));
        item->setData(0, Qt::UserRole, certificate.slot);
        item->setText(1, certificate.subject());
        item->setText(2,
                      certificate.algorithm ? QString::fromLatin1(piv::pivAlgorithmName(*certificate.algorithm))
                                            : tr("unsupported"));
        item->setText(3, certificate.fingerprintText());
        item->setFont(3, fixed);
        item->setToolTip(3, certificate.fingerprintText());
    }
    m_certificates->setCurrentItem(m_certificates->topLevelItem(0));
}

void CardPanel::showSelectedCertificate()
{
    const QTreeWidgetItem* item = m_certificates->currentItem();
    if (!item) {
        m_certificateDetails->clear();
        return;
    }
    const QString fingerprint = item->text(3);
    // 16 bytes are 47 characters ("AA:" × 15 + "AA"); break after the 16th byte's colon.
    m_certificateDetails->setText(
        QStringLiteral("%1\nSHA-256:\n%2\n%3").arg(item->text(1), fingerprint.left(48), fingerprint.mid(48)));
}

void CardPanel::showNoCard()
{
    clearCard();
    m_cardStatus->setText(tr("No card. Insert your PIV card into a reader."));
}

void CardPanel::showCardError(const QString& reader, const QString& message)
{
    clearCard();
    m_cardStatus->setText(reader.isEmpty() ? message : tr("%1: %2").arg(reader, message));
}

void CardPanel::clearCard()
{
    m_cardholder->clear();
    m_pinTries->clear();
    m_certificates->clear();
    m_certificateDetails->clear();
}

} // namespace sra::gui
