#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sra::base {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Overwrites memory in a way the optimiser may not remove (explicit_bzero / memset_s).
void secureZero(void* data, std::size_t size) noexcept;

// Allocator that wipes memory before giving it back, so PINs and other secrets held in a SecureBytes
// never linger in freed heap blocks, including the old block after a reallocation.
template <typename T>
struct ZeroizingAllocator
{
    using value_type = T;

    ZeroizingAllocator() noexcept = default;

    template <typename U>
    ZeroizingAllocator(const ZeroizingAllocator<U>&) noexcept
    {}

    T* allocate(std::size_t n)
    {
        return std::allocator<T>{}.allocate(n);
    }

    void deallocate(T* p, std::size_t n) noexcept
    {
        secureZero(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }

    template <typename U>
    bool operator==(const ZeroizingAllocator<U>&) const noexcept
    {
        return true;
    }
};

using SecureBytes = std::vector<std::uint8_t, ZeroizingAllocator<std::uint8_t>>;

inline ByteView view(const std::string_view s) noexcept
{
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string toHex(ByteView data, std::string_view separator = {});
// Parses hex digits, ignoring spaces and colons; returns false on any other character or an odd count.
bool fromHex(std::string_view text, Bytes& out);

inline void append(Bytes& out, ByteView data)
{
    out.insert(out.end(), data.begin(), data.end());
}

} // namespace sra::base
