// Prints, one "key=value" line each, what the code loaded into a program sees of that program's environment:
//
//   sra-secure-exec-probe env            secure=0|1 (the kernel's AT_SECURE), socket=<local::defaultSocketPath()>,
//                                        then <NAME>=<base::trustedGetenv(NAME)> or <NAME> unset, for every
//                                        variable the PKCS#11 module and the pcscd driver read
//   sra-secure-exec-probe pkcs11 MODULE  secure=0|1, then the return value of each call of a PKCS#11 module
//                                        dlopen'ed as pam_pkcs11 does in sudo: C_Initialize, C_GetSlotList
//                                        (and slots=<count>), C_Finalize
//
// Exit status 0, 1 when the module cannot be loaded, 2 for a wrong command line.

#include "core/base/Environment.h"
#include "core/local/LocalChannelClient.h"
#include "ctk/Pkcs11Api.h"

#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <sys/auxv.h>

namespace {

constexpr const char* kVariables[] = {
    "SRA_LOCAL_SOCKET", "SRA_PKCS11_DEBUG", "SRA_IFD_LOG", "SRA_IFD_RELAY_TIMEOUT_MS"};

void printSecure()
{
    // Read from the kernel directly, not through the code under test, so the test knows the mode it set up.
    std::printf("secure=%lu\n", ::getauxval(AT_SECURE));
}

int printEnvironment()
{
    printSecure();
    std::printf("socket=%s\n", sra::local::defaultSocketPath().c_str());
    for (const char* name : kVariables) {
        if (const char* value = sra::base::trustedGetenv(name)) {
            std::printf("%s=%s\n", name, value);
        } else {
            std::printf("%s unset\n", name);
        }
    }
    return 0;
}

int usePkcs11Module(const char* path)
{
    printSecure();
    void* handle = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        std::fprintf(stderr, "sra-secure-exec-probe: %s\n", ::dlerror());
        return 1;
    }
    auto getFunctionList = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
    CK_FUNCTION_LIST_PTR functions = nullptr;
    if (getFunctionList == nullptr || getFunctionList(&functions) != CKR_OK || functions == nullptr) {
        std::fprintf(stderr, "sra-secure-exec-probe: %s has no usable C_GetFunctionList\n", path);
        ::dlclose(handle);
        return 1;
    }
    // C_Initialize starts the module's connection to srad's local socket; C_GetSlotList is what a login
    // module asks first.
    std::printf("C_Initialize=%lu\n", functions->C_Initialize(nullptr));
    CK_ULONG count = 0;
    std::printf("C_GetSlotList=%lu\n", functions->C_GetSlotList(CK_FALSE, nullptr, &count));
    std::printf("slots=%lu\n", count);
    std::printf("C_Finalize=%lu\n", functions->C_Finalize(nullptr));
    std::fflush(stdout);
    ::dlclose(handle);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && std::strcmp(argv[1], "env") == 0) {
        return printEnvironment();
    }
    if (argc == 3 && std::strcmp(argv[1], "pkcs11") == 0) {
        return usePkcs11Module(argv[2]);
    }
    std::fprintf(stderr, "usage: sra-secure-exec-probe env | pkcs11 MODULE\n");
    return 2;
}
