#pragma once

namespace sra::base {

// The value of the environment variable `name`, or nullptr when it is unset — and always nullptr when this
// process runs in secure-execution mode (the kernel's AT_SECURE: a setuid or setgid program, or one that gained
// file capabilities). Every environment variable the Qt-free code reads goes through here.
//
// Why: the PKCS#11 module is loaded into setuid programs (sudo, su, login through pam_pkcs11), and there the
// environment belongs to the unprivileged user who started them. `SRA_LOCAL_SOCKET=/tmp/evil sudo true` must
// not make sudo's PAM stack send the PIN typed into it to a socket of that user's choosing, nor may the
// variables that turn on debug output or change deadlines reach into a privileged process. glibc's
// secure_getenv() is getenv() outside secure-execution mode, so srad's own units, pcscd (started by systemd
// with the environment it is given) and the tests keep what they set.
const char* trustedGetenv(const char* name) noexcept;

} // namespace sra::base
