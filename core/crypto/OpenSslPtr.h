#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sra::crypto {

// One deleter for every OpenSSL object the project owns, so each early return frees what it allocated:
// `Owned<X509> cert(d2i_X509(...))`. Qt-free and header-only, for the C-ABI modules as well.
struct OpenSslFree
{
    void operator()(ASN1_INTEGER* p) const noexcept
    {
        ASN1_INTEGER_free(p);
    }

    void operator()(BIGNUM* p) const noexcept
    {
        BN_free(p);
    }

    void operator()(BIO* p) const noexcept
    {
        BIO_free(p);
    }

    void operator()(CMS_ContentInfo* p) const noexcept
    {
        CMS_ContentInfo_free(p);
    }

    void operator()(EVP_MD_CTX* p) const noexcept
    {
        EVP_MD_CTX_free(p);
    }

    void operator()(EVP_PKEY* p) const noexcept
    {
        EVP_PKEY_free(p);
    }

    void operator()(EVP_PKEY_CTX* p) const noexcept
    {
        EVP_PKEY_CTX_free(p);
    }

    void operator()(GENERAL_NAMES* p) const noexcept
    {
        GENERAL_NAMES_free(p);
    }

    void operator()(X509* p) const noexcept
    {
        X509_free(p);
    }

    void operator()(X509_EXTENSION* p) const noexcept
    {
        X509_EXTENSION_free(p);
    }

    void operator()(X509_NAME* p) const noexcept
    {
        X509_NAME_free(p);
    }

    void operator()(X509_STORE* p) const noexcept
    {
        X509_STORE_free(p);
    }

    void operator()(X509_STORE_CTX* p) const noexcept
    {
        X509_STORE_CTX_free(p);
    }
};

template <typename T>
using Owned = std::unique_ptr<T, OpenSslFree>;

} // namespace sra::crypto
