# Compiler options as INTERFACE targets so that each component chooses what applies to it: the C-ABI
# modules (pcscd driver, PKCS#11 module) need hidden visibility and no Qt, the Qt code needs Qt's strictness
# defines. Nothing here touches CMAKE_CXX_FLAGS.

add_library(sra_warnings INTERFACE)
target_compile_options(sra_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wundef -Wpointer-arith -Wformat=2 -Wcast-align -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Wshadow -Wimplicit-fallthrough
    $<$<BOOL:${SRA_WERROR}>:-Werror>)

# Stricter conversions for the Qt-free byte-level code (parsers, C ABI modules).
add_library(sra_strict_conversions INTERFACE)
target_compile_options(sra_strict_conversions INTERFACE -Wconversion -Wsign-conversion)

add_library(sra_hardening INTERFACE)
target_compile_options(sra_hardening INTERFACE
    -fstack-protector-strong -fno-common -fstack-clash-protection
    $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
target_link_options(sra_hardening INTERFACE -Wl,-z,relro,-z,now -Wl,--as-needed)

# Qt strictness: every literal must choose tr() (user-facing) or QStringLiteral (internal).
add_library(sra_qt_defaults INTERFACE)
target_compile_definitions(sra_qt_defaults INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_KEYWORDS QT_NO_FOREACH QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING QT_STRICT_ITERATORS QT_DISABLE_DEPRECATED_BEFORE=0x060400)

add_library(sra_sanitizers INTERFACE)
if(SRA_SANITIZE)
    list(JOIN SRA_SANITIZE "," _sra_san)
    target_compile_options(sra_sanitizers INTERFACE -fsanitize=${_sra_san} -fno-omit-frame-pointer)
    target_link_options(sra_sanitizers INTERFACE -fsanitize=${_sra_san})
endif()
add_feature_info(Sanitizers SRA_SANITIZE "sanitizers: ${SRA_SANITIZE}")

# Everything the project compiles links this bundle; Qt targets add sra_qt_defaults.
add_library(sra_common INTERFACE)
target_link_libraries(sra_common INTERFACE sra_warnings sra_hardening sra_sanitizers)
