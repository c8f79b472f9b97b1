<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>sra::core</name>
    <message>
        <source>The remote machine refused a message from this program. Make sure both sides run the same Secure Remote Access version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine runs an incompatible Secure Remote Access version. Update one side.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine closed the connection because authentication took too long. Connect again and enter the PIN promptly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine is busy with other connection attempts. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine no longer holds this session: the connection was away longer than it waits (its [network] resume_grace_ms), or srad restarted. The card was removed there; connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine does not accept your card&apos;s certificate (unsupported or invalid).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your card&apos;s certificate is expired or not yet valid. Have the card renewed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your card&apos;s certificate was not issued by a certificate authority the remote machine trusts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your card is not paired with an account on the remote machine. Ask its administrator to run &quot;sra-setup pair --user NAME --cert FILE&quot; with your certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine could not verify the card&apos;s signature. Connect again; if it persists, the connection may be intercepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Screen sharing is not set up on the remote machine. Its administrator can enable it with &quot;sra-setup -s&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine could not start screen sharing (the VNC server failed). See its log (journalctl -u srad).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Screen sharing is already running in this session. Close the open screen first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is logged in on the remote machine&apos;s screen: no desktop session agent is connected. Someone must log in on its console (the agent starts with the session), or run sra-screen-agent there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine refused the card: the objects read from it are malformed or not a PIV card&apos;s. The card is not inserted there; the session goes on. Check the card with &quot;sra-card list&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine refused the screen stream: its one-time ticket is unknown, expired or already used. Request the screen again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine reported an internal error. See its log (journalctl -u srad).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::core::AdminCardRelay</name>
    <message>
        <source>PIN check for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signature with slot %1 (%2) for %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — the card has ONE PIN try left</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::core::AdminController</name>
    <message>
        <source>A session with %1 is still open; disconnect first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the remote machine as host or host:port, for example server.example.org or 192.0.2.7:4116.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an address: give a host name or IP address, optionally with :port (1-65535); IPv6 addresses with a port go in brackets, as [2001:db8::7]:4116.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No usable PIV card: insert your card into a reader, then connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) of the known hosts file cannot be read; fix or remove them before accepting new identities automatically.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The card was pulled: it was removed from the remote machine and the session ended. Insert the card and connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card was pulled while signing in. Insert the card and connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card was pulled while the connection was down: the session ended. The remote machine removes the card when it stops waiting for this session (at most %1 s).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::core::AdminSession</name>
    <message>
        <source>The remote machine did not answer in time. Check that srad is running there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a host name or address. Enter host or host:port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No PIV card with an authentication certificate is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection to %1 failed (%2). The remote must run srad with TLS 1.3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot connect to %1 port %2: %3. Check the address and that srad runs there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to %1 was lost: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 presented no certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The identity of %1 has CHANGED. Accepted before: %2. Presented now: %3. This can mean that someone is intercepting the connection. Compare with &quot;srad --fingerprint&quot; on the remote machine; only if the remote was reinstalled or its identity regenerated, remove the old entry from the known hosts and connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You did not accept the identity of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The random number generator failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal error: could not encode a message (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine sent an invalid message (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine does not speak the SRA protocol (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine ended the session.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine sent an unexpected message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the remote machine stopped answering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to %1 was lost and did not come back within %2 s, as long as the remote machine keeps the session; the card was removed there. Check the network, then connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The identity of %1 CHANGED while reconnecting. Accepted before: %2. Presented now: %3. This can mean that someone is intercepting the connection; the session was closed and nothing was sent. Compare with &quot;srad --fingerprint&quot; on the remote machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine resumed a different session; it was closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::core::CardErrors</name>
    <message>
        <source>The smart card service (pcscd) is not running. Start it with &quot;systemctl start pcscd&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No smart card reader found. Connect a reader and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No card in the reader. Insert your PIV card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card was removed during the operation. Insert it again and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong PIN (1 try left before the card is blocked).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong PIN (%1 tries left).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card&apos;s PIN is blocked. Have it unblocked with the PUK by your card administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PIN must be 6 to 8 characters. No try was used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card in the reader is not a PIV card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card has no key or certificate in that slot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card requires PIN verification for this operation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card does not support this operation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card operation failed: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card has one PIN try left: the PIN check was not made without your confirmation, so a wrong PIN cannot block the card.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::core::License</name>
    <message numerus="yes">
        <source>This machine is licensed to %1 for %n seat(s) until %2.</source>
        <translation>
            <numerusform>This machine is licensed to %1 for %n seat until %2.</numerusform>
            <numerusform>This machine is licensed to %1 for %n seats until %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>This machine has no license. Install the license file from your vendor with sra-setup or in Preferences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine&apos;s license expired on %1. Install a renewed license with sra-setup or in Preferences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine&apos;s license is valid only from %1. Check the system date, or install a license that is already valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine&apos;s license has an invalid signature: it was altered or not issued by the vendor. Install the original license file from your vendor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine&apos;s license is for another product (%1). Install a Secure Remote Access license.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine&apos;s license file cannot be read (%1). Install the license file from your vendor again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine has no license. Install one there with sra-setup or in Preferences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine&apos;s license has expired. Install a renewed license there with sra-setup or in Preferences.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine&apos;s license has an invalid signature. Install the original license file from your vendor there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine&apos;s license is for another product. Install a Secure Remote Access license there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine&apos;s license is not valid (unreadable, or not valid yet). Check its date and install the license file from your vendor there again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::core::LicenseInstall</name>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is too large to be a license file; choose the .sralic or .mobileconfig file from your vendor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was not installed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the directory %1; check permissions (installing a license normally needs root).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2; check permissions (installing a license normally needs root).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::AddressBook</name>
    <message>
        <source>%1 — %2</source>
        <comment>name — host:port</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>known (%1)</source>
        <comment>the start of a SHA-256 fingerprint</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not yet trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accepted SHA-256 fingerprint: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first connection shows the remote machine&apos;s fingerprint for you to compare.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::AddressBookDialog</name>
    <message>
        <source>&amp;Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cl&amp;ose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address book</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name, address or note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1 from the address book?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An accepted identity stays in the known hosts (Preferences).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::ApprovalDialog</name>
    <message>
        <source>Use of your card requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine %1 asks to use your card:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow it only if you started this on the remote machine. The PIN typed there is checked by your card; refusing costs nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow this operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow for this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::CardPanel</name>
    <message>
        <source>Smart card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cardholder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Readers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>9A PIV Authentication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>9C Digital Signature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>9D Key Management</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>9E Card Authentication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The smart card service (pcscd) is not reachable. Start it (for example &quot;systemctl start pcscd.socket&quot; as root); this window notices when it is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>card does not answer — is it inserted the right way round?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>card in exclusive use by another program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>card present</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No reader connected. Plug in a smart-card reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIV card in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not named in the certificate)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>blocked — unblock the card with its PUK or ask your card administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tries left</source>
        <translation>
            <numerusform>%n try left</numerusform>
            <numerusform>%n tries left</numerusform>
        </translation>
    </message>
    <message>
        <source>unsupported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No card. Insert your PIV card into a reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::HostKeyChangedDialog</name>
    <message>
        <source>Identity of the remote machine has changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;The connection to %1 port %2 was stopped.&lt;/b&gt;&lt;br&gt;The remote machine presented a different identity than the one you accepted before. Either its identity was replaced on purpose (for example after &lt;code&gt;sra-setup -g --force&lt;/code&gt; or a reinstallation), or someone is intercepting the connection and your PIN and card would be used against a machine you do not mean to reach.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accepted before:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Presented now:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask the remote machine&apos;s administrator to run &lt;code&gt;srad --fingerprint&lt;/code&gt; there and tell you the result by a channel you trust. Only if it matches the fingerprint presented now, remove the old entry for %1 in Preferences → Known hosts (file %2) and connect again. Otherwise do not connect, and report it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::MainWindow</name>
    <message>
        <source>Secure Remote Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Secure Remote Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Secure Remote Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Secure Remote Access&lt;/b&gt; %1&lt;br&gt;Work on a remote machine with the PIV smart card in your own reader: sign in with the card, share the remote screen and insert the card into the remote machine.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Screen Share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Insert card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a &amp;VNC server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — Secure Remote Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card is working…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The session with %1 ends and your card is removed from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to the &amp;address bar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+S</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+I</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+D</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Next tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Previous tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no remote screen in this tab)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any button or menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alt + its underlined letter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Address book…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::PinDialog</name>
    <message>
        <source>Card PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the card&apos;s PIN to sign in to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the PIN of the card of %1 to sign in to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card does not say how many tries are left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Last try:&lt;/b&gt; one more wrong PIN blocks the card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tries left before the card is blocked.</source>
        <translation>
            <numerusform>%n try left before the card is blocked.</numerusform>
            <numerusform>%n tries left before the card is blocked.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>License</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Known hosts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card relay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licensee:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid until:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import license file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A .sralic license file or a .mobileconfig configuration profile from your vendor. It is checked first and installed only if valid; installing needs write access to the configuration directory (normally root).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import license</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licenses (*.sralic *.mobileconfig);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Installed %1 as %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget this identity. The next connection shows its fingerprint again for comparison.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Remote machines whose identity you accepted (%1). %n line(s) of the file cannot be read; fix or remove them in a text editor.</source>
        <translation>
            <numerusform>Remote machines whose identity you accepted (%1). %n line of the file cannot be read; fix or remove it in a text editor.</numerusform>
            <numerusform>Remote machines whose identity you accepted (%1). %n lines of the file cannot be read; fix or remove them in a text editor.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remote machines whose identity you accepted (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When you insert your card into a remote machine, its programs may use these keys of the card (PIN checks are always relayed, to the card here). Applies to the next connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask before each operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allow all operations for the session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approval:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PIN check when the card has only one try left is always asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The language changes when Secure Remote Access is started again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::RelayLogView</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requester</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wrong PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused: no PIN verified from the remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused by the relay policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refused by you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>timed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>malformed request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>card error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signature, slot %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::RemoteEditDialog</name>
    <message>
        <source>Edit remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Reception PC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host or host:port (port 4116 by default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add&amp;ress:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N&amp;ote:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the remote machine&apos;s host name or address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a host name or address with an optional port (1–65535), such as pc1.example.org, 192.0.2.10:4117 or [2001:db8::1]:4117.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already in the address book as a recent remote; saving names it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is already saved as “%2”; saving replaces that entry.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::RemoteTab</name>
    <message>
        <source>Not connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (reconnecting)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (connecting)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (closed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No usable PIV card: insert your card into a reader, then connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trusting %1 on first use, as the command line asked (SHA-256 %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card inserted, but it logs in as no account on %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card inserted: on %1 it logs in as %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card inserted into %1: programs there can use it now; every use is asked for or logged below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card could not be inserted into %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for your card to connect to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %1 port %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the identity of %1: compare the fingerprint with the remote machine&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identity of %1 trusted; starting to sign in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the card&apos;s PIN…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in with the card…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote machine is checking the signature…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authenticated to %1 as %2 (session %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to %1 dropped (%2). Reconnecting… The remote machine keeps your card inserted for %3 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to %1 dropped (%2). Reconnecting… The remote machine keeps the session for %3 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnected to %1 after %2 s; the session and the inserted card went on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection to %1 cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected from %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the card to insert it into %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card leaves %1 as soon as the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card removed from %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the screen stream…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote screen could not be requested: the session is not ready. Connect again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking the remote for its screen…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Showing the screen of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A remote screen is already shown: close it first (Disconnect, or end the direct VNC view).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the VNC server %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote screen was closed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host or host:port (port 4116 by default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Screen Share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the remote screen in this window (a one-time password, through the authenticated connection).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Insert card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the remote machine use your card: its programs see a card reader with your card, and every PIN check and signature is done by the card here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The remote screen appears here when you share it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operations this remote machine had your card do:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remote &amp;machine:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rem&amp;ove card</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sra::gui::TrustDialog</name>
    <message>
        <source>Unknown remote machine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is the first connection to &lt;b&gt;%1&lt;/b&gt; port %2. Its identity is not known yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 fingerprint presented by the remote machine:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare it with what the remote machine itself reports: ask its administrator to run &lt;code&gt;srad --fingerprint&lt;/code&gt; there (or read the fingerprint &lt;code&gt;sra-setup -g&lt;/code&gt; printed) and tell you by a channel you trust, such as the phone. Trust it only if every character matches. If it does not match, someone may be intercepting the connection: cancel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust and connect</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
