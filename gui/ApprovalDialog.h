#pragma once

#include <QDialog>
#include <QString>

namespace sra::gui {

// A request from the remote machine to use the admin's card (a PIN check or a signature), with the process
// that asks. The same three answers as `sra-connect --approve`: allow this operation, allow every operation for
// the rest of this session, or refuse. Closing the dialog refuses.
class ApprovalDialog : public QDialog
{
    Q_OBJECT

public:
    enum Answer
    {
        Refuse = QDialog::Rejected,
        AllowOnce = QDialog::Accepted,
        AllowSession = 2,
    };

    ApprovalDialog(quint32 requestId, const QString& host, const QString& description, QWidget* parent = nullptr);

    quint32 requestId() const
    {
        return m_requestId;
    }

private:
    quint32 m_requestId;
};

} // namespace sra::gui
