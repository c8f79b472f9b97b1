// The PKCS#11 module's view of srad's CardStatus (ctk::parseCardContents): input = 2-byte big-endian length
// of CardObjects, CardObjects, then KeyAlgorithms (the layout of fuzz_card_objects, so the seeds are shared in
// spirit). Whatever it accepts must describe usable keys: OpenSC's CKA_ID numbering, a certificate, public-key
// data of the key's type, a signing input of exactly the card's size; a card answer of arbitrary bytes must
// turn into a signature of the announced size or be refused.

#include "core/piv/PivObjects.h"
#include "ctk/CardToken.h"

#include <cstddef>
#include <cstdint>

using namespace sra;

namespace {

void check(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) {
        return 0;
    }
    const std::size_t objectsLength = (std::size_t{data[0]} << 8) | data[1];
    if (objectsLength > size - 2) {
        return 0;
    }
    const base::ByteView objects(data + 2, objectsLength);
    const base::ByteView algorithms(data + 2 + objectsLength, size - 2 - objectsLength);
    auto contents = ctk::parseCardContents(objects, algorithms);
    if (!contents) {
        return 0;
    }
    for (const ctk::TokenKey& key : contents->keys) {
        check(key.id >= 1 && key.id <= 4);
        check(!key.certificate.empty() && !key.subject.empty() && !key.publicKeyInfo.empty());
        check(key.isEc() ? (!key.ecParameters.empty() && key.ecPoint.size() > 2)
                         : (!key.modulus.empty() && !key.publicExponent.empty()));
        ctk::Signer signer(key, key.isEc() ? ctk::SignScheme::EcdsaSha256 : ctk::SignScheme::RsaPkcs1Sha256);
        check(signer.start().ok());
        check(signer.update(algorithms).ok());
        auto input = signer.cardInput();
        check(input.ok() && input->size() == piv::pivAlgorithmInputSize(key.algorithm));
        auto signature = ctk::finishSignature(key, objects.first(std::min<std::size_t>(objects.size(), 300)));
        check(!signature || signature->size() == key.signatureSize());
    }
    return 0;
}
