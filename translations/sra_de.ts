<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>sra::core</name>
    <message>
        <source>The remote machine refused a message from this program. Make sure both sides run the same Secure Remote Access version.</source>
        <translation>Der entfernte Rechner hat eine Nachricht dieses Programms abgelehnt. Stellen Sie sicher, dass auf beiden Seiten dieselbe Version von Secure Remote Access läuft.</translation>
    </message>
    <message>
        <source>The remote machine runs an incompatible Secure Remote Access version. Update one side.</source>
        <translation>Auf dem entfernten Rechner läuft eine inkompatible Version von Secure Remote Access. Aktualisieren Sie eine Seite.</translation>
    </message>
    <message>
        <source>The remote machine closed the connection because authentication took too long. Connect again and enter the PIN promptly.</source>
        <translation>Der entfernte Rechner hat die Verbindung geschlossen, weil die Anmeldung zu lange gedauert hat. Verbinden Sie sich erneut und geben Sie die PIN zügig ein.</translation>
    </message>
    <message>
        <source>The remote machine is busy with other connection attempts. Try again in a moment.</source>
        <translation>Der entfernte Rechner ist mit anderen Verbindungsversuchen beschäftigt. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>The remote machine no longer holds this session: the connection was away longer than it waits (its [network] resume_grace_ms), or srad restarted. The card was removed there; connect again.</source>
        <translation>Der entfernte Rechner hält diese Sitzung nicht mehr: Die Verbindung war länger weg, als er wartet (sein [network] resume_grace_ms), oder srad wurde neu gestartet. Die Karte wurde dort entfernt; verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <source>The remote machine does not accept your card&apos;s certificate (unsupported or invalid).</source>
        <translation>Der entfernte Rechner akzeptiert das Zertifikat Ihrer Karte nicht (nicht unterstützt oder ungültig).</translation>
    </message>
    <message>
        <source>Your card&apos;s certificate is expired or not yet valid. Have the card renewed.</source>
        <translation>Das Zertifikat Ihrer Karte ist abgelaufen oder noch nicht gültig. Lassen Sie die Karte erneuern.</translation>
    </message>
    <message>
        <source>Your card&apos;s certificate was not issued by a certificate authority the remote machine trusts.</source>
        <translation>Das Zertifikat Ihrer Karte wurde nicht von einer Zertifizierungsstelle ausgestellt, der der entfernte Rechner vertraut.</translation>
    </message>
    <message>
        <source>Your card is not paired with an account on the remote machine. Ask its administrator to run &quot;sra-setup pair --user NAME --cert FILE&quot; with your certificate.</source>
        <translation>Ihre Karte ist mit keinem Konto auf dem entfernten Rechner gekoppelt. Bitten Sie dessen Administration, „sra-setup pair --user NAME --cert DATEI“ mit Ihrem Zertifikat auszuführen.</translation>
    </message>
    <message>
        <source>The remote machine could not verify the card&apos;s signature. Connect again; if it persists, the connection may be intercepted.</source>
        <translation>Der entfernte Rechner konnte die Signatur der Karte nicht prüfen. Verbinden Sie sich erneut; bleibt es dabei, wird die Verbindung möglicherweise abgefangen.</translation>
    </message>
    <message>
        <source>Screen sharing is not set up on the remote machine. Its administrator can enable it with &quot;sra-setup -s&quot;.</source>
        <translation>Die Bildschirmfreigabe ist auf dem entfernten Rechner nicht eingerichtet. Dessen Administration kann sie mit „sra-setup -s“ aktivieren.</translation>
    </message>
    <message>
        <source>The remote machine could not start screen sharing (the VNC server failed). See its log (journalctl -u srad).</source>
        <translation>Der entfernte Rechner konnte die Bildschirmfreigabe nicht starten (der VNC-Server ist fehlgeschlagen). Siehe sein Protokoll (journalctl -u srad).</translation>
    </message>
    <message>
        <source>Screen sharing is already running in this session. Close the open screen first.</source>
        <translation>Die Bildschirmfreigabe läuft in dieser Sitzung bereits. Schließen Sie zuerst den offenen Bildschirm.</translation>
    </message>
    <message>
        <source>Nobody is logged in on the remote machine&apos;s screen: no desktop session agent is connected. Someone must log in on its console (the agent starts with the session), or run sra-screen-agent there.</source>
        <translation>Am Bildschirm des entfernten Rechners ist niemand angemeldet: Kein Sitzungsagent ist verbunden. Jemand muss sich an seiner Konsole anmelden (der Agent startet mit der Sitzung) oder dort sra-screen-agent ausführen.</translation>
    </message>
    <message>
        <source>The remote machine refused the card: the objects read from it are malformed or not a PIV card&apos;s. The card is not inserted there; the session goes on. Check the card with &quot;sra-card list&quot;.</source>
        <translation>Der entfernte Rechner hat die Karte abgelehnt: Die von ihr gelesenen Objekte sind fehlerhaft oder stammen nicht von einer PIV-Karte. Die Karte ist dort nicht eingesteckt; die Sitzung geht weiter. Prüfen Sie die Karte mit „sra-card list“.</translation>
    </message>
    <message>
        <source>The remote machine refused the screen stream: its one-time ticket is unknown, expired or already used. Request the screen again.</source>
        <translation>Der entfernte Rechner hat den Bildschirmstrom abgelehnt: Sein Einmal-Ticket ist unbekannt, abgelaufen oder schon benutzt. Fordern Sie den Bildschirm erneut an.</translation>
    </message>
    <message>
        <source>The remote machine reported an internal error. See its log (journalctl -u srad).</source>
        <translation>Der entfernte Rechner hat einen internen Fehler gemeldet. Siehe sein Protokoll (journalctl -u srad).</translation>
    </message>
</context>
<context>
    <name>sra::core::AdminCardRelay</name>
    <message>
        <source>PIN check for %1</source>
        <translation>PIN-Prüfung für %1</translation>
    </message>
    <message>
        <source>signature with slot %1 (%2) for %3</source>
        <translation>Signatur mit Slot %1 (%2) für %3</translation>
    </message>
    <message>
        <source> — the card has ONE PIN try left</source>
        <translation> — die Karte hat nur noch EINEN PIN-Versuch</translation>
    </message>
</context>
<context>
    <name>sra::core::AdminController</name>
    <message>
        <source>A session with %1 is still open; disconnect first.</source>
        <translation>Eine Sitzung mit %1 ist noch offen; trennen Sie sie zuerst.</translation>
    </message>
    <message>
        <source>Enter the remote machine as host or host:port, for example server.example.org or 192.0.2.7:4116.</source>
        <translation>Geben Sie den entfernten Rechner als Rechner oder Rechner:Port ein, zum Beispiel server.example.org oder 192.0.2.7:4116.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an address: give a host name or IP address, optionally with :port (1-65535); IPv6 addresses with a port go in brackets, as [2001:db8::7]:4116.</source>
        <translation>„%1“ ist keine Adresse: Geben Sie einen Rechnernamen oder eine IP-Adresse an, optional mit :Port (1-65535); IPv6-Adressen mit Port stehen in eckigen Klammern, etwa [2001:db8::7]:4116.</translation>
    </message>
    <message>
        <source>No usable PIV card: insert your card into a reader, then connect again.</source>
        <translation>Keine verwendbare PIV-Karte: Stecken Sie Ihre Karte in ein Lesegerät und verbinden Sie sich dann erneut.</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) of the known hosts file cannot be read; fix or remove them before accepting new identities automatically.</source>
        <translation>
            <numerusform>%n Zeile der Datei der bekannten Rechner ist nicht lesbar; korrigieren oder entfernen Sie sie, bevor neue Identitäten automatisch angenommen werden.</numerusform>
            <numerusform>%n Zeilen der Datei der bekannten Rechner sind nicht lesbar; korrigieren oder entfernen Sie sie, bevor neue Identitäten automatisch angenommen werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>The card was pulled: it was removed from the remote machine and the session ended. Insert the card and connect again.</source>
        <translation>Die Karte wurde gezogen: Sie wurde aus dem entfernten Rechner entfernt und die Sitzung beendet. Stecken Sie die Karte ein und verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <source>The card was pulled while signing in. Insert the card and connect again.</source>
        <translation>Die Karte wurde während der Anmeldung gezogen. Stecken Sie die Karte ein und verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <source>The card was pulled while the connection was down: the session ended. The remote machine removes the card when it stops waiting for this session (at most %1 s).</source>
        <translation>Die Karte wurde gezogen, während die Verbindung unterbrochen war: Die Sitzung ist beendet. Der entfernte Rechner entfernt die Karte, sobald er nicht mehr auf diese Sitzung wartet (höchstens %1 s).</translation>
    </message>
</context>
<context>
    <name>sra::core::AdminSession</name>
    <message>
        <source>The remote machine did not answer in time. Check that srad is running there.</source>
        <translation>Der entfernte Rechner hat nicht rechtzeitig geantwortet. Prüfen Sie, ob srad dort läuft.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address. Enter host or host:port.</source>
        <translation>„%1“ ist kein Rechnername und keine Adresse. Geben Sie Rechner oder Rechner:Port ein.</translation>
    </message>
    <message>
        <source>No PIV card with an authentication certificate is available.</source>
        <translation>Es ist keine PIV-Karte mit einem Authentisierungszertifikat verfügbar.</translation>
    </message>
    <message>
        <source>The secure connection to %1 failed (%2). The remote must run srad with TLS 1.3.</source>
        <translation>Die sichere Verbindung zu %1 ist fehlgeschlagen (%2). Auf dem entfernten Rechner muss srad mit TLS 1.3 laufen.</translation>
    </message>
    <message>
        <source>Cannot connect to %1 port %2: %3. Check the address and that srad runs there.</source>
        <translation>Keine Verbindung zu %1 Port %2: %3. Prüfen Sie die Adresse und ob srad dort läuft.</translation>
    </message>
    <message>
        <source>The connection to %1 was lost: %2.</source>
        <translation>Die Verbindung zu %1 wurde unterbrochen: %2.</translation>
    </message>
    <message>
        <source>%1 presented no certificate.</source>
        <translation>%1 hat kein Zertifikat vorgelegt.</translation>
    </message>
    <message>
        <source>The identity of %1 has CHANGED. Accepted before: %2. Presented now: %3. This can mean that someone is intercepting the connection. Compare with &quot;srad --fingerprint&quot; on the remote machine; only if the remote was reinstalled or its identity regenerated, remove the old entry from the known hosts and connect again.</source>
        <translation>Die Identität von %1 hat sich GEÄNDERT. Früher akzeptiert: %2. Jetzt vorgelegt: %3. Das kann bedeuten, dass jemand die Verbindung abfängt. Vergleichen Sie mit „srad --fingerprint“ auf dem entfernten Rechner; nur wenn er neu installiert oder seine Identität neu erzeugt wurde, entfernen Sie den alten Eintrag aus den bekannten Rechnern und verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <source>You did not accept the identity of %1.</source>
        <translation>Sie haben die Identität von %1 nicht akzeptiert.</translation>
    </message>
    <message>
        <source>The random number generator failed.</source>
        <translation>Der Zufallszahlengenerator ist ausgefallen.</translation>
    </message>
    <message>
        <source>Internal error: could not encode a message (%1).</source>
        <translation>Interner Fehler: Eine Nachricht konnte nicht kodiert werden (%1).</translation>
    </message>
    <message>
        <source>The remote machine sent an invalid message (%1).</source>
        <translation>Der entfernte Rechner hat eine ungültige Nachricht gesendet (%1).</translation>
    </message>
    <message>
        <source>The remote machine does not speak the SRA protocol (%1).</source>
        <translation>Der entfernte Rechner spricht nicht das SRA-Protokoll (%1).</translation>
    </message>
    <message>
        <source>The remote machine ended the session.</source>
        <translation>Der entfernte Rechner hat die Sitzung beendet.</translation>
    </message>
    <message>
        <source>The remote machine sent an unexpected message.</source>
        <translation>Der entfernte Rechner hat eine unerwartete Nachricht gesendet.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>the remote machine stopped answering</source>
        <translation>der entfernte Rechner antwortet nicht mehr</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>keine rechtzeitige Antwort</translation>
    </message>
    <message>
        <source>The connection to %1 was lost and did not come back within %2 s, as long as the remote machine keeps the session; the card was removed there. Check the network, then connect again.</source>
        <translation>Die Verbindung zu %1 wurde unterbrochen und kam nicht innerhalb von %2 s zurück, so lange hält der entfernte Rechner die Sitzung; die Karte wurde dort entfernt. Prüfen Sie das Netzwerk und verbinden Sie sich dann erneut.</translation>
    </message>
    <message>
        <source>The identity of %1 CHANGED while reconnecting. Accepted before: %2. Presented now: %3. This can mean that someone is intercepting the connection; the session was closed and nothing was sent. Compare with &quot;srad --fingerprint&quot; on the remote machine.</source>
        <translation>Die Identität von %1 hat sich beim Wiederverbinden GEÄNDERT. Früher akzeptiert: %2. Jetzt vorgelegt: %3. Das kann bedeuten, dass jemand die Verbindung abfängt; die Sitzung wurde geschlossen und nichts gesendet. Vergleichen Sie mit „srad --fingerprint“ auf dem entfernten Rechner.</translation>
    </message>
    <message>
        <source>no certificate</source>
        <translation>kein Zertifikat</translation>
    </message>
    <message>
        <source>The remote machine resumed a different session; it was closed.</source>
        <translation>Der entfernte Rechner hat eine andere Sitzung fortgesetzt; sie wurde geschlossen.</translation>
    </message>
</context>
<context>
    <name>sra::core::CardErrors</name>
    <message>
        <source>The smart card service (pcscd) is not running. Start it with &quot;systemctl start pcscd&quot;.</source>
        <translation>Der Chipkartendienst (pcscd) läuft nicht. Starten Sie ihn mit „systemctl start pcscd“.</translation>
    </message>
    <message>
        <source>No smart card reader found. Connect a reader and try again.</source>
        <translation>Kein Chipkarten-Lesegerät gefunden. Schließen Sie ein Lesegerät an und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>No card in the reader. Insert your PIV card.</source>
        <translation>Keine Karte im Lesegerät. Stecken Sie Ihre PIV-Karte ein.</translation>
    </message>
    <message>
        <source>The card was removed during the operation. Insert it again and retry.</source>
        <translation>Die Karte wurde während des Vorgangs entfernt. Stecken Sie sie wieder ein und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Wrong PIN (1 try left before the card is blocked).</source>
        <translation>Falsche PIN (noch 1 Versuch, bevor die Karte gesperrt wird).</translation>
    </message>
    <message>
        <source>Wrong PIN (%1 tries left).</source>
        <translation>Falsche PIN (noch %1 Versuche).</translation>
    </message>
    <message>
        <source>The card&apos;s PIN is blocked. Have it unblocked with the PUK by your card administrator.</source>
        <translation>Die PIN der Karte ist gesperrt. Lassen Sie sie von Ihrer Kartenverwaltung mit der PUK entsperren.</translation>
    </message>
    <message>
        <source>The PIN must be 6 to 8 characters. No try was used.</source>
        <translation>Die PIN muss 6 bis 8 Zeichen lang sein. Es wurde kein Versuch verbraucht.</translation>
    </message>
    <message>
        <source>The card in the reader is not a PIV card.</source>
        <translation>Die Karte im Lesegerät ist keine PIV-Karte.</translation>
    </message>
    <message>
        <source>The card has no key or certificate in that slot.</source>
        <translation>Die Karte hat in diesem Slot keinen Schlüssel und kein Zertifikat.</translation>
    </message>
    <message>
        <source>The card requires PIN verification for this operation.</source>
        <translation>Die Karte verlangt für diesen Vorgang eine PIN-Prüfung.</translation>
    </message>
    <message>
        <source>The card does not support this operation.</source>
        <translation>Die Karte unterstützt diesen Vorgang nicht.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>The card operation failed: %1.</source>
        <translation>Der Kartenvorgang ist fehlgeschlagen: %1.</translation>
    </message>
    <message>
        <source>The card has one PIN try left: the PIN check was not made without your confirmation, so a wrong PIN cannot block the card.</source>
        <translation>Die Karte hat nur noch einen PIN-Versuch: Die PIN-Prüfung wurde ohne Ihre Bestätigung nicht ausgeführt, damit eine falsche PIN die Karte nicht sperren kann.</translation>
    </message>
</context>
<context>
    <name>sra::core::License</name>
    <message numerus="yes">
        <source>This machine is licensed to %1 for %n seat(s) until %2.</source>
        <translation>
            <numerusform>Dieser Rechner ist für %1 mit %n Platz bis %2 lizenziert.</numerusform>
            <numerusform>Dieser Rechner ist für %1 mit %n Plätzen bis %2 lizenziert.</numerusform>
        </translation>
    </message>
    <message>
        <source>This machine has no license. Install the license file from your vendor with sra-setup or in Preferences.</source>
        <translation>Dieser Rechner hat keine Lizenz. Installieren Sie die Lizenzdatei Ihres Anbieters mit sra-setup oder in den Einstellungen.</translation>
    </message>
    <message>
        <source>This machine&apos;s license expired on %1. Install a renewed license with sra-setup or in Preferences.</source>
        <translation>Die Lizenz dieses Rechners ist am %1 abgelaufen. Installieren Sie eine verlängerte Lizenz mit sra-setup oder in den Einstellungen.</translation>
    </message>
    <message>
        <source>This machine&apos;s license is valid only from %1. Check the system date, or install a license that is already valid.</source>
        <translation>Die Lizenz dieses Rechners gilt erst ab %1. Prüfen Sie das Systemdatum oder installieren Sie eine bereits gültige Lizenz.</translation>
    </message>
    <message>
        <source>This machine&apos;s license has an invalid signature: it was altered or not issued by the vendor. Install the original license file from your vendor.</source>
        <translation>Die Lizenz dieses Rechners hat eine ungültige Signatur: Sie wurde verändert oder nicht vom Anbieter ausgestellt. Installieren Sie die Original-Lizenzdatei Ihres Anbieters.</translation>
    </message>
    <message>
        <source>This machine&apos;s license is for another product (%1). Install a Secure Remote Access license.</source>
        <translation>Die Lizenz dieses Rechners gilt für ein anderes Produkt (%1). Installieren Sie eine Lizenz für Secure Remote Access.</translation>
    </message>
    <message>
        <source>This machine&apos;s license file cannot be read (%1). Install the license file from your vendor again.</source>
        <translation>Die Lizenzdatei dieses Rechners ist unlesbar (%1). Installieren Sie die Lizenzdatei Ihres Anbieters erneut.</translation>
    </message>
    <message>
        <source>The remote machine has no license. Install one there with sra-setup or in Preferences.</source>
        <translation>Der entfernte Rechner hat keine Lizenz. Installieren Sie dort eine mit sra-setup oder in den Einstellungen.</translation>
    </message>
    <message>
        <source>The remote machine&apos;s license has expired. Install a renewed license there with sra-setup or in Preferences.</source>
        <translation>Die Lizenz des entfernten Rechners ist abgelaufen. Installieren Sie dort eine verlängerte Lizenz mit sra-setup oder in den Einstellungen.</translation>
    </message>
    <message>
        <source>The remote machine&apos;s license has an invalid signature. Install the original license file from your vendor there.</source>
        <translation>Die Lizenz des entfernten Rechners hat eine ungültige Signatur. Installieren Sie dort die Original-Lizenzdatei Ihres Anbieters.</translation>
    </message>
    <message>
        <source>The remote machine&apos;s license is for another product. Install a Secure Remote Access license there.</source>
        <translation>Die Lizenz des entfernten Rechners gilt für ein anderes Produkt. Installieren Sie dort eine Lizenz für Secure Remote Access.</translation>
    </message>
    <message>
        <source>The remote machine&apos;s license is not valid (unreadable, or not valid yet). Check its date and install the license file from your vendor there again.</source>
        <translation>Die Lizenz des entfernten Rechners ist nicht gültig (unlesbar oder noch nicht gültig). Prüfen Sie dort das Datum und installieren Sie die Lizenzdatei Ihres Anbieters erneut.</translation>
    </message>
</context>
<context>
    <name>sra::core::LicenseInstall</name>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>%1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1 is too large to be a license file; choose the .sralic or .mobileconfig file from your vendor.</source>
        <translation>%1 ist zu groß für eine Lizenzdatei; wählen Sie die .sralic- oder .mobileconfig-Datei Ihres Anbieters.</translation>
    </message>
    <message>
        <source>%1 was not installed: %2</source>
        <translation>%1 wurde nicht installiert: %2</translation>
    </message>
    <message>
        <source>Cannot create the directory %1; check permissions (installing a license normally needs root).</source>
        <translation>Das Verzeichnis %1 kann nicht angelegt werden; prüfen Sie die Berechtigungen (eine Lizenz zu installieren erfordert normalerweise root).</translation>
    </message>
    <message>
        <source>Cannot write %1: %2; check permissions (installing a license normally needs root).</source>
        <translation>%1 kann nicht geschrieben werden: %2; prüfen Sie die Berechtigungen (eine Lizenz zu installieren erfordert normalerweise root).</translation>
    </message>
</context>
<context>
    <name>sra::gui::AddressBook</name>
    <message>
        <source>%1 — %2</source>
        <comment>name — host:port</comment>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>known (%1)</source>
        <comment>the start of a SHA-256 fingerprint</comment>
        <translation>bekannt (%1)</translation>
    </message>
    <message>
        <source>not yet trusted</source>
        <translation>noch nicht vertraut</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Accepted SHA-256 fingerprint: %1</source>
        <translation>Akzeptierter SHA-256-Fingerabdruck: %1</translation>
    </message>
    <message>
        <source>The first connection shows the remote machine&apos;s fingerprint for you to compare.</source>
        <translation>Die erste Verbindung zeigt Ihnen den Fingerabdruck des entfernten Rechners zum Vergleich.</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Entfernter Rechner</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identität</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
</context>
<context>
    <name>sra::gui::AddressBookDialog</name>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Cl&amp;ose</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Address book</source>
        <translation>Adressbuch</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>S&amp;uchen:</translation>
    </message>
    <message>
        <source>Name, address or note</source>
        <translation>Name, Adresse oder Notiz</translation>
    </message>
    <message>
        <source>Remove remote</source>
        <translation>Rechner entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from the address book?</source>
        <translation>%1 aus dem Adressbuch entfernen?</translation>
    </message>
    <message>
        <source>An accepted identity stays in the known hosts (Preferences).</source>
        <translation>Eine akzeptierte Identität bleibt in den bekannten Rechnern (Einstellungen).</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
</context>
<context>
    <name>sra::gui::ApprovalDialog</name>
    <message>
        <source>Use of your card requested</source>
        <translation>Zugriff auf Ihre Karte angefragt</translation>
    </message>
    <message>
        <source>The remote machine %1 asks to use your card:</source>
        <translation>Der entfernte Rechner %1 möchte Ihre Karte verwenden:</translation>
    </message>
    <message>
        <source>Allow it only if you started this on the remote machine. The PIN typed there is checked by your card; refusing costs nothing.</source>
        <translation>Erlauben Sie es nur, wenn Sie den Vorgang auf dem entfernten Rechner selbst gestartet haben. Die dort eingegebene PIN prüft Ihre Karte; ablehnen kostet nichts.</translation>
    </message>
    <message>
        <source>Allow this operation</source>
        <translation>Diesen Vorgang erlauben</translation>
    </message>
    <message>
        <source>Allow for this session</source>
        <translation>Für diese Sitzung erlauben</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>Ablehnen</translation>
    </message>
</context>
<context>
    <name>sra::gui::CardPanel</name>
    <message>
        <source>Smart card</source>
        <translation>Chipkarte</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Slot</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Inhaber</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256-Fingerabdruck</translation>
    </message>
    <message>
        <source>Cardholder:</source>
        <translation>Karteninhaber:</translation>
    </message>
    <message>
        <source>PIN:</source>
        <translation>PIN:</translation>
    </message>
    <message>
        <source>Readers:</source>
        <translation>Lesegeräte:</translation>
    </message>
    <message>
        <source>Certificates:</source>
        <translation>Zertifikate:</translation>
    </message>
    <message>
        <source>9A PIV Authentication</source>
        <translation>9A PIV-Authentisierung</translation>
    </message>
    <message>
        <source>9C Digital Signature</source>
        <translation>9C Digitale Signatur</translation>
    </message>
    <message>
        <source>9D Key Management</source>
        <translation>9D Schlüsselverwaltung</translation>
    </message>
    <message>
        <source>9E Card Authentication</source>
        <translation>9E Kartenauthentisierung</translation>
    </message>
    <message>
        <source>The smart card service (pcscd) is not reachable. Start it (for example &quot;systemctl start pcscd.socket&quot; as root); this window notices when it is back.</source>
        <translation>Der Chipkartendienst (pcscd) ist nicht erreichbar. Starten Sie ihn (zum Beispiel mit „systemctl start pcscd.socket“ als root); dieses Fenster bemerkt, wenn er wieder da ist.</translation>
    </message>
    <message>
        <source>card does not answer — is it inserted the right way round?</source>
        <translation>Karte antwortet nicht – ist sie richtig herum eingesteckt?</translation>
    </message>
    <message>
        <source>card in exclusive use by another program</source>
        <translation>Karte wird von einem anderen Programm exklusiv verwendet</translation>
    </message>
    <message>
        <source>card present</source>
        <translation>Karte eingesteckt</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>leer</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>No reader connected. Plug in a smart-card reader.</source>
        <translation>Kein Lesegerät angeschlossen. Schließen Sie ein Chipkarten-Lesegerät an.</translation>
    </message>
    <message>
        <source>PIV card in %1.</source>
        <translation>PIV-Karte in %1.</translation>
    </message>
    <message>
        <source>(not named in the certificate)</source>
        <translation>(im Zertifikat nicht genannt)</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>blocked — unblock the card with its PUK or ask your card administrator</source>
        <translation>gesperrt – entsperren Sie die Karte mit ihrer PUK oder wenden Sie sich an Ihre Kartenverwaltung</translation>
    </message>
    <message numerus="yes">
        <source>%n tries left</source>
        <translation>
            <numerusform>Noch %n Versuch</numerusform>
            <numerusform>Noch %n Versuche</numerusform>
        </translation>
    </message>
    <message>
        <source>unsupported</source>
        <translation>nicht unterstützt</translation>
    </message>
    <message>
        <source>No card. Insert your PIV card into a reader.</source>
        <translation>Keine Karte. Stecken Sie Ihre PIV-Karte in ein Lesegerät.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>sra::gui::HostKeyChangedDialog</name>
    <message>
        <source>Identity of the remote machine has changed</source>
        <translation>Identität des entfernten Rechners hat sich geändert</translation>
    </message>
    <message>
        <source>&lt;b&gt;The connection to %1 port %2 was stopped.&lt;/b&gt;&lt;br&gt;The remote machine presented a different identity than the one you accepted before. Either its identity was replaced on purpose (for example after &lt;code&gt;sra-setup -g --force&lt;/code&gt; or a reinstallation), or someone is intercepting the connection and your PIN and card would be used against a machine you do not mean to reach.</source>
        <translation>&lt;b&gt;Die Verbindung zu %1 Port %2 wurde gestoppt.&lt;/b&gt;&lt;br&gt;Der entfernte Rechner hat eine andere Identität vorgelegt als die, die Sie früher akzeptiert haben. Entweder wurde seine Identität absichtlich ersetzt (zum Beispiel nach &lt;code&gt;sra-setup -g --force&lt;/code&gt; oder einer Neuinstallation), oder jemand fängt die Verbindung ab, und Ihre PIN und Karte würden gegenüber einem Rechner verwendet, den Sie gar nicht erreichen wollen.</translation>
    </message>
    <message>
        <source>Accepted before:</source>
        <translation>Früher akzeptiert:</translation>
    </message>
    <message>
        <source>Presented now:</source>
        <translation>Jetzt vorgelegt:</translation>
    </message>
    <message>
        <source>Ask the remote machine&apos;s administrator to run &lt;code&gt;srad --fingerprint&lt;/code&gt; there and tell you the result by a channel you trust. Only if it matches the fingerprint presented now, remove the old entry for %1 in Preferences → Known hosts (file %2) and connect again. Otherwise do not connect, and report it.</source>
        <translation>Bitten Sie die Administration des entfernten Rechners, dort &lt;code&gt;srad --fingerprint&lt;/code&gt; auszuführen und Ihnen das Ergebnis über einen vertrauenswürdigen Kanal mitzuteilen. Nur wenn es mit dem jetzt vorgelegten Fingerabdruck übereinstimmt, entfernen Sie den alten Eintrag für %1 unter Einstellungen → Bekannte Rechner (Datei %2) und verbinden Sie sich erneut. Andernfalls verbinden Sie sich nicht und melden Sie den Vorfall.</translation>
    </message>
</context>
<context>
    <name>sra::gui::MainWindow</name>
    <message>
        <source>Secure Remote Access</source>
        <translation>Secure Remote Access</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Secure Remote Access</source>
        <translation>&amp;Über Secure Remote Access</translation>
    </message>
    <message>
        <source>About Secure Remote Access</source>
        <translation>Über Secure Remote Access</translation>
    </message>
    <message>
        <source>&lt;b&gt;Secure Remote Access&lt;/b&gt; %1&lt;br&gt;Work on a remote machine with the PIV smart card in your own reader: sign in with the card, share the remote screen and insert the card into the remote machine.</source>
        <translation>&lt;b&gt;Secure Remote Access&lt;/b&gt; %1&lt;br&gt;Arbeiten Sie auf einem entfernten Rechner mit der PIV-Chipkarte in Ihrem eigenen Lesegerät: mit der Karte anmelden, den entfernten Bildschirm anzeigen und die Karte in den entfernten Rechner stecken.</translation>
    </message>
    <message>
        <source>&amp;Screen Share</source>
        <translation>&amp;Bildschirm anzeigen</translation>
    </message>
    <message>
        <source>&amp;Insert card</source>
        <translation>Karte &amp;einstecken</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>Connect to a &amp;VNC server…</source>
        <translation>Mit einem &amp;VNC-Server verbinden …</translation>
    </message>
    <message>
        <source>%1 — Secure Remote Access</source>
        <translation>%1 – Secure Remote Access</translation>
    </message>
    <message>
        <source>The card is working…</source>
        <translation>Die Karte arbeitet …</translation>
    </message>
    <message>
        <source>Close %1?</source>
        <translation>%1 schließen?</translation>
    </message>
    <message>
        <source>The session with %1 ends and your card is removed from it.</source>
        <translation>Die Sitzung mit %1 endet, und Ihre Karte wird dort entfernt.</translation>
    </message>
    <message>
        <source>New &amp;tab</source>
        <translation>Neuer &amp;Tab</translation>
    </message>
    <message>
        <source>&amp;Close tab</source>
        <translation>Tab &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Remote</source>
        <translation>&amp;Fernrechner</translation>
    </message>
    <message>
        <source>Go to the &amp;address bar</source>
        <translation>Zur &amp;Adresszeile</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>Ctrl+Shift+S</source>
        <translation>Ctrl+Shift+S</translation>
    </message>
    <message>
        <source>Ctrl+Shift+I</source>
        <translation>Ctrl+Shift+I</translation>
    </message>
    <message>
        <source>Re&amp;move card</source>
        <translation>Karte ent&amp;fernen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>Ctrl+Shift+D</source>
        <translation>Ctrl+Shift+D</translation>
    </message>
    <message>
        <source>&amp;Next tab</source>
        <translation>&amp;Nächster Tab</translation>
    </message>
    <message>
        <source>&amp;Previous tab</source>
        <translation>&amp;Vorheriger Tab</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>(no remote screen in this tab)</source>
        <translation>(kein entfernter Bildschirm in diesem Tab)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Any button or menu</source>
        <translation>Jede Schaltfläche und jedes Menü</translation>
    </message>
    <message>
        <source>Alt + its underlined letter</source>
        <translation>Alt + sein unterstrichener Buchstabe</translation>
    </message>
    <message>
        <source>&amp;Address book…</source>
        <translation>&amp;Adressbuch …</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
</context>
<context>
    <name>sra::gui::PinDialog</name>
    <message>
        <source>Card PIN</source>
        <translation>PIN der Karte</translation>
    </message>
    <message>
        <source>Enter the card&apos;s PIN to sign in to %1.</source>
        <translation>Geben Sie die PIN der Karte ein, um sich bei %1 anzumelden.</translation>
    </message>
    <message>
        <source>Enter the PIN of the card of %1 to sign in to %2.</source>
        <translation>Geben Sie die PIN der Karte von %1 ein, um sich bei %2 anzumelden.</translation>
    </message>
    <message>
        <source>The card does not say how many tries are left.</source>
        <translation>Die Karte gibt nicht an, wie viele Versuche übrig sind.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Last try:&lt;/b&gt; one more wrong PIN blocks the card.</source>
        <translation>&lt;b&gt;Letzter Versuch:&lt;/b&gt; Eine weitere falsche PIN sperrt die Karte.</translation>
    </message>
    <message numerus="yes">
        <source>%n tries left before the card is blocked.</source>
        <translation>
            <numerusform>Noch %n Versuch, bevor die Karte gesperrt wird.</numerusform>
            <numerusform>Noch %n Versuche, bevor die Karte gesperrt wird.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
</context>
<context>
    <name>sra::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>License</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>Known hosts</source>
        <translation>Bekannte Rechner</translation>
    </message>
    <message>
        <source>Card relay</source>
        <translation>Kartenweiterleitung</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Licensee:</source>
        <translation>Lizenznehmer:</translation>
    </message>
    <message>
        <source>Valid until:</source>
        <translation>Gültig bis:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>&amp;Import license file…</source>
        <translation>Lizenzdatei &amp;importieren…</translation>
    </message>
    <message>
        <source>A .sralic license file or a .mobileconfig configuration profile from your vendor. It is checked first and installed only if valid; installing needs write access to the configuration directory (normally root).</source>
        <translation>Eine .sralic-Lizenzdatei oder ein .mobileconfig-Konfigurationsprofil Ihres Anbieters. Sie wird zuerst geprüft und nur installiert, wenn sie gültig ist; das Installieren erfordert Schreibrechte im Konfigurationsverzeichnis (normalerweise root).</translation>
    </message>
    <message>
        <source>Not valid</source>
        <translation>Nicht gültig</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Gültig</translation>
    </message>
    <message>
        <source>none in %1</source>
        <translation>keine in %1</translation>
    </message>
    <message>
        <source>Import license</source>
        <translation>Lizenz importieren</translation>
    </message>
    <message>
        <source>Licenses (*.sralic *.mobileconfig);;All files (*)</source>
        <translation>Lizenzen (*.sralic *.mobileconfig);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Installed %1 as %2.</source>
        <translation>%1 als %2 installiert.</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256-Fingerabdruck</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Forget this identity. The next connection shows its fingerprint again for comparison.</source>
        <translation>Diese Identität vergessen. Die nächste Verbindung zeigt ihren Fingerabdruck erneut zum Vergleich.</translation>
    </message>
    <message numerus="yes">
        <source>Remote machines whose identity you accepted (%1). %n line(s) of the file cannot be read; fix or remove them in a text editor.</source>
        <translation>
            <numerusform>Entfernte Rechner, deren Identität Sie akzeptiert haben (%1). %n Zeile der Datei ist unlesbar; korrigieren oder entfernen Sie sie in einem Texteditor.</numerusform>
            <numerusform>Entfernte Rechner, deren Identität Sie akzeptiert haben (%1). %n Zeilen der Datei sind unlesbar; korrigieren oder entfernen Sie sie in einem Texteditor.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remote machines whose identity you accepted (%1).</source>
        <translation>Entfernte Rechner, deren Identität Sie akzeptiert haben (%1).</translation>
    </message>
    <message>
        <source>When you insert your card into a remote machine, its programs may use these keys of the card (PIN checks are always relayed, to the card here). Applies to the next connection.</source>
        <translation>Wenn Sie Ihre Karte in einen entfernten Rechner stecken, dürfen seine Programme diese Schlüssel der Karte verwenden (PIN-Prüfungen werden immer an die Karte hier weitergeleitet). Gilt ab der nächsten Verbindung.</translation>
    </message>
    <message>
        <source>Ask before each operation</source>
        <translation>Vor jedem Vorgang fragen</translation>
    </message>
    <message>
        <source>Allow all operations for the session</source>
        <translation>Alle Vorgänge für die Sitzung erlauben</translation>
    </message>
    <message>
        <source>Approval:</source>
        <translation>Freigabe:</translation>
    </message>
    <message>
        <source>A PIN check when the card has only one try left is always asked for.</source>
        <translation>Eine PIN-Prüfung, wenn die Karte nur noch einen Versuch hat, wird immer erfragt.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <source>The language changes when Secure Remote Access is started again.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von Secure Remote Access.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
</context>
<context>
    <name>sra::gui::RelayLogView</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Requester</source>
        <translation>Anfragender</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>done</source>
        <translation>ausgeführt</translation>
    </message>
    <message>
        <source>wrong PIN</source>
        <translation>falsche PIN</translation>
    </message>
    <message>
        <source>PIN blocked</source>
        <translation>PIN gesperrt</translation>
    </message>
    <message>
        <source>refused: no PIN verified from the remote</source>
        <translation>abgelehnt: keine PIN vom entfernten Rechner bestätigt</translation>
    </message>
    <message>
        <source>refused by the relay policy</source>
        <translation>von den Weiterleitungsregeln abgelehnt</translation>
    </message>
    <message>
        <source>refused by you</source>
        <translation>von Ihnen abgelehnt</translation>
    </message>
    <message>
        <source>no card</source>
        <translation>keine Karte</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>Zeit abgelaufen</translation>
    </message>
    <message>
        <source>malformed request</source>
        <translation>fehlerhafte Anfrage</translation>
    </message>
    <message>
        <source>card error</source>
        <translation>Kartenfehler</translation>
    </message>
    <message>
        <source>unknown result</source>
        <translation>unbekanntes Ergebnis</translation>
    </message>
    <message>
        <source>PIN check</source>
        <translation>PIN-Prüfung</translation>
    </message>
    <message>
        <source>signature, slot %1</source>
        <translation>Signatur, Slot %1</translation>
    </message>
</context>
<context>
    <name>sra::gui::RemoteEditDialog</name>
    <message>
        <source>Edit remote</source>
        <translation>Entfernten Rechner bearbeiten</translation>
    </message>
    <message>
        <source>Add remote</source>
        <translation>Entfernten Rechner hinzufügen</translation>
    </message>
    <message>
        <source>e.g. Reception PC</source>
        <translation>z. B. PC am Empfang</translation>
    </message>
    <message>
        <source>host or host:port (port 4116 by default)</source>
        <translation>Rechner oder Rechner:Port (Standardport 4116)</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Add&amp;ress:</source>
        <translation>A&amp;dresse:</translation>
    </message>
    <message>
        <source>N&amp;ote:</source>
        <translation>N&amp;otiz:</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Enter the remote machine&apos;s host name or address.</source>
        <translation>Geben Sie den Rechnernamen oder die Adresse des entfernten Rechners ein.</translation>
    </message>
    <message>
        <source>“%1” is not a host name or address with an optional port (1–65535), such as pc1.example.org, 192.0.2.10:4117 or [2001:db8::1]:4117.</source>
        <translation>„%1“ ist kein Rechnername und keine Adresse mit optionalem Port (1–65535) wie pc1.example.org, 192.0.2.10:4117 oder [2001:db8::1]:4117.</translation>
    </message>
    <message>
        <source>%1 is already in the address book as a recent remote; saving names it.</source>
        <translation>%1 steht bereits als zuletzt verwendeter Rechner im Adressbuch; Speichern gibt ihm einen Namen.</translation>
    </message>
    <message>
        <source>%1 is already saved as “%2”; saving replaces that entry.</source>
        <translation>%1 ist bereits als „%2“ gespeichert; Speichern ersetzt diesen Eintrag.</translation>
    </message>
</context>
<context>
    <name>sra::gui::RemoteTab</name>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>New remote</source>
        <translation>Neuer Fernrechner</translation>
    </message>
    <message>
        <source>%1 (reconnecting)</source>
        <translation>%1 (verbindet neu)</translation>
    </message>
    <message>
        <source>%1 (connecting)</source>
        <translation>%1 (verbindet)</translation>
    </message>
    <message>
        <source>%1 (closed)</source>
        <translation>%1 (geschlossen)</translation>
    </message>
    <message>
        <source>No usable PIV card: insert your card into a reader, then connect again.</source>
        <translation>Keine verwendbare PIV-Karte: Stecken Sie Ihre Karte in ein Lesegerät und verbinden Sie sich dann erneut.</translation>
    </message>
    <message>
        <source>Trusting %1 on first use, as the command line asked (SHA-256 %2).</source>
        <translation>%1 wird bei der ersten Verbindung vertraut, wie auf der Befehlszeile verlangt (SHA-256 %2).</translation>
    </message>
    <message>
        <source>Card inserted, but it logs in as no account on %1: %2</source>
        <translation>Karte eingesteckt, aber sie meldet auf %1 kein Konto an: %2</translation>
    </message>
    <message>
        <source>Card inserted: on %1 it logs in as %2 (%3).</source>
        <translation>Karte eingesteckt: Auf %1 meldet sie das Konto %2 an (%3).</translation>
    </message>
    <message>
        <source>Card inserted into %1: programs there can use it now; every use is asked for or logged below.</source>
        <translation>Karte in %1 eingesteckt: Programme dort können sie jetzt verwenden; jede Verwendung wird erfragt oder unten protokolliert.</translation>
    </message>
    <message>
        <source>The card could not be inserted into %1: %2</source>
        <translation>Die Karte konnte nicht in %1 eingesteckt werden: %2</translation>
    </message>
    <message>
        <source>Waiting for your card to connect to %1…</source>
        <translation>Warten auf Ihre Karte, um sich mit %1 zu verbinden …</translation>
    </message>
    <message>
        <source>Connecting to %1 port %2…</source>
        <translation>Verbinde mit %1 Port %2…</translation>
    </message>
    <message>
        <source>Check the identity of %1: compare the fingerprint with the remote machine&apos;s.</source>
        <translation>Prüfen Sie die Identität von %1: Vergleichen Sie den Fingerabdruck mit dem des entfernten Rechners.</translation>
    </message>
    <message>
        <source>Identity of %1 trusted; starting to sign in…</source>
        <translation>Identität von %1 vertraut; Anmeldung beginnt…</translation>
    </message>
    <message>
        <source>Waiting for the card&apos;s PIN…</source>
        <translation>Warte auf die PIN der Karte…</translation>
    </message>
    <message>
        <source>Signing in with the card…</source>
        <translation>Anmeldung mit der Karte…</translation>
    </message>
    <message>
        <source>The remote machine is checking the signature…</source>
        <translation>Der entfernte Rechner prüft die Signatur…</translation>
    </message>
    <message>
        <source>Authenticated to %1 as %2 (session %3).</source>
        <translation>Bei %1 als %2 angemeldet (Sitzung %3).</translation>
    </message>
    <message>
        <source>The connection to %1 dropped (%2). Reconnecting… The remote machine keeps your card inserted for %3 s.</source>
        <translation>Die Verbindung zu %1 ist abgebrochen (%2). Verbinde neu … Der entfernte Rechner behält Ihre Karte %3 s lang eingesteckt.</translation>
    </message>
    <message>
        <source>The connection to %1 dropped (%2). Reconnecting… The remote machine keeps the session for %3 s.</source>
        <translation>Die Verbindung zu %1 ist abgebrochen (%2). Verbinde neu … Der entfernte Rechner hält die Sitzung %3 s lang.</translation>
    </message>
    <message>
        <source>Reconnecting to %1…</source>
        <translation>Verbinde neu mit %1 …</translation>
    </message>
    <message>
        <source>Reconnected to %1 after %2 s; the session and the inserted card went on.</source>
        <translation>Nach %2 s wieder mit %1 verbunden; die Sitzung und die eingesteckte Karte liefen weiter.</translation>
    </message>
    <message>
        <source>Connection to %1 cancelled.</source>
        <translation>Verbindung zu %1 abgebrochen.</translation>
    </message>
    <message>
        <source>Disconnected from %1.</source>
        <translation>Von %1 getrennt.</translation>
    </message>
    <message>
        <source>Reading the card to insert it into %1…</source>
        <translation>Die Karte wird gelesen, um sie in %1 einzustecken…</translation>
    </message>
    <message>
        <source>The card leaves %1 as soon as the connection is back.</source>
        <translation>Die Karte wird aus %1 entfernt, sobald die Verbindung wieder steht.</translation>
    </message>
    <message>
        <source>Card removed from %1.</source>
        <translation>Karte aus %1 gezogen.</translation>
    </message>
    <message>
        <source>Opening the screen stream…</source>
        <translation>Die Bildschirmverbindung wird geöffnet …</translation>
    </message>
    <message>
        <source>The remote screen could not be requested: the session is not ready. Connect again.</source>
        <translation>Der entfernte Bildschirm konnte nicht angefordert werden: Die Sitzung ist nicht bereit. Verbinden Sie sich erneut.</translation>
    </message>
    <message>
        <source>Asking the remote for its screen…</source>
        <translation>Der entfernte Rechner wird um seinen Bildschirm gebeten …</translation>
    </message>
    <message>
        <source>Showing the screen of %1.</source>
        <translation>Bildschirm von %1 wird angezeigt.</translation>
    </message>
    <message>
        <source>A remote screen is already shown: close it first (Disconnect, or end the direct VNC view).</source>
        <translation>Es wird bereits ein entfernter Bildschirm angezeigt: Schließen Sie ihn zuerst (Trennen oder die direkte VNC-Ansicht beenden).</translation>
    </message>
    <message>
        <source>Connecting to the VNC server %1…</source>
        <translation>Verbindung zum VNC-Server %1 wird hergestellt …</translation>
    </message>
    <message>
        <source>The remote screen was closed: %1</source>
        <translation>Der entfernte Bildschirm wurde geschlossen: %1</translation>
    </message>
    <message>
        <source>host or host:port (port 4116 by default)</source>
        <translation>Rechner oder Rechner:Port (Standardport 4116)</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>&amp;Screen Share</source>
        <translation>&amp;Bildschirm anzeigen</translation>
    </message>
    <message>
        <source>Show the remote screen in this window (a one-time password, through the authenticated connection).</source>
        <translation>Den Bildschirm des entfernten Rechners in diesem Fenster zeigen (mit Einmalpasswort, über die authentifizierte Verbindung).</translation>
    </message>
    <message>
        <source>&amp;Insert card</source>
        <translation>Karte &amp;einstecken</translation>
    </message>
    <message>
        <source>Let the remote machine use your card: its programs see a card reader with your card, and every PIN check and signature is done by the card here.</source>
        <translation>Den entfernten Rechner Ihre Karte verwenden lassen: Seine Programme sehen ein Lesegerät mit Ihrer Karte, und jede PIN-Prüfung und Signatur führt die Karte hier aus.</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>The remote screen appears here when you share it.</source>
        <translation>Der entfernte Bildschirm erscheint hier, wenn Sie ihn anzeigen lassen.</translation>
    </message>
    <message>
        <source>Operations this remote machine had your card do:</source>
        <translation>Vorgänge, die dieser entfernte Rechner von Ihrer Karte ausführen ließ:</translation>
    </message>
    <message>
        <source>Remote &amp;machine:</source>
        <translation>Entfernter &amp;Rechner:</translation>
    </message>
    <message>
        <source>Rem&amp;ove card</source>
        <translation>Karte ent&amp;fernen</translation>
    </message>
</context>
<context>
    <name>sra::gui::TrustDialog</name>
    <message>
        <source>Unknown remote machine</source>
        <translation>Unbekannter entfernter Rechner</translation>
    </message>
    <message>
        <source>This is the first connection to &lt;b&gt;%1&lt;/b&gt; port %2. Its identity is not known yet.</source>
        <translation>Dies ist die erste Verbindung zu &lt;b&gt;%1&lt;/b&gt; Port %2. Seine Identität ist noch nicht bekannt.</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint presented by the remote machine:</source>
        <translation>Vom entfernten Rechner vorgelegter SHA-256-Fingerabdruck:</translation>
    </message>
    <message>
        <source>Compare it with what the remote machine itself reports: ask its administrator to run &lt;code&gt;srad --fingerprint&lt;/code&gt; there (or read the fingerprint &lt;code&gt;sra-setup -g&lt;/code&gt; printed) and tell you by a channel you trust, such as the phone. Trust it only if every character matches. If it does not match, someone may be intercepting the connection: cancel.</source>
        <translation>Vergleichen Sie ihn mit dem, was der entfernte Rechner selbst meldet: Bitten Sie seine Administration, dort &lt;code&gt;srad --fingerprint&lt;/code&gt; auszuführen (oder den Fingerabdruck abzulesen, den &lt;code&gt;sra-setup -g&lt;/code&gt; ausgegeben hat) und Ihnen das Ergebnis über einen vertrauenswürdigen Kanal mitzuteilen, etwa telefonisch. Vertrauen Sie ihm nur, wenn jedes Zeichen übereinstimmt. Stimmt er nicht überein, fängt womöglich jemand die Verbindung ab: Brechen Sie ab.</translation>
    </message>
    <message>
        <source>Trust and connect</source>
        <translation>Vertrauen und verbinden</translation>
    </message>
</context>
</TS>
