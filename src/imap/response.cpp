#include "mailtwin/imap/response.hpp"

#include <array>

#include "mailtwin/imap/parser.hpp"

#include "mailtwin/util/ascii.hpp"
#include "response_values.hpp"

namespace mailtwin::imap {

namespace detail {

// number = 1*DIGIT (RFC 3501 §9), bounded by `max`.
std::optional<std::uint64_t> parse_number(std::string_view s, std::uint64_t max) noexcept {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return std::nullopt;
        v = v * 10 + d;
    }
    if (v > max) return std::nullopt;
    return v;
}

// Atoms of a flag list: flag-list = "(" [flag *(SP flag)] ")"  (RFC 3501 §9)
std::optional<FlagList> flag_list(const Value& v) {
    if (!v.is_list()) return std::nullopt;
    FlagList fl;
    for (const auto& f : v.items) {
        if (f.kind != ValueKind::atom) return std::nullopt;
        fl.names.push_back(f.text);
        if (f.text == "\\*")
            fl.keywords_allowed = true;
        else
            fl.flags.add_imap(f.text);
    }
    return fl;
}

}  // namespace detail

namespace {

using detail::flag_list;
using detail::k_max_modseq;
using detail::parse_number;

using util::ascii_upper;
using util::iequals;
using util::istarts_with;

std::optional<std::uint32_t> nz32(std::string_view s) noexcept {
    auto v = parse_number(s, UINT32_MAX);
    if (!v || *v == 0) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t sp = s.find(' ', pos);
        const std::size_t end = sp == std::string_view::npos ? s.size() : sp;
        if (end > pos) out.emplace_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

void dump_to(std::string& out, const Value& v) {
    switch (v.kind) {
        case ValueKind::atom:
            out += v.text;
            break;
        case ValueKind::nil:
            out += "NIL";
            break;
        case ValueKind::quoted:
            out += '"';
            for (char c : v.text) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
            break;
        case ValueKind::literal:
            out += v.binary ? "~{" : "{";
            out += std::to_string(v.size);
            out += '}';
            out += v.text;
            break;
        case ValueKind::streamed:
            out += "<streamed ";
            out += std::to_string(v.size);
            out += '>';
            break;
        case ValueKind::list:
            out += '(';
            for (std::size_t i = 0; i < v.items.size(); ++i) {
                if (i) out += ' ';
                dump_to(out, v.items[i]);
            }
            out += ')';
            break;
    }
}

constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), so that
// INTERNALDATE does not depend on the process time zone as mktime would.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

struct CodeName {
    std::string_view name;
    CodeKind kind;
};
constexpr CodeName k_codes[] = {
    {"ALERT", CodeKind::alert},
    {"APPENDUID", CodeKind::appenduid},
    {"BADCHARSET", CodeKind::badcharset},
    {"CAPABILITY", CodeKind::capability},
    {"CLOSED", CodeKind::closed},
    {"COPYUID", CodeKind::copyuid},
    {"HIGHESTMODSEQ", CodeKind::highestmodseq},
    {"MODIFIED", CodeKind::modified},
    {"NOMODSEQ", CodeKind::nomodseq},
    {"OVERQUOTA", CodeKind::overquota},
    {"PARSE", CodeKind::parse},
    {"PERMANENTFLAGS", CodeKind::permanentflags},
    {"READ-ONLY", CodeKind::read_only},
    {"READ-WRITE", CodeKind::read_write},
    {"TRYCREATE", CodeKind::trycreate},
    {"UIDNEXT", CodeKind::uidnext},
    {"UIDVALIDITY", CodeKind::uidvalidity},
    {"UNSEEN", CodeKind::unseen},
};

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Value

bool Value::is_atom(std::string_view word) const noexcept { return kind == ValueKind::atom && iequals(text, word); }

std::optional<std::uint64_t> Value::number(std::uint64_t max) const noexcept {
    if (kind != ValueKind::atom) return std::nullopt;
    return parse_number(text, max);
}

std::optional<std::uint32_t> Value::nz_number32() const noexcept {
    if (kind != ValueKind::atom) return std::nullopt;
    return nz32(text);
}

std::optional<std::string_view> Value::string() const noexcept {
    if (kind == ValueKind::quoted || kind == ValueKind::literal) return std::string_view(text);
    return std::nullopt;
}

std::optional<std::string_view> Value::astring() const noexcept {
    if (kind == ValueKind::atom || kind == ValueKind::quoted || kind == ValueKind::literal)
        return std::string_view(text);
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------
// Response codes

CodeKind code_kind_from_name(std::string_view name) noexcept {
    for (const auto& c : k_codes)
        if (iequals(c.name, name)) return c.kind;
    return CodeKind::other;
}

std::optional<model::UidValidity> ResponseCode::uidvalidity() const {
    // "UIDVALIDITY" SP nz-number
    if (kind != CodeKind::uidvalidity) return std::nullopt;
    return nz32(args);
}

std::optional<model::Uid> ResponseCode::uidnext() const {
    // "UIDNEXT" SP nz-number
    if (kind != CodeKind::uidnext) return std::nullopt;
    return nz32(args);
}

std::optional<std::uint32_t> ResponseCode::unseen() const {
    // "UNSEEN" SP nz-number
    if (kind != CodeKind::unseen) return std::nullopt;
    return nz32(args);
}

std::optional<model::ModSeq> ResponseCode::highestmodseq() const {
    // "HIGHESTMODSEQ" SP mod-sequence-value    (RFC 7162 §7)
    if (kind != CodeKind::highestmodseq) return std::nullopt;
    auto v = parse_number(args, k_max_modseq);
    if (!v || *v == 0) return std::nullopt;
    return *v;
}

std::optional<FlagList> ResponseCode::permanent_flags() const {
    // "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")"; flag-perm = flag / "\*"
    if (kind != CodeKind::permanentflags) return std::nullopt;
    auto values = parse_value_list(args);
    if (!values || values->size() != 1) return std::nullopt;
    return flag_list(values->front());
}

std::optional<CopyUid> ResponseCode::copyuid() const {
    // resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set     (RFC 4315 §4)
    if (kind != CodeKind::copyuid) return std::nullopt;
    auto w = split_words(args);
    if (w.size() != 3) return std::nullopt;
    auto v = nz32(w[0]);
    auto src = UidSet::parse(w[1]);
    auto dst = UidSet::parse(w[2]);
    if (!v || !src || !dst || src->has_star() || dst->has_star()) return std::nullopt;
    return CopyUid{*v, std::move(*src), std::move(*dst)};
}

std::optional<AppendUid> ResponseCode::appenduid() const {
    // resp-code-apnd = "APPENDUID" SP nz-number SP append-uid; append-uid = uniqueid / uid-set
    if (kind != CodeKind::appenduid) return std::nullopt;
    auto w = split_words(args);
    if (w.size() != 2) return std::nullopt;
    auto v = nz32(w[0]);
    auto uids = UidSet::parse(w[1]);
    if (!v || !uids || uids->has_star()) return std::nullopt;
    return AppendUid{*v, std::move(*uids)};
}

std::optional<UidSet> ResponseCode::modified() const {
    // "MODIFIED" SP sequence-set    (RFC 7162 §7)
    if (kind != CodeKind::modified) return std::nullopt;
    return UidSet::parse(args);
}

std::optional<std::vector<std::string>> ResponseCode::capabilities() const {
    // capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev1" *(SP capability)
    if (kind != CodeKind::capability) return std::nullopt;
    auto w = split_words(args);
    if (w.empty()) return std::nullopt;
    return w;
}

std::optional<std::vector<std::string>> ResponseCode::badcharsets() const {
    // "BADCHARSET" [SP "(" charset *(SP charset) ")" ]
    if (kind != CodeKind::badcharset) return std::nullopt;
    std::vector<std::string> out;
    if (args.empty()) return out;
    auto values = parse_value_list(args);
    if (!values || values->size() != 1 || !values->front().is_list()) return std::nullopt;
    for (const auto& v : values->front().items) {
        auto s = v.astring();
        if (!s) return std::nullopt;
        out.emplace_back(*s);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// dump

std::string dump(const Value& v) {
    std::string out;
    dump_to(out, v);
    return out;
}

std::string dump(const Response& r) {
    std::string out;
    switch (r.kind) {
        case Response::Kind::continuation:
            out = "+ " + r.text;
            return out;
        case Response::Kind::tagged:
            out = r.tag;
            break;
        case Response::Kind::untagged:
        case Response::Kind::bye:
            out = "*";
            break;
    }
    if (r.number) out += " " + std::to_string(*r.number);
    out += " " + r.keyword;
    if (r.status) {
        if (r.code) {
            out += " [" + r.code->name;
            if (!r.code->args.empty()) out += " " + r.code->args;
            out += "]";
        }
        if (!r.text.empty()) out += " " + r.text;
        return out;
    }
    for (const auto& v : r.args) {
        out += ' ';
        dump_to(out, v);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------
// INTERNALDATE

std::optional<InternalDate> parse_internal_date(std::string_view s) {
    // date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
    // date-day-fixed = (SP DIGIT) / 2DIGIT; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
    // zone = ("+" / "-") 4DIGIT                                                (RFC 3501 §9)
    // "17-Jul-1996 02:44:25 -0700" is 26 characters.
    if (s.size() != 26) return std::nullopt;
    int day = 0;
    if (s[0] == ' ') {
        if (!digits(s, 1, 1, day)) return std::nullopt;
    } else if (!digits(s, 0, 2, day)) {
        return std::nullopt;
    }
    if (s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':' || s[20] != ' ') return std::nullopt;
    unsigned month = 0;
    for (unsigned m = 0; m < k_months.size(); ++m)
        if (iequals(s.substr(3, 3), k_months[m])) month = m + 1;
    int year = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int zh = 0;
    int zm = 0;
    if (month == 0 || !digits(s, 7, 4, year) || !digits(s, 12, 2, hour) || !digits(s, 15, 2, minute) ||
        !digits(s, 18, 2, second) || (s[21] != '+' && s[21] != '-') || !digits(s, 22, 2, zh) || !digits(s, 24, 2, zm))
        return std::nullopt;
    static constexpr std::array<int, 12> k_days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (day < 1 || day > k_days[month - 1] || hour > 23 || minute > 59 || second > 60 || zm > 59) return std::nullopt;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return std::nullopt;
    const int offset = (zh * 60 + zm) * (s[21] == '-' ? -1 : 1);
    const std::int64_t local =
        days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + hour * 3600 + minute * 60 + second;
    return InternalDate{static_cast<std::time_t>(local - std::int64_t{offset} * 60), offset};
}

// ---------------------------------------------------------------------------------------------------
// Untagged data

const BodyItem* FetchData::find_body(std::string_view section) const noexcept {
    for (const auto& b : bodies)
        if (iequals(b.section, section)) return &b;
    return nullptr;
}

}  // namespace mailtwin::imap
