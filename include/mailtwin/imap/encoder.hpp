#pragma once
// IMAP command encoder (RFC 3501 §9 grammar; LITERAL+/LITERAL- RFC 7888; BINARY RFC 3516; CONDSTORE/
// QRESYNC RFC 7162; ESEARCH RFC 4731; LIST-STATUS RFC 5819; SPECIAL-USE RFC 6154; UTF8=ACCEPT RFC 6855;
// SASL-IR RFC 4959; NOTIFY RFC 5465; COMPRESS RFC 4978). Sans-I/O: it builds bytes, it never sends them.
//
// A Command is a list of Segments. Segment 0 is sent at once; segment i > 0 only after the server's
// i-th "+" continuation, because segment i-1 ended with a synchronizing literal header "{n}\r\n" (or
// an AUTHENTICATE without SASL-IR). Non-synchronizing literals "{n+}" stay inside one segment.
// A literal body is either inline text (small strings such as a password) or a Payload that the
// connection streams: the encoder knows only its size, so a 20 MB message is never copied here.
//
// Every Command also carries `redacted`, the one-line form for traces: secrets (passwords, SASL
// responses) are "***" and literal bodies are "{n bytes}".
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mailtwin/imap/seqset.hpp"
#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/util/expected.hpp"

namespace mailtwin::imap {

// The bytes of a literal, known to the encoder only by size. Implementations: StringPayload here;
// a file-backed one where file I/O is allowed (store/net), reading the Maildir file while sending.
class Payload {
public:
    Payload() = default;
    Payload(const Payload&) = delete;
    Payload& operator=(const Payload&) = delete;
    virtual ~Payload() = default;

    [[nodiscard]] virtual std::uint64_t size() const noexcept = 0;
    // The whole body when it is already in memory, so the connection can write it without copying.
    [[nodiscard]] virtual std::optional<std::string_view> contiguous() const noexcept { return std::nullopt; }
    // Copies bytes starting at `offset` into `out`; returns how many (0 only at offset >= size()).
    // A payload that cannot deliver exactly size() bytes must fail: the literal header is already sent.
    [[nodiscard]] virtual util::Expected<std::size_t> read(std::uint64_t offset, std::span<char> out) const = 0;
};
using PayloadPtr = std::shared_ptr<const Payload>;

class StringPayload final : public Payload {
public:
    explicit StringPayload(std::string bytes) : m_bytes(std::move(bytes)) {}
    [[nodiscard]] std::uint64_t size() const noexcept override { return m_bytes.size(); }
    [[nodiscard]] std::optional<std::string_view> contiguous() const noexcept override { return m_bytes; }
    [[nodiscard]] util::Expected<std::size_t> read(std::uint64_t offset, std::span<char> out) const override;

private:
    std::string m_bytes;
};
[[nodiscard]] PayloadPtr make_payload(std::string bytes);

// Text bytes to send as they are, or a streamed literal body.
using Piece = std::variant<std::string, PayloadPtr>;

struct Segment {
    std::vector<Piece> pieces;
    [[nodiscard]] std::uint64_t size() const noexcept;
};

struct Command {
    std::string tag;                // "a7"; empty for lines that answer a continuation (DONE, SASL)
    std::string name;               // "UID FETCH": for logs and for the connection's bookkeeping
    std::vector<Segment> segments;  // [0] at once, [i] after the i-th "+" continuation
    std::string redacted;           // "a1 LOGIN \"alice\" ***" — safe to log, no CRLF

    [[nodiscard]] std::size_t continuations_needed() const noexcept {
        return segments.empty() ? 0 : segments.size() - 1;
    }
    [[nodiscard]] std::uint64_t wire_size() const noexcept;
    // Every byte of the command, payloads included (reads them). For tests and small commands only.
    [[nodiscard]] util::Expected<std::string> wire() const;
};

// How literals are sent, from the server's CAPABILITY.
enum class LiteralMode {
    sync,   // "{n}\r\n", then wait for "+" (RFC 3501)
    plus,   // LITERAL+: "{n+}\r\n" and keep going, any size (RFC 7888)
    minus,  // LITERAL-: "{n+}" only up to 4096 bytes, larger ones synchronize (RFC 7888 §4)
};
[[nodiscard]] constexpr LiteralMode literal_mode_for(bool literal_plus, bool literal_minus) noexcept {
    return literal_plus ? LiteralMode::plus : literal_minus ? LiteralMode::minus : LiteralMode::sync;
}
inline constexpr std::uint64_t k_literal_minus_max = 4096;
// Longer strings go as literals: they keep the command line short and avoid escaping cost.
inline constexpr std::size_t k_max_quoted = 1024;

struct EncoderOptions {
    LiteralMode literals = LiteralMode::sync;
    bool utf8_accept = false;  // after ENABLE UTF8=ACCEPT: names raw UTF-8, UTF-8 allowed in quoted
    bool sasl_ir = false;      // SASL-IR: AUTHENTICATE carries the initial response
    bool binary = false;       // BINARY: APPEND may use literal8 "~{n}" for bodies with NUL
    std::string tag_prefix = "a";
};

// Builds one command: "TAG NAME" then arguments, each preceded by a space except right after "(".
// The first invalid argument is remembered and returned by finish(); later calls are ignored.
// Every argument is traced in `redacted` as sent, except secrets ("***") and literals ("{n bytes}").
class CommandBuilder {
public:
    enum class Secret : bool { no = false, yes = true };

    CommandBuilder(const EncoderOptions& options, std::string tag, std::string_view name);

    // Protocol text written by mailtwin itself ("BODY.PEEK[]", "(CONDSTORE)"); CR, LF, NUL refused.
    CommandBuilder& raw(std::string_view text);
    // atom (RFC 3501 ATOM-CHAR only), refused otherwise.
    CommandBuilder& atom(std::string_view text);
    CommandBuilder& number(std::uint64_t n);
    // astring: atom when possible, else quoted, else literal. "NIL" is quoted (Dovecot reads an atom
    // NIL as nil, which is not an astring).
    CommandBuilder& astring(std::string_view text, Secret secret = Secret::no);
    // string: quoted when possible, else literal; never an atom.
    CommandBuilder& string(std::string_view text, Secret secret = Secret::no);
    // A mailbox name in UTF-8: "INBOX" in any case is sent as INBOX; others via mailbox_to_wire.
    CommandBuilder& mailbox(std::string_view utf8);
    // A list-mailbox pattern ("*", "Archive/%"), encoded like a mailbox, always as a string.
    CommandBuilder& pattern(std::string_view utf8);
    // A literal whose body is streamed; `binary` writes literal8 "~{n}" (needs BINARY).
    CommandBuilder& literal(PayloadPtr body, bool binary = false);
    // "(\Seen $label)": system flags then keywords, each checked to be a flag the grammar allows.
    CommandBuilder& flags(const model::FlagSet& flags);
    CommandBuilder& set(const SeqSet& set);
    // Protocol text that is a secret (a SASL initial response): sent as is, traced as "***".
    CommandBuilder& secret(std::string_view text);
    // Ends the current segment with CRLF: what follows is sent after the server's "+" (AUTHENTICATE
    // without SASL-IR). The next argument starts the line, without a leading space.
    CommandBuilder& wait_continuation();
    CommandBuilder& open();   // "("
    CommandBuilder& close();  // ")"

    // Appends CRLF and hands over the command, or the first error.
    [[nodiscard]] util::Expected<Command> finish();

private:
    void separator();
    void text(std::string_view bytes, std::string_view redacted);
    void literal_header(std::uint64_t size, bool binary);
    void inline_literal(std::string_view bytes, Secret secret);
    void fail(std::error_code code, std::string message);

    EncoderOptions m_options;  // a copy: a builder may outlive changes to the Encoder's options
    Command m_command;
    bool m_need_space = true;
    std::optional<util::Error> m_error;
};

struct QresyncParams {
    model::UidValidity uidvalidity = 0;
    model::ModSeq modseq = 0;
    SeqSet known_uids{};  // optional: empty means "not sent"
};
struct SelectOptions {
    bool condstore = false;                  // "(CONDSTORE)"
    std::optional<QresyncParams> qresync{};  // "(QRESYNC (...))", implies CONDSTORE
};
struct FetchModifiers {
    std::optional<model::ModSeq> changed_since{};  // "(CHANGEDSINCE m)"
    bool vanished = false;                         // "... VANISHED)": needs changed_since and QRESYNC
};
enum class StoreMode { add, remove, replace };  // +FLAGS, -FLAGS, FLAGS

// One argument of a SEARCH: protocol text ("UNDELETED", "HEADER") or a string value (quoted/literal).
struct SearchTerm {
    enum class Kind { raw, string } kind = Kind::raw;
    std::string text{};
};
[[nodiscard]] inline SearchTerm search_raw(std::string text) { return {SearchTerm::Kind::raw, std::move(text)}; }
[[nodiscard]] inline SearchTerm search_string(std::string text) { return {SearchTerm::Kind::string, std::move(text)}; }

// INTERNALDATE for APPEND: a point in time plus the zone to show it in.
struct AppendDate {
    std::int64_t unix_time = 0;
    std::int32_t utc_offset_minutes = 0;
};
// "\"05-Jan-2024 10:00:00 +0100\"" (RFC 3501 date-time, quotes included); years outside 0000-9999
// and offsets beyond ±99:59 are EncodeError::invalid_argument.
[[nodiscard]] util::Expected<std::string> format_date_time(const AppendDate& date);

struct AppendMessage {
    model::FlagSet flags{};
    std::optional<AppendDate> internal_date{};
    PayloadPtr body{};
    bool binary = false;  // literal8 "~{n}": the body contains NUL (needs BINARY)
};

struct ListReturn {
    bool special_use = true;                  // RETURN (SPECIAL-USE ...)
    std::vector<std::string> status_items{};  // RETURN (... STATUS (MESSAGES UIDNEXT ...)); none: no STATUS
};

class Encoder {
public:
    explicit Encoder(EncoderOptions options = {}) : m_options(std::move(options)) {}

    // Capabilities change after STARTTLS, login and ENABLE: update them between commands.
    [[nodiscard]] EncoderOptions& options() noexcept { return m_options; }
    [[nodiscard]] const EncoderOptions& options() const noexcept { return m_options; }

    // "a1", "a2", ...: unique per connection.
    [[nodiscard]] std::string next_tag();
    // A builder for a command not covered below; it takes the next tag.
    [[nodiscard]] CommandBuilder begin(std::string_view name);

    [[nodiscard]] Command capability();
    [[nodiscard]] Command noop();
    [[nodiscard]] Command unselect();       // RFC 3691
    [[nodiscard]] Command close_mailbox();  // CLOSE: also expunges a folder selected read-write
    [[nodiscard]] Command logout();
    [[nodiscard]] Command starttls();
    [[nodiscard]] Command namespace_();
    [[nodiscard]] Command compress_deflate();
    [[nodiscard]] Command idle();
    // "DONE": ends IDLE; untagged.
    [[nodiscard]] Command done() const;
    // A line answering a "+" during AUTHENTICATE (an empty one aborts an XOAUTH2 error challenge).
    [[nodiscard]] Command continuation_line(std::string_view line, bool secret) const;

    [[nodiscard]] util::Expected<Command> login(std::string_view user, std::string_view password);
    // SASL PLAIN (RFC 4616) "authzid NUL user NUL password", base64; inline with SASL-IR.
    [[nodiscard]] util::Expected<Command> authenticate_plain(std::string_view user, std::string_view password,
                                                             std::string_view authzid = {});
    // XOAUTH2 (Google/Microsoft): "user=U ^A auth=Bearer T ^A ^A", base64; inline with SASL-IR.
    [[nodiscard]] util::Expected<Command> authenticate_xoauth2(std::string_view user, std::string_view access_token);
    // ID ("name" "mailtwin" ...) (RFC 2971); no fields: ID NIL.
    [[nodiscard]] util::Expected<Command> id(std::span<const std::pair<std::string, std::string>> fields);
    [[nodiscard]] util::Expected<Command> enable(std::span<const std::string_view> extensions);

    [[nodiscard]] util::Expected<Command> select(std::string_view mailbox, const SelectOptions& options = {});
    [[nodiscard]] util::Expected<Command> examine(std::string_view mailbox, const SelectOptions& options = {});
    [[nodiscard]] util::Expected<Command> create(std::string_view mailbox);
    [[nodiscard]] util::Expected<Command> delete_(std::string_view mailbox);
    [[nodiscard]] util::Expected<Command> rename(std::string_view from, std::string_view to);
    [[nodiscard]] util::Expected<Command> list(std::string_view reference, std::string_view pattern,
                                               const ListReturn& ret);
    // LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY [HIGHESTMODSEQ])).
    [[nodiscard]] Command list_all(bool highestmodseq);
    [[nodiscard]] util::Expected<Command> status(std::string_view mailbox, std::span<const std::string_view> items);

    // UID FETCH set (items) [(CHANGEDSINCE m [VANISHED])]; items are protocol text ("FLAGS", "BODY.PEEK[]").
    [[nodiscard]] util::Expected<Command> uid_fetch(const SeqSet& uids, std::span<const std::string_view> items,
                                                    const FetchModifiers& modifiers = {});
    // UID STORE set [(UNCHANGEDSINCE m)] +FLAGS[.SILENT] (flags)
    [[nodiscard]] util::Expected<Command> uid_store(const SeqSet& uids, StoreMode mode, const model::FlagSet& flags,
                                                    std::optional<model::ModSeq> unchanged_since = {},
                                                    bool silent = true);
    // UID SEARCH [RETURN (ALL)] [CHARSET UTF-8] criteria; CHARSET is added when a string is not ASCII
    // and UTF8=ACCEPT is off. `esearch` asks for one "* ESEARCH ... ALL set" answer (RFC 4731).
    [[nodiscard]] util::Expected<Command> uid_search(std::span<const SearchTerm> criteria, bool esearch);
    [[nodiscard]] util::Expected<Command> uid_copy(const SeqSet& uids, std::string_view mailbox);
    [[nodiscard]] util::Expected<Command> uid_move(const SeqSet& uids, std::string_view mailbox);
    [[nodiscard]] util::Expected<Command> uid_expunge(const SeqSet& uids);
    // APPEND mailbox (flags) "date" literal [(flags) "date" literal ...]: more than one message is
    // MULTIAPPEND (RFC 3502), which the caller uses only when the server announces it.
    [[nodiscard]] util::Expected<Command> append(std::string_view mailbox, std::span<const AppendMessage> messages);

    // NOTIFY SET <spec> with mailbox-free event specs written by mailtwin, e.g.
    // "(SELECTED (MessageNew MessageExpunge FlagChange)) (PERSONAL (MessageNew MessageExpunge MailboxName))".
    [[nodiscard]] util::Expected<Command> notify_set(std::string_view spec);
    [[nodiscard]] Command notify_none();

private:
    [[nodiscard]] util::Expected<Command> select_like(std::string_view name, std::string_view mailbox,
                                                      const SelectOptions& options);
    [[nodiscard]] util::Expected<Command> uid_copy_like(std::string_view name, const SeqSet& uids,
                                                        std::string_view mailbox);
    [[nodiscard]] Command simple(std::string_view name);

    EncoderOptions m_options;
    std::uint64_t m_next_tag = 1;
};

}  // namespace mailtwin::imap
