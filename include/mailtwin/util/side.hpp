#pragma once
// The two sides of a sync. Rules are written once over Side and applied to both (isync's habit).
#include <array>
#include <cstddef>
#include <string_view>

namespace mailtwin::util {

enum class Side : std::size_t { remote = 0, local = 1 };

constexpr Side other(Side s) noexcept { return s == Side::remote ? Side::local : Side::remote; }
constexpr std::string_view side_name(Side s) noexcept { return s == Side::remote ? "remote" : "local"; }
constexpr std::array<Side, 2> k_both_sides{Side::remote, Side::local};

template <typename T>
struct PerSide {
    std::array<T, 2> values{};
    T& operator[](Side s) noexcept { return values[static_cast<std::size_t>(s)]; }
    const T& operator[](Side s) const noexcept { return values[static_cast<std::size_t>(s)]; }
};

}  // namespace mailtwin::util
