#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sra::base {

// Why a card operation failed. Callers map these to user-facing sentences (with the fix) at the edge.
enum class ErrorCode
{
    Malformed,        // bytes that do not parse (TLV, APDU, object)
    NoService,        // the PC/SC service (pcscd) is not running
    NoReader,         // no reader, or the named reader is gone
    NoCard,           // the reader is empty
    CardRemoved,      // the card left during the operation
    Transport,        // any other I/O failure between host and card
    NotPiv,           // the card has no PIV application
    NotFound,         // data object or key not on the card
    WrongPin,         // triesLeft says how many remain
    PinBlocked,       // retry counter at zero
    InvalidPinFormat, // PIN not 6..8 characters
    SecurityStatus,   // PIN not verified for an operation that needs it
    Unsupported,      // algorithm or command this card does not do
    CardError,        // any other status word; sw holds it
    Cancelled,
    LastPinTry, // the card has one PIN try left: not spent without the admin's confirmation
};

struct Error
{
    ErrorCode code = ErrorCode::CardError;
    int triesLeft = -1; // WrongPin: remaining tries
    unsigned sw = 0;    // status word when the card answered one
    std::string detail; // technical context for logs (never secrets)
};

const char* errorCodeName(ErrorCode code) noexcept;

// A value or an Error. The Qt-free layers do not throw: they load into other programs' processes.
template <typename T>
class Result
{
public:
    Result(T value)
        : m_v(std::move(value))
    {}

    Result(Error error)
        : m_v(std::move(error))
    {}

    bool ok() const noexcept
    {
        return m_v.index() == 0;
    }

    explicit operator bool() const noexcept
    {
        return ok();
    }

    T& value() &
    {
        return std::get<0>(m_v);
    }

    const T& value() const&
    {
        return std::get<0>(m_v);
    }

    T&& value() &&
    {
        return std::get<0>(std::move(m_v));
    }

    T* operator->()
    {
        return &std::get<0>(m_v);
    }

    const T* operator->() const
    {
        return &std::get<0>(m_v);
    }

    T& operator*() &
    {
        return value();
    }

    const Error& error() const
    {
        return std::get<1>(m_v);
    }

private:
    std::variant<T, Error> m_v;
};

struct Unit
{};

using Status = Result<Unit>;

inline Status okStatus()
{
    return Unit{};
}

inline Error makeError(ErrorCode code, std::string detail = {}, unsigned sw = 0)
{
    Error e;
    e.code = code;
    e.sw = sw;
    e.detail = std::move(detail);
    return e;
}

} // namespace sra::base
