#include "mailtwin/net/uid_check.hpp"

#include <cstdint>
#include <string_view>

namespace mailtwin::net {
namespace {

// Digits that do not make a nz-number32: 0, or beyond 4294967295. Other text is the decoder's business.
bool out_of_range(std::string_view digits) {
    if (digits.empty()) return false;
    std::uint64_t value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > UINT32_MAX) return true;
    }
    return value == 0;
}

// A sequence set "1:5,0,7:*": true when one of its numbers is out of range.
bool set_out_of_range(std::string_view set) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= set.size(); ++i) {
        if (i == set.size() || set[i] == ',' || set[i] == ':') {
            if (out_of_range(set.substr(start, i - start))) return true;
            start = i + 1;
        }
    }
    return false;
}

std::optional<std::string> in_fetch(const imap::Response& r) {
    if (r.args.size() != 1 || !r.args[0].is_list()) return std::nullopt;
    const auto& items = r.args[0].items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (items[i].is_atom("UID") && items[i + 1].kind == imap::ValueKind::atom && out_of_range(items[i + 1].text))
            return "UID " + items[i + 1].text;
    return std::nullopt;
}

std::optional<std::string> in_search(const imap::Response& r) {
    for (const auto& v : r.args)
        if (v.kind == imap::ValueKind::atom && out_of_range(v.text)) return "SEARCH " + v.text;
    return std::nullopt;
}

std::optional<std::string> in_esearch(const imap::Response& r) {
    // search-return-data = "MIN" SP nz-number / "MAX" SP nz-number / "ALL" SP sequence-set / ...
    for (std::size_t i = 0; i + 1 < r.args.size(); ++i) {
        const auto& key = r.args[i];
        const auto& value = r.args[i + 1];
        if (value.kind != imap::ValueKind::atom) continue;
        if ((key.is_atom("MIN") || key.is_atom("MAX")) && out_of_range(value.text)) return key.text + " " + value.text;
        if (key.is_atom("ALL") && set_out_of_range(value.text)) return "ALL " + value.text;
    }
    return std::nullopt;
}

std::optional<std::string> in_vanished(const imap::Response& r) {
    for (const auto& v : r.args)
        if (v.kind == imap::ValueKind::atom && set_out_of_range(v.text)) return "VANISHED " + v.text;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> invalid_uid_in(const imap::Response& r) {
    // UIDNEXT is left out: some servers send 0 for an empty folder, and it names no message.
    if (r.code && r.code->kind == imap::CodeKind::uidvalidity && out_of_range(r.code->args))
        return r.code->name + " " + r.code->args;
    switch (r.data) {
        case imap::DataKind::fetch:
            return in_fetch(r);
        case imap::DataKind::search:
            return in_search(r);
        case imap::DataKind::esearch:
            return in_esearch(r);
        case imap::DataKind::vanished:
            return in_vanished(r);
        default:
            return std::nullopt;
    }
}

}  // namespace mailtwin::net
