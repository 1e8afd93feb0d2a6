#include "mailtwin/maildir/unique_name.hpp"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <climits>

namespace mailtwin::maildir {
namespace {

std::atomic<std::uint64_t> g_counter{0};

// Reads digits at the front of s into v and drops them from s; false if there are none.
template <typename Int>
bool take_number(std::string_view& s, Int& v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end == s.data()) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return true;
}

bool take_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

}  // namespace

std::string encode_hostname(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        if (c == '/')
            out += "\\057";
        else if (c == ':')
            out += "\\072";
        else
            out += c;
    }
    return out;
}

const std::string& local_hostname() {
    static const std::string name = [] {
        char buf[HOST_NAME_MAX + 1] = {};
        if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return std::string("localhost");
        return encode_hostname(buf);
    }();
    return name;
}

std::string render_unique_name(const UniqueNameParts& parts) {
    std::string out = std::to_string(parts.seconds);
    out += ".M";
    out += std::to_string(parts.microseconds);
    out += 'P';
    out += std::to_string(parts.pid);
    out += 'Q';
    out += std::to_string(parts.counter);
    out += '.';
    out += parts.hostname;
    return out;
}

std::optional<UniqueNameParts> parse_unique_name(std::string_view name) {
    UniqueNameParts p;
    if (!take_number(name, p.seconds) || !take_char(name, '.') || !take_char(name, 'M') ||
        !take_number(name, p.microseconds) || !take_char(name, 'P') || !take_number(name, p.pid) ||
        !take_char(name, 'Q') || !take_number(name, p.counter) || !take_char(name, '.') || name.empty())
        return std::nullopt;
    // A ',' would start Dovecot fields, a ':' or '!' an info suffix: not a bare unique name.
    if (name.find_first_of(",:/") != std::string_view::npos) return std::nullopt;
    p.hostname = std::string(name);
    return p;
}

std::string make_unique_name() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    UniqueNameParts p;
    p.seconds = us / 1'000'000;
    p.microseconds = us % 1'000'000;
    p.pid = getpid();
    p.counter = g_counter.fetch_add(1, std::memory_order_relaxed);
    p.hostname = local_hostname();
    return render_unique_name(p);
}

}  // namespace mailtwin::maildir
