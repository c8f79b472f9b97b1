# The facts of this build that programs, units and module files share: the version, the directories srad and
# sra-setup use, the local sockets, and where the programs and modules are installed. Each is set once here;
# core/base/BuildConfig.h.in makes them a C/C++ header (build/generated/core/base/BuildConfig.h, through
# sra_base), and the configure_file()d systemd units, reader.conf and p11-kit module file take the same
# variables.

set(SRA_DIR_NAME secure-remote-access)
# Where srad looks, whatever the install prefix: the package's conffile, state and runtime directories (the
# unit's ConfigurationDirectory=, StateDirectory=, RuntimeDirectory=). sra-setup --root puts them under a root.
set(SRA_CONFIG_DIR /etc/${SRA_DIR_NAME})
set(SRA_STATE_DIR /var/lib/${SRA_DIR_NAME})
set(SRA_RUNTIME_DIR /run/${SRA_DIR_NAME})
# srad's local card channel (the pcscd driver and the PKCS#11 module connect to it) and the screen agents' socket.
set(SRA_LOCAL_SOCKET_PATH ${SRA_RUNTIME_DIR}/local.sock)
set(SRA_AGENT_SOCKET_PATH ${SRA_RUNTIME_DIR}/screen-agent.sock)
# Installed programs and modules, under the prefix (/usr for the packages).
set(SRA_SRAD_PATH ${CMAKE_INSTALL_FULL_SBINDIR}/srad)
set(SRA_SCREEN_AGENT_PATH ${CMAKE_INSTALL_FULL_BINDIR}/sra-screen-agent)
set(SRA_PKCS11_MODULE_PATH ${CMAKE_INSTALL_FULL_LIBDIR}/pkcs11/libsra-pkcs11.so)
