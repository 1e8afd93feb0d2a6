#pragma once
// Expected<T>: a value or a util::Error. GCC 12 in C++20 mode has no std::expected; this is the
// small subset mailtwin needs, with the same member names so a later switch is mechanical.
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "mailtwin/util/error.hpp"

namespace mailtwin::util {

struct Unexpected {
    Error error;
};

inline Unexpected unexpected(Error e) { return Unexpected{std::move(e)}; }
inline Unexpected unexpected(std::error_code c, std::string msg) { return Unexpected{Error{c, std::move(msg)}}; }

template <typename T>
class [[nodiscard]] Expected {
public:
    using value_type = T;

    Expected() requires std::is_default_constructible_v<T> : m_v(std::in_place_index<0>) {}
    Expected(T v) : m_v(std::in_place_index<0>, std::move(v)) {}                 // NOLINT: implicit by design
    Expected(Unexpected u) : m_v(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return m_v.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(m_v);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(m_v);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(m_v));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!has_value());
        return std::get<1>(m_v);
    }
    Error&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(m_v));
    }

private:
    std::variant<T, Error> m_v;
};

// Expected<void>: success or an error.
template <>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Unexpected u) : m_error(std::move(u.error)), m_failed(true) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return !m_failed; }
    explicit operator bool() const noexcept { return has_value(); }
    void value() const { assert(has_value()); }
    const Error& error() const& {
        assert(m_failed);
        return m_error;
    }
    Error&& error() && {
        assert(m_failed);
        return std::move(m_error);
    }

private:
    Error m_error;
    bool m_failed = false;
};

}  // namespace mailtwin::util
