#pragma once
// Responses as the parser builds them, and typed decoders over them.
//
// The parser (parser.hpp) produces a Response: its kind (tagged / untagged / continuation / bye), the
// status and response code of status responses, and for untagged data the keyword plus a generic tree
// of Values. The decode_* functions turn that tree into typed structs; each returns nullopt when the
// response is not of that type or is malformed (Dovecot imap-arg.h habit: accessors return optional).
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailtwin/imap/uid_set.hpp"
#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"

namespace mailtwin::imap {

// ---------------------------------------------------------------------------------------------------
// The generic tree

enum class ValueKind : std::uint8_t {
    atom,      // includes numbers and flags: "123", "\\Seen", "BODY[HEADER.FIELDS (MESSAGE-ID)]<0>"
    quoted,    // "..." with escapes removed
    literal,   // {n} or ~{n}, bytes kept in memory
    streamed,  // {n} or ~{n} whose bytes went to a LiteralSink; only `size` is kept
    nil,       // NIL
    list,      // ( ... )
};

struct Value {
    ValueKind kind = ValueKind::atom;
    bool binary = false;       // literal8 (~{n}): may contain NUL
    std::string text;          // atom, quoted, literal
    std::uint64_t size = 0;    // literal and streamed: the announced size
    std::vector<Value> items;  // list

    [[nodiscard]] bool is_list() const noexcept { return kind == ValueKind::list; }
    [[nodiscard]] bool is_nil() const noexcept { return kind == ValueKind::nil; }
    // An atom equal to `word`, ASCII case-insensitive.
    [[nodiscard]] bool is_atom(std::string_view word) const noexcept;
    // number = 1*DIGIT (RFC 3501 §9), at most `max`; nullopt if not an atom of digits or too big.
    [[nodiscard]] std::optional<std::uint64_t> number(std::uint64_t max = UINT64_MAX) const noexcept;
    // nz-number fitting in 32 bits: UIDs, message numbers, UIDVALIDITY.
    [[nodiscard]] std::optional<std::uint32_t> nz_number32() const noexcept;
    // string = quoted / literal (in memory).
    [[nodiscard]] std::optional<std::string_view> string() const noexcept;
    // astring = 1*ASTRING-CHAR / string.
    [[nodiscard]] std::optional<std::string_view> astring() const noexcept;

    friend bool operator==(const Value&, const Value&) = default;
};

// ---------------------------------------------------------------------------------------------------
// Status responses and response codes

enum class Status : std::uint8_t { ok, no, bad, preauth, bye };

enum class CodeKind : std::uint8_t {
    other,  // unknown code: name and raw text preserved
    alert,
    appenduid,
    badcharset,
    capability,
    closed,
    copyuid,
    highestmodseq,
    modified,
    nomodseq,
    overquota,
    parse,
    permanentflags,
    read_only,
    read_write,
    trycreate,
    uidnext,
    uidvalidity,
    unseen,
};

struct CopyUid {
    model::UidValidity uidvalidity = 0;
    UidSet source;  // n-th source UID was copied to the n-th destination UID
    UidSet dest;
};

struct AppendUid {
    model::UidValidity uidvalidity = 0;
    UidSet uids;  // one UID, or several for MULTIAPPEND
};

// Flag lists from FLAGS and PERMANENTFLAGS.
struct FlagList {
    model::FlagSet flags;            // \Recent dropped, as FlagSet does
    std::vector<std::string> names;  // every name as sent, including \Recent and \*
    bool keywords_allowed = false;   // "\*" present (PERMANENTFLAGS): new keywords may be created
};

// resp-text-code = "ALERT" / ... / atom [SP 1*<any TEXT-CHAR except "]">]     (RFC 3501 §9)
struct ResponseCode {
    CodeKind kind = CodeKind::other;
    std::string name;  // as sent, e.g. "UIDVALIDITY"
    std::string args;  // raw text after the name and one SP, up to "]"; empty if none

    // Typed accessors; nullopt when the code is of another kind or its arguments are malformed.
    [[nodiscard]] std::optional<model::UidValidity> uidvalidity() const;
    [[nodiscard]] std::optional<model::Uid> uidnext() const;
    [[nodiscard]] std::optional<std::uint32_t> unseen() const;
    [[nodiscard]] std::optional<model::ModSeq> highestmodseq() const;
    [[nodiscard]] std::optional<FlagList> permanent_flags() const;
    [[nodiscard]] std::optional<CopyUid> copyuid() const;
    [[nodiscard]] std::optional<AppendUid> appenduid() const;
    [[nodiscard]] std::optional<UidSet> modified() const;
    [[nodiscard]] std::optional<std::vector<std::string>> capabilities() const;
    [[nodiscard]] std::optional<std::vector<std::string>> badcharsets() const;

    friend bool operator==(const ResponseCode&, const ResponseCode&) = default;
};

CodeKind code_kind_from_name(std::string_view name) noexcept;

// ---------------------------------------------------------------------------------------------------
// Responses

// What an untagged response carries, from its keyword (set by the parser).
enum class DataKind : std::uint8_t {
    other,
    status,  // * OK / NO / BAD / PREAUTH / BYE  (see Response::status)
    capability,
    enabled,
    exists,
    expunge,
    recent,
    fetch,
    vanished,
    esearch,
    search,
    list,
    lsub,
    status_data,  // * STATUS mailbox (...)
    flags,
    namespace_,
    id,
};

struct Response {
    enum class Kind : std::uint8_t { tagged, untagged, continuation, bye };

    Kind kind = Kind::untagged;
    DataKind data = DataKind::other;
    std::string tag;                      // tagged only
    std::optional<Status> status;         // tagged, bye, and untagged OK/NO/BAD/PREAUTH
    std::optional<ResponseCode> code;     // "[...]" of a status response
    std::string text;                     // resp-text after the code; continuation: everything after "+ "
    std::optional<std::uint32_t> number;  // "* n KEYWORD": message number or count
    std::string keyword;                  // untagged: upper-cased, e.g. "FETCH", "OK", "CAPABILITY"
    std::vector<Value> args;              // untagged data after the keyword

    friend bool operator==(const Response&, const Response&) = default;
};

// A stable, readable rendering of a response (tests and wire traces; streamed bodies show as
// "<streamed n>", in-memory literals as "{n}<bytes>").
std::string dump(const Response& r);
std::string dump(const Value& v);

// ---------------------------------------------------------------------------------------------------
// Typed untagged data

// INTERNALDATE "17-Jul-1996 02:44:25 -0700": the instant in UTC and the zone it was written in.
struct InternalDate {
    std::time_t utc = 0;
    int tz_offset_minutes = 0;  // -0700 -> -420
    friend bool operator==(const InternalDate&, const InternalDate&) = default;
};
// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE  (RFC 3501 §9)
// (the text between the quotes).
std::optional<InternalDate> parse_internal_date(std::string_view text);

// One BODY[...] / BINARY[...] / RFC822* item of a FETCH.
struct BodyItem {
    std::string name;                     // item name as sent, e.g. "BODY[HEADER.FIELDS (MESSAGE-ID)]" or "BINARY[]<0>"
    std::string section;                  // between the brackets: "" for BODY[]; "HEADER.FIELDS (MESSAGE-ID)"
    std::optional<std::uint32_t> origin;  // "<n>" partial fetch origin
    bool binary = false;                  // BINARY[...]
    bool streamed = false;                // bytes went to the LiteralSink
    bool nil = false;                     // NIL value
    std::uint64_t size = 0;               // literal size (also when streamed)
    std::string data;                     // in-memory bytes (empty when streamed or NIL)
};

struct FetchData {
    std::uint32_t seq = 0;
    std::optional<model::Uid> uid;
    std::optional<model::FlagSet> flags;
    std::optional<model::ModSeq> modseq;
    std::optional<InternalDate> internal_date;
    std::optional<std::uint64_t> rfc822_size;
    std::vector<BodyItem> bodies;
    std::vector<std::pair<std::string, Value>> other;  // ENVELOPE, BODYSTRUCTURE, X-GM-*, ...

    // The body item with this section ("" for BODY[]), matching BODY or BINARY.
    [[nodiscard]] const BodyItem* find_body(std::string_view section) const noexcept;
};

struct Vanished {
    bool earlier = false;  // VANISHED (EARLIER): answer to a FETCH/SELECT, not a fresh expunge
    UidSet uids;
};

// RFC 4731 ESEARCH / RFC 9051 §7.3.4.
struct Esearch {
    std::optional<std::string> tag;  // search-correlator: the command it answers
    bool uid = false;                // numbers are UIDs
    std::optional<std::uint32_t> min;
    std::optional<std::uint32_t> max;
    std::optional<std::uint32_t> count;
    std::optional<UidSet> all;
    std::optional<model::ModSeq> modseq;  // RFC 7162 §3.1.5
};

struct SearchResult {
    std::vector<std::uint32_t> ids;
    std::optional<model::ModSeq> modseq;  // "(MODSEQ n)" trailer, RFC 7162 §3.1.5
};

enum class MailboxAttr : std::uint32_t {
    noinferiors = 1u << 0,
    noselect = 1u << 1,
    nonexistent = 1u << 2,
    haschildren = 1u << 3,
    hasnochildren = 1u << 4,
    marked = 1u << 5,
    unmarked = 1u << 6,
    subscribed = 1u << 7,
    remote = 1u << 8,
    // RFC 6154 SPECIAL-USE
    all = 1u << 9,
    archive = 1u << 10,
    drafts = 1u << 11,
    flagged = 1u << 12,
    junk = 1u << 13,
    sent = 1u << 14,
    trash = 1u << 15,
    important = 1u << 16,
};

struct ListEntry {
    bool lsub = false;
    std::uint32_t attr_bits = 0;          // MailboxAttr bits
    std::vector<std::string> attributes;  // every attribute as sent
    std::optional<char> delimiter;        // NIL -> nullopt (flat namespace)
    std::string mailbox;                  // as sent (modified UTF-7 or UTF-8), not decoded
    std::vector<std::string> childinfo;   // CHILDINFO ("SUBSCRIBED")
    std::optional<std::string> oldname;   // OLDNAME ("old")

    [[nodiscard]] bool has(MailboxAttr a) const noexcept { return (attr_bits & static_cast<std::uint32_t>(a)) != 0; }
};

struct StatusData {
    std::string mailbox;
    std::optional<std::uint32_t> messages;
    std::optional<std::uint32_t> recent;
    std::optional<model::Uid> uidnext;
    std::optional<model::UidValidity> uidvalidity;
    std::optional<std::uint32_t> unseen;
    std::optional<model::ModSeq> highestmodseq;
    std::optional<std::string> mailbox_id;  // MAILBOXID (RFC 8474 OBJECTID): the server's stable id of the folder
};

struct Namespace {
    std::string prefix;
    std::optional<char> delimiter;
};
struct Namespaces {
    std::vector<Namespace> personal;
    std::vector<Namespace> other_users;
    std::vector<Namespace> shared;
};

using IdFields = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Each returns nullopt if `r` is not that kind of untagged response or is malformed.
std::optional<std::vector<std::string>> decode_capability(const Response& r);
std::optional<std::vector<std::string>> decode_enabled(const Response& r);
std::optional<std::uint32_t> decode_exists(const Response& r);
std::optional<std::uint32_t> decode_expunge(const Response& r);
std::optional<std::uint32_t> decode_recent(const Response& r);
std::optional<FetchData> decode_fetch(const Response& r);
std::optional<Vanished> decode_vanished(const Response& r);
std::optional<Esearch> decode_esearch(const Response& r);
std::optional<SearchResult> decode_search(const Response& r);
std::optional<ListEntry> decode_list(const Response& r);  // LIST and LSUB
std::optional<StatusData> decode_status(const Response& r);
std::optional<FlagList> decode_flags(const Response& r);
std::optional<Namespaces> decode_namespace(const Response& r);
std::optional<IdFields> decode_id(const Response& r);

}  // namespace mailtwin::imap
