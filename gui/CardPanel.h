#pragma once

#include "core/card/CardInfo.h"
#include "core/pcsc/ReaderMonitor.h"

#include <QGroupBox>
#include <QList>
#include <QString>

class QLabel;
class QListWidget;
class QTreeWidget;

namespace sra::gui {

// The left side of the admin window: the smart-card readers as pcscd reports them (live, fed from
// ReaderMonitor by the window), and the PIV card in use — cardholder, PIN tries left and each certificate with
// its SHA-256 fingerprint. Display only: the window decides which card is used and reads it.
class CardPanel : public QGroupBox
{
    Q_OBJECT

public:
    explicit CardPanel(QWidget* parent = nullptr);

    // "9A PIV Authentication", translated.
    static QString slotName(quint8 slot);

    void setServiceAvailable(bool available);
    void setReaders(const QList<core::ReaderState>& readers);
    void showCard(const QString& reader, const core::CardInfo& info);
    void showNoCard();
    void showCardError(const QString& reader, const QString& message);

private:
    void clearCard();
    void showSelectedCertificate();

    QLabel* m_service;
    QListWidget* m_readers;
    QLabel* m_cardStatus;
    QLabel* m_cardholder;
    QLabel* m_pinTries;
    QTreeWidget* m_certificates;
    QLabel* m_certificateDetails;
    bool m_serviceAvailable = false;
};

} // namespace sra::gui
