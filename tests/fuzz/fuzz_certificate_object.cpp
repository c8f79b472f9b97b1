// Certificate data objects (53 { 70 cert, 71 CertInfo, FE }) as a hostile card may send them: the decoder
// must stay inside the buffer, keep decompression bounded (gzip bombs), and whatever it accepts must
// round-trip through the encoder, plain and compressed. The other object decoders ride along.

#include "core/piv/PivObjects.h"
#include "core/piv/Tlv.h"

#include <cstddef>
#include <cstdint>

using namespace sra::base;
using namespace sra::piv;

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
    const ByteView input(data, size);

    auto unwrapped = unwrapDataObject(input);
    if (unwrapped) {
        check(unwrapped->size() < size);
        check(unwrapped->empty() || (unwrapped->data() > data && unwrapped->data() + unwrapped->size() <= data + size));
    }

    auto certificate = decodeCertificateObject(input);
    if (!certificate) {
        check(certificate.error().code == ErrorCode::Malformed);
        return 0;
    }
    check(unwrapped.ok());
    check(!certificate->empty() && certificate->size() <= kMaxCertificateSize);

    for (const bool compress : {false, true}) {
        const Bytes object = encodeCertificateObject(certificate.value(), compress);
        auto again = decodeCertificateObject(object);
        check(again.ok() && again.value() == certificate.value());
        // What we write is a well-formed 53 { 70, 71, FE } with CertInfo saying how it is stored.
        auto inner = unwrapDataObject(object);
        check(inner.ok());
        auto fields = parseTlvSequence(inner.value());
        check(fields.ok() && fields->size() == 3);
        check((*fields)[0].tag == 0x70 && (*fields)[1].tag == 0x71 && (*fields)[2].tag == 0xFE);
        check((*fields)[1].value.size() == 1 && (*fields)[1].value[0] == (compress ? 0x01 : 0x00));
    }
    return 0;
}
